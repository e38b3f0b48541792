package metastore

import (
	"context"
	"slices"
	"time"
)

// ttlSeconds rounds a lease TTL up to whole seconds, at least one, as etcd
// counts lease TTLs in seconds.
func ttlSeconds(ttl time.Duration) int64 {
	s := int64((ttl + time.Second - 1) / time.Second)
	return max(s, 1)
}

// Grant implements Leaser.
func (m *Mem) Grant(ctx context.Context, ttl time.Duration) (LeaseID, error) {
	if err := m.lock(ctx); err != nil {
		return NoLease, err
	}
	defer m.mu.Unlock()
	m.mu.lastLease++
	l := &memLease{
		id:   m.mu.lastLease,
		ttl:  time.Duration(ttlSeconds(ttl)) * time.Second,
		keys: make(map[string]struct{}),
	}
	l.expires = m.now().Add(l.ttl)
	m.mu.leases[l.id] = l
	return l.id, nil
}

// KeepAliveOnce implements Leaser.
func (m *Mem) KeepAliveOnce(ctx context.Context, id LeaseID) (time.Duration, error) {
	if err := m.lock(ctx); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	l := m.mu.leases[id]
	if l == nil {
		return 0, ErrLeaseNotFound
	}
	l.expires = m.now().Add(l.ttl)
	return l.ttl, nil
}

// Revoke implements Leaser.
func (m *Mem) Revoke(ctx context.Context, id LeaseID) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	l := m.mu.leases[id]
	if l == nil {
		return ErrLeaseNotFound
	}
	m.revokeLocked(l)
	return nil
}

// revokeLocked ends lease l and deletes its keys at one revision.
func (m *Mem) revokeLocked(l *memLease) {
	delete(m.mu.leases, l.id)
	keys := make([]string, 0, len(l.keys))
	for k := range l.keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var evs []Event
	for _, k := range keys {
		if ev, ok := m.deleteLocked(k, m.mu.rev+1); ok {
			evs = append(evs, ev)
		}
	}
	m.commitLocked(evs)
}

// expireLocked revokes every lease whose deadline is not after now, oldest
// deadline first.
func (m *Mem) expireLocked() {
	now := m.now()
	var due []*memLease
	for _, l := range m.mu.leases {
		if !l.expires.After(now) {
			due = append(due, l)
		}
	}
	slices.SortFunc(due, func(a, b *memLease) int {
		if c := a.expires.Compare(b.expires); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	for _, l := range due {
		m.revokeLocked(l)
	}
}
