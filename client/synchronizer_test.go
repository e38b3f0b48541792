package client

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
)

// counterApply adds an update (a decimal number) to the counter.
func counterApply(state int, update []byte) (int, error) {
	n, err := strconv.Atoi(string(update))
	return state + n, err
}

// TestSynchronizerConcurrentIncrements: processes incrementing a shared
// counter with conditional updates never lose one.
func TestSynchronizerConcurrentIncrements(t *testing.T) {
	ctx := t.Context()
	scope, stream := newStream(t, newTestClient(t), 1)
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newTestClient(t) // its own connections, as another process
			rs, err := c.RevisionedStream(ctx, scope, stream)
			if err != nil {
				t.Error(err)
				return
			}
			s, err := NewSynchronizer(ctx, rs, 0, counterApply)
			if err != nil {
				t.Error(err)
				return
			}
			for range each {
				if err := s.Update(ctx, func(int) ([]byte, error) { return []byte("1"), nil }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rs, err := newTestClient(t).RevisionedStream(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSynchronizer(ctx, rs, 0, counterApply)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if s.State() != workers*each {
		t.Fatalf("counter %d, want %d", s.State(), workers*each)
	}
}

// TestRevisionedStreamConditionsAndMark: a write at a stale revision is
// refused; entries read back with their revisions; the mark is
// compare-and-set.
func TestRevisionedStreamConditionsAndMark(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	scope, stream := newStream(t, c, 1)
	rs, err := c.RevisionedStream(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := rs.WriteConditionally(ctx, 0, []byte("first"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.WriteConditionally(ctx, 0, []byte("stale")); !errors.Is(err, ErrRevisionConflict) {
		t.Fatalf("write at a stale revision: %v", err)
	}
	r2, err := rs.WriteUnconditionally(ctx, []byte("second"))
	if err != nil || r2 <= r1 {
		t.Fatalf("unconditional write: %d %v", r2, err)
	}
	entries, err := rs.ReadFrom(ctx, 0)
	if err != nil || len(entries) != 2 || string(entries[0].Data) != "first" || entries[0].Revision != r1 ||
		entries[1].Revision != r2 {
		t.Fatalf("entries %+v %v", entries, err)
	}
	if rest, err := rs.ReadFrom(ctx, r1); err != nil || len(rest) != 1 || string(rest[0].Data) != "second" {
		t.Fatalf("entries after %d: %+v %v", r1, rest, err)
	}
	if _, ok, err := rs.Mark(ctx); ok || err != nil {
		t.Fatalf("mark of a new stream: %v %v", ok, err)
	}
	if ok, err := rs.CompareAndSetMark(ctx, 0, false, r1); !ok || err != nil {
		t.Fatalf("set the mark: %v %v", ok, err)
	}
	if ok, _ := rs.CompareAndSetMark(ctx, 0, false, r2); ok {
		t.Fatal("compare-and-set with a wrong expectation succeeded")
	}
	if m, ok, err := rs.Mark(ctx); !ok || m != r1 || err != nil {
		t.Fatalf("mark %d %v %v, want %d", m, ok, err, r1)
	}
	// A stream of several segments is refused.
	s2, st2 := newStream(t, c, 2)
	if _, err := c.RevisionedStream(context.Background(), s2, st2); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("revisioned stream over 2 segments: %v", err)
	}
}
