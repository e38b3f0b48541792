package metastoretest

import (
	"errors"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/metastore"
)

func grant(t *testing.T, s metastore.Store, ttl time.Duration) metastore.LeaseID {
	t.Helper()
	id, err := s.Grant(ctx(t), ttl)
	if err != nil {
		t.Fatalf("Grant(%v): %v", ttl, err)
	}
	if id == metastore.NoLease {
		t.Fatal("Grant returned NoLease")
	}
	return id
}

func testLease(t *testing.T, in Instance) {
	s := in.Store
	id := grant(t, s, 30*time.Second)
	put(t, s, "l/a", "a", metastore.MustNotExist(), metastore.WithLease(id))
	put(t, s, "l/b", "b", metastore.MustNotExist(), metastore.WithLease(id))
	put(t, s, "l/c", "c", metastore.MustNotExist())
	if kv := get(t, s, "l/a"); kv.Lease != id {
		t.Fatalf("leased key: %+v, want lease %x", kv, id)
	}
	ttl, err := s.KeepAliveOnce(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if ttl < 30*time.Second {
		t.Fatalf("KeepAliveOnce TTL = %v, want >= 30s", ttl)
	}
	// Rewriting a key without WithLease detaches it from the lease.
	put(t, s, "l/b", "b2", metastore.Unconditional())
	if kv := get(t, s, "l/b"); kv.Lease != metastore.NoLease {
		t.Fatalf("rewritten key still leased: %+v", kv)
	}

	if err := s.Revoke(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, "l/a")
	get(t, s, "l/b")
	get(t, s, "l/c")

	_, err = s.KeepAliveOnce(ctx(t), id)
	wantErr(t, "KeepAliveOnce of a revoked lease", err, metastore.ErrLeaseNotFound)
	wantErr(t, "Revoke of a revoked lease", s.Revoke(ctx(t), id), metastore.ErrLeaseNotFound)
	_, err = s.Put(ctx(t), "l/d", []byte("d"), metastore.Unconditional(), metastore.WithLease(id))
	wantErr(t, "Put with a revoked lease", err, metastore.ErrLeaseNotFound)
	_, err = s.Txn(ctx(t),
		metastore.PutOp("l/e", nil, metastore.Unconditional()),
		metastore.PutOp("l/f", nil, metastore.Unconditional(), metastore.WithLease(id)),
	)
	wantErr(t, "Txn with a revoked lease", err, metastore.ErrLeaseNotFound)
	wantMissing(t, s, "l/d")
	wantMissing(t, s, "l/e")
}

func testLeaseExpiry(t *testing.T, in Instance) {
	s := in.Store
	events := in.Store.Watch(ctx(t), "e/", 0)
	id := grant(t, s, time.Second)
	r1 := put(t, s, "e/leased", "x", metastore.Unconditional(), metastore.WithLease(id))
	r2 := put(t, s, "e/plain", "y", metastore.Unconditional())

	in.Advance(time.Second + 100*time.Millisecond)
	eventually(t, "the leased key to expire", func() bool {
		_, err := s.Get(ctx(t), "e/leased")
		return errors.Is(err, metastore.ErrNotFound)
	})
	get(t, s, "e/plain")
	_, err := s.KeepAliveOnce(ctx(t), id)
	wantErr(t, "KeepAliveOnce of an expired lease", err, metastore.ErrLeaseNotFound)

	expectEvents(t, events,
		want{metastore.EventPut, "e/leased", r1},
		want{metastore.EventPut, "e/plain", r2},
		want{metastore.EventDelete, "e/leased", -1},
	)
}

func testLeaseKeepAlive(t *testing.T, in Instance) {
	s := in.Store
	id := grant(t, s, 2*time.Second)
	put(t, s, "k/alive", "x", metastore.Unconditional(), metastore.WithLease(id))
	for range 2 {
		in.Advance(1200 * time.Millisecond)
		if _, err := s.KeepAliveOnce(ctx(t), id); err != nil {
			t.Fatalf("KeepAliveOnce within the TTL: %v", err)
		}
	}
	// 2.4 s after the grant, more than its TTL: alive thanks to renewals.
	get(t, s, "k/alive")
}
