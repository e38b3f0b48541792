package metastore

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// Mem is an in-memory Store for unit tests. It follows the same contract as
// Etcd (metastoretest.Run checks both) with one difference: time comes from
// an injected clock and leases expire lazily, when the next operation of any
// kind notices that the clock passed their deadline. Mem keeps its whole
// change history for Watch, so it is not meant for long-running use.
type Mem struct {
	now  func() time.Time
	done chan struct{} // closed by Close
	wg   sync.WaitGroup

	mu struct {
		sync.Mutex
		closed    bool
		rev       int64
		keys      map[string]KV
		leases    map[LeaseID]*memLease
		lastLease LeaseID
		history   []Event       // every change in revision order
		changed   chan struct{} // closed and replaced on every change
	}
}

// memLease is the state of one granted lease.
type memLease struct {
	id      LeaseID
	ttl     time.Duration
	expires time.Time
	keys    map[string]struct{}
}

var _ Store = (*Mem)(nil)

// NewMem returns an empty in-memory store whose leases run on the clock now
// (time.Now if nil).
func NewMem(now func() time.Time) *Mem {
	if now == nil {
		now = time.Now
	}
	m := &Mem{now: now, done: make(chan struct{})}
	m.mu.keys = make(map[string]KV)
	m.mu.leases = make(map[LeaseID]*memLease)
	m.mu.changed = make(chan struct{})
	return m
}

// Close stops all watches and makes every later call fail with ErrClosed.
func (m *Mem) Close() error {
	m.mu.Lock()
	if !m.mu.closed {
		m.mu.closed = true
		close(m.done)
	}
	m.mu.Unlock()
	m.wg.Wait()
	return nil
}

// lock takes the mutex, fails if the store is closed and expires leases
// whose deadline passed. On success the caller must unlock.
func (m *Mem) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	if m.mu.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.expireLocked()
	return nil
}

// Get implements Reader.
func (m *Mem) Get(ctx context.Context, key string) (KV, error) {
	if err := m.lock(ctx); err != nil {
		return KV{}, err
	}
	defer m.mu.Unlock()
	if key == "" {
		return KV{}, invalidf("empty key")
	}
	kv, ok := m.mu.keys[key]
	if !ok {
		return KV{}, ErrNotFound
	}
	return kv, nil
}

// List implements Reader.
func (m *Mem) List(ctx context.Context, prefix, startAfter string, limit int) ([]KV, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out []KV
	for k, kv := range m.mu.keys {
		if strings.HasPrefix(k, prefix) && k > startAfter {
			out = append(out, kv)
		}
	}
	slices.SortFunc(out, func(a, b KV) int { return strings.Compare(a.Key, b.Key) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Put implements Writer.
func (m *Mem) Put(ctx context.Context, key string, value []byte, cond Cond, opts ...PutOption) (int64, error) {
	return m.Txn(ctx, PutOp(key, value, cond, opts...))
}

// Delete implements Writer.
func (m *Mem) Delete(ctx context.Context, key string, cond Cond) error {
	_, err := m.Txn(ctx, DeleteOp(key, cond))
	return err
}

// Txn implements Writer.
func (m *Mem) Txn(ctx context.Context, ops ...Op) (int64, error) {
	if err := validateOps(ops); err != nil {
		return 0, err
	}
	if err := m.lock(ctx); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	for _, o := range ops {
		if !o.cond.holds(m.mu.keys[o.key].ModRevision) {
			return 0, ErrConflict
		}
	}
	for _, o := range ops {
		if o.kind == opPut && o.lease != NoLease && m.mu.leases[o.lease] == nil {
			return 0, ErrLeaseNotFound
		}
	}
	var evs []Event
	rev := m.mu.rev + 1
	for _, o := range ops {
		switch o.kind {
		case opPut:
			evs = append(evs, m.putLocked(o, rev))
		case opDelete:
			if ev, ok := m.deleteLocked(o.key, rev); ok {
				evs = append(evs, ev)
			}
		}
	}
	m.commitLocked(evs)
	return m.mu.rev, nil
}

// putLocked writes o at rev and returns its event.
func (m *Mem) putLocked(o Op, rev int64) Event {
	old, existed := m.mu.keys[o.key]
	kv := KV{Key: o.key, Value: slices.Clone(o.value), CreateRevision: rev, ModRevision: rev, Lease: o.lease}
	if existed {
		kv.CreateRevision = old.CreateRevision
		m.detachLocked(old)
	}
	if o.lease != NoLease {
		m.mu.leases[o.lease].keys[o.key] = struct{}{}
	}
	m.mu.keys[o.key] = kv
	return Event{Type: EventPut, KV: kv}
}

// deleteLocked removes key at rev; ok is false if it did not exist.
func (m *Mem) deleteLocked(key string, rev int64) (Event, bool) {
	old, existed := m.mu.keys[key]
	if !existed {
		return Event{}, false
	}
	m.detachLocked(old)
	delete(m.mu.keys, key)
	return Event{Type: EventDelete, KV: KV{Key: key, ModRevision: rev}}, true
}

// detachLocked removes kv from the key set of its lease.
func (m *Mem) detachLocked(kv KV) {
	if l := m.mu.leases[kv.Lease]; l != nil {
		delete(l.keys, kv.Key)
	}
}

// commitLocked records the events of one write; if there are any, the store
// revision advances by one and watchers are woken.
func (m *Mem) commitLocked(evs []Event) {
	if len(evs) == 0 {
		return
	}
	m.mu.rev++
	m.mu.history = append(m.mu.history, evs...)
	close(m.mu.changed)
	m.mu.changed = make(chan struct{})
}
