package metastore_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicestream/sluice/internal/metastore"
)

// Inside a synctest bubble time.Now is the bubble's fake clock, so Mem with
// the default clock and KeepAlive's ticker share one virtual time.

func TestKeepAliveKeepsLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := metastore.NewMem(nil)
		defer m.Close()
		id, err := m.Grant(t.Context(), 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Put(t.Context(), "k", nil, metastore.Unconditional(), metastore.WithLease(id)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- metastore.KeepAlive(ctx, m, id, time.Second) }()

		time.Sleep(time.Minute)
		if _, err := m.Get(t.Context(), "k"); err != nil {
			t.Fatalf("key of a kept-alive lease after a minute: %v", err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("KeepAlive after cancel: %v", err)
		}
		time.Sleep(3 * time.Second)
		if _, err := m.Get(t.Context(), "k"); !errors.Is(err, metastore.ErrNotFound) {
			t.Fatalf("key after keep-alive stopped: %v, want ErrNotFound", err)
		}
	})
}

func TestKeepAliveReportsLostLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := metastore.NewMem(nil)
		defer m.Close()
		id, err := m.Grant(t.Context(), 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- metastore.KeepAlive(t.Context(), m, id, time.Second) }()
		time.Sleep(1500 * time.Millisecond)
		if err := m.Revoke(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		if err := <-done; !errors.Is(err, metastore.ErrLeaseNotFound) {
			t.Fatalf("KeepAlive of a revoked lease: %v, want ErrLeaseNotFound", err)
		}
	})
}
