// Package metastore is the controller's metadata store: a small key-value
// interface with optimistic concurrency, leases and watches, implemented on
// etcd v3 (Etcd, Embedded) and in memory for unit tests (Mem). Every
// implementation passes the same contract suite, metastoretest.Run.
//
// # Model
//
// The store maps string keys (any bytes, not empty) to byte values. Keys
// sort by their bytes; List returns them in that order. Values are opaque:
// the controller chooses their encoding. etcd limits a request to 1.5 MiB by
// default, so values should stay well below that.
//
// The store has one revision counter, starting above 0. Every successful
// write (Put, Delete of an existing key, Txn with at least one effective
// write, lease expiry or revocation that deletes keys) advances it by one,
// and all keys it changes get that revision. Each key records:
//
//	CreateRevision  revision at which the key was (last) created
//	ModRevision     revision of its last write
//	Lease           lease it is bound to, or NoLease
//
// A deleted key is gone: re-creating it gives a new CreateRevision.
//
// # Optimistic concurrency
//
// Writes carry a Cond, checked atomically with the write:
//
//	Unconditional()   always holds
//	MustNotExist()    the key does not exist
//	AtRevision(rev)   the key's ModRevision is rev (0: it does not exist)
//
// A failed condition is ErrConflict and changes nothing. The usual
// read-modify-write loop is: Get, compute, Put with AtRevision(kv.ModRevision),
// and on ErrConflict start again from Get. Txn applies up to MaxTxnOps
// operations (PutOp, DeleteOp, CheckOp) all-or-nothing at one revision:
// every condition holds and every write happens, or ErrConflict and nothing
// happens. CheckOp makes a transaction depend on a key it does not write
// ("create the stream record and its index entry, only if the scope record
// is still at the revision we read").
//
// # Leases
//
// Grant creates a lease with a TTL in whole seconds. A Put WithLease binds
// the key to it; the key is deleted when the lease is revoked or expires
// because nobody renewed it (KeepAliveOnce, or the KeepAlive loop) within
// its TTL. Rewriting a key without WithLease unbinds it. A process that owns
// something (a controller instance, a segment store host) holds a lease and
// writes its liveness keys with it, so that they vanish when it dies. etcd
// may lengthen short TTLs to its minimum, and it also extends all leases
// when a new leader takes over, so expiry is "no earlier than TTL", never
// exact. Mem expires leases lazily, on the next operation after its
// injected clock passes the deadline.
//
// # Watches
//
// Watch streams the changes under a prefix in revision order, from a given
// revision or from the call on. Deletions by lease expiry appear as delete
// events. etcd forgets history older than the compaction retention
// (Embedded: one hour by default); watching from a compacted revision fails
// with ErrCompacted in the last event.
//
// # Namespaces
//
// An Etcd store lives under a key prefix of its etcd cluster (NewEtcd), so
// several stores (or other users of the cluster) can share it. The prefix is
// invisible to callers. Key layout conventions for the controller's
// records are the controller's concern and are documented with it.
//
// # Embedded server
//
// StartEmbedded runs a single-node etcd server inside the process, on
// loopback ports (0 picks free ones), with its data under a directory that
// survives restarts. It logs only warnings and errors, into the slog logger
// it is given. It uses short raft ticks (10 ms heartbeat, 100 ms election)
// because a single member has no peers: a restart on an existing data
// directory serves in about 0.1 s.
//
// # Errors
//
// ErrNotFound, ErrConflict, ErrLeaseNotFound, ErrInvalid, ErrClosed and
// ErrCompacted are the sentinels callers branch on, with errors.Is. Other
// errors (context cancellation, an unreachable cluster) pass through.
package metastore
