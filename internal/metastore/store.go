package metastore

import (
	"context"
	"time"
)

// KV is one key with its value and revisions, as read from a Store.
type KV struct {
	// Key is the full key (within the store's namespace).
	Key string
	// Value is the stored bytes; callers must not modify it.
	Value []byte
	// CreateRevision is the store revision at which the key was created
	// (last created, if it was deleted and created again).
	CreateRevision int64
	// ModRevision is the store revision of the last write of the key. It is
	// what AtRevision compares against.
	ModRevision int64
	// Lease is the lease the key is bound to, or NoLease.
	Lease LeaseID
}

// LeaseID identifies a lease granted by a Store. The zero value NoLease means
// "not bound to a lease".
type LeaseID int64

// NoLease is the LeaseID of keys that live until deleted.
const NoLease LeaseID = 0

// MaxTxnOps is the largest number of operations one Txn may carry (etcd's
// default --max-txn-ops).
const MaxTxnOps = 128

// Reader reads keys.
type Reader interface {
	// Get returns the key, or ErrNotFound.
	Get(ctx context.Context, key string) (KV, error)
	// List returns up to limit keys that start with prefix and sort after
	// startAfter, in ascending byte order of the key. An empty startAfter
	// starts at the beginning of the prefix; limit <= 0 means no limit. To
	// page, pass the last key of one page as startAfter of the next. The
	// result is one consistent snapshot.
	List(ctx context.Context, prefix, startAfter string, limit int) ([]KV, error)
}

// Writer changes keys. Every write is atomic and takes effect at a new store
// revision, which it returns.
type Writer interface {
	// Put writes value under key if cond holds and returns the new revision
	// (the key's ModRevision). It fails with ErrConflict if cond does not
	// hold and with ErrLeaseNotFound if a WithLease option names a lease that
	// does not exist. Writing a key without WithLease detaches it from any
	// lease it had.
	Put(ctx context.Context, key string, value []byte, cond Cond, opts ...PutOption) (int64, error)
	// Delete removes key if cond holds (ErrConflict otherwise). Deleting a
	// key that does not exist is not an error.
	Delete(ctx context.Context, key string, cond Cond) error
	// Txn applies ops atomically: either every op's condition holds and all
	// puts and deletes take effect at one new revision, or nothing changes
	// and the error is ErrConflict. It returns the store revision after the
	// transaction. At most MaxTxnOps ops; at most one Put or Delete per key.
	Txn(ctx context.Context, ops ...Op) (int64, error)
}

// Leaser manages leases. A lease expires when it is not kept alive for its
// TTL; when it expires or is revoked, every key bound to it is deleted (at
// one revision, visible to watchers as delete events).
type Leaser interface {
	// Grant creates a lease with the given time to live, rounded up to whole
	// seconds (the servers may raise it to their minimum).
	Grant(ctx context.Context, ttl time.Duration) (LeaseID, error)
	// KeepAliveOnce renews the lease for its full TTL and returns that TTL.
	// It fails with ErrLeaseNotFound if the lease expired or was revoked.
	// See KeepAlive for a loop around it.
	KeepAliveOnce(ctx context.Context, id LeaseID) (time.Duration, error)
	// Revoke ends the lease now and deletes its keys. Revoking an unknown
	// lease fails with ErrLeaseNotFound.
	Revoke(ctx context.Context, id LeaseID) error
}

// Watcher streams changes.
type Watcher interface {
	// Watch reports every change of a key under prefix, in revision order,
	// starting at revision fromRev (0: changes after the call; Etcd waits
	// for the server to register the watch before returning). The channel
	// is closed when ctx is done or the store is closed; if the watch fails
	// (for example because fromRev was compacted away) the last event
	// carries the error in Err.
	//
	// To follow a prefix without missing changes, either watch from
	// ModRevision+1 of what was read, or start the watch before listing and
	// ignore events not newer than the listed ModRevision of their key.
	Watch(ctx context.Context, prefix string, fromRev int64) <-chan Event
}

// Store is the controller's metadata store. Implementations: Etcd (a
// remote cluster or the Embedded server) and Mem (tests). All methods are
// safe for concurrent use.
type Store interface {
	Reader
	Writer
	Leaser
	Watcher
}

// EventType says what an Event did to its key.
type EventType int

const (
	// EventPut means the key was created or overwritten.
	EventPut EventType = iota + 1
	// EventDelete means the key was deleted (explicitly or by its lease).
	EventDelete
)

// String returns "put" or "delete".
func (t EventType) String() string {
	switch t {
	case EventPut:
		return "put"
	case EventDelete:
		return "delete"
	}
	return "unknown"
}

// Event is one change reported by Watch. For EventDelete, KV carries only
// Key and ModRevision (the revision of the deletion).
type Event struct {
	Type EventType
	KV   KV
	// Err is set on the last event of a failed watch; Type and KV are then
	// zero.
	Err error
}
