package client

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// countEvents reads the whole stream.
func countEvents(t *testing.T, c *Client, scope, stream string) []string {
	t.Helper()
	var out []string
	err := c.ReadBetween(t.Context(), StreamCut{Scope: scope, Stream: stream}, StreamCut{Scope: scope, Stream: stream},
		func(_ Segment, ev []byte) error {
			out = append(out, string(ev))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTxnCommitAbort: committed events appear together, aborted ones never.
func TestTxnCommitAbort(t *testing.T) {
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, stream := newStream(t, c, 3)
	txn, err := c.BeginTxn(ctx, scope, stream, TxnConfig{Lease: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 60 {
		ev := fmt.Sprintf("k%d:%d", i%7, i)
		if err := txn.Write(ctx, fmt.Sprint("k", i%7), []byte(ev)); err != nil {
			t.Fatal(err)
		}
		want = append(want, ev)
	}
	if err := txn.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countEvents(t, c, scope, stream); len(got) != 0 {
		t.Fatalf("%d events visible before the commit", len(got))
	}
	if st, err := txn.Status(ctx); err != nil || st != TxnOpen {
		t.Fatalf("status %v %v", st, err)
	}
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := txn.Wait(ctx); err != nil || st != TxnCommitted {
		t.Fatalf("after commit: %v %v", st, err)
	}
	got := countEvents(t, c, scope, stream)
	if len(got) != len(want) {
		t.Fatalf("%d events after the commit, want %d", len(got), len(want))
	}
	checkOrder(t, got)

	ab, err := c.BeginTxn(ctx, scope, stream, TxnConfig{Lease: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := ab.Write(ctx, "x", []byte("aborted")); err != nil {
		t.Fatal(err)
	}
	if err := ab.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ab.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := ab.Wait(ctx); err != nil || st != TxnAborted {
		t.Fatalf("after abort: %v %v", st, err)
	}
	if err := ab.Commit(ctx); !errors.Is(err, ErrTxnNotOpen) && !errors.Is(err, ErrClosed) {
		t.Fatalf("commit after abort: %v", err)
	}
	if got := countEvents(t, c, scope, stream); len(got) != len(want) {
		t.Fatalf("%d events after the abort, want %d", len(got), len(want))
	}
}

// TestTxnLease: a transaction that is not pinged is aborted when its lease
// runs out; a pinged one with the same lease stays open and commits.
func TestTxnLease(t *testing.T) {
	t.Parallel()
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, stream := newStream(t, c, 1)
	lapsed, err := c.BeginTxn(ctx, scope, stream, TxnConfig{Lease: 10 * time.Second, noPing: true})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := c.BeginTxn(ctx, scope, stream, TxnConfig{Lease: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := kept.Write(ctx, "k", []byte("kept")); err != nil {
		t.Fatal(err)
	}
	if st, err := lapsed.Wait(ctx); err != nil || st != TxnAborted {
		t.Fatalf("unpinged transaction: %v %v", st, err)
	}
	if st, err := kept.Status(ctx); err != nil || st != TxnOpen {
		t.Fatalf("pinged transaction: %v %v", st, err)
	}
	if err := kept.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := kept.Wait(ctx); err != nil || st != TxnCommitted {
		t.Fatalf("pinged transaction after commit: %v %v", st, err)
	}
	if got := countEvents(t, c, scope, stream); len(got) != 1 || got[0] != "kept" {
		t.Fatalf("events %v", got)
	}
}
