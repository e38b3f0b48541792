package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
)

func TestWorkflowKeysRoundTrip(t *testing.T) {
	k := store.WorkflowKey(store.WorkflowTxn, "sc", "st", "00ff")
	kind, parts, ok := store.ParseWorkflowKey(k)
	if !ok || kind != store.WorkflowTxn || !slices.Equal(parts, []string{"sc", "st", "00ff"}) {
		t.Fatalf("%q → %q %v %v", k, kind, parts, ok)
	}
	if _, _, ok := store.ParseWorkflowKey("streams/a/b"); ok {
		t.Fatal("parsed a non-marker key")
	}
}

func TestFreeFormNamesAreEscaped(t *testing.T) {
	if k := store.TagKey("sc", "a/b c", "st"); k != "tags/sc/a%2Fb%20c/st" {
		t.Fatal(k)
	}
	if got := store.Unescape(store.LastElement(store.SubscriberKey("sc", "st", "sc/rg"))); got != "sc/rg" {
		t.Fatal(got)
	}
}

func TestUpdateRetriesOnConflict(t *testing.T) {
	ctx := context.Background()
	ms := metastore.NewMem(nil)
	defer ms.Close()
	s := store.New(ms)
	if _, err := s.Put(ctx, "k", store.CounterRecord{Next: 1}, metastore.MustNotExist()); err != nil {
		t.Fatal(err)
	}
	calls := 0
	got, err := store.Update(ctx, s, "k", func(c *store.CounterRecord) ([]metastore.Op, error) {
		calls++
		if calls == 1 { // a concurrent writer moves the key on
			if _, err := s.Put(ctx, "k", store.CounterRecord{Next: 10}, metastore.Unconditional()); err != nil {
				t.Fatal(err)
			}
		}
		c.Next++
		return nil, nil
	})
	if err != nil || got.Next != 11 || calls != 2 {
		t.Fatalf("got %+v after %d calls, %v", got, calls, err)
	}
	if _, err := store.Update(ctx, s, "missing", func(*store.CounterRecord) ([]metastore.Op, error) { return nil, nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	for want := uint64(1); want <= 3; want++ {
		if n, err := s.NextTxnCounter(ctx); err != nil || n != want {
			t.Fatalf("counter %d, %v", n, err)
		}
	}
}
