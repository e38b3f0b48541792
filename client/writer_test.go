package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sluicestream/sluice/internal/naming"
)

// keyedEvent is "<key>:<seq>".
func keyedEvent(key string, seq int) []byte { return fmt.Appendf(nil, "%s:%d", key, seq) }

// checkKeyedEvents reads the whole stream and checks that every key's
// events 0..want[key]-1 appear exactly once and in order. It returns the
// segments each key was found in.
func checkKeyedEvents(t *testing.T, c *Client, scope, stream string, want map[string]int) map[string]map[int64]bool {
	t.Helper()
	next := make(map[string]int)
	where := make(map[string]map[int64]bool)
	err := c.ReadBetween(t.Context(), StreamCut{Scope: scope, Stream: stream}, StreamCut{Scope: scope, Stream: stream},
		func(seg Segment, ev []byte) error {
			key, seqText, ok := strings.Cut(string(ev), ":")
			seq, err := strconv.Atoi(seqText)
			if !ok || err != nil {
				return fmt.Errorf("bad event %q", ev)
			}
			if seq != next[key] {
				return fmt.Errorf("key %s: event %d in %s, expected %d (loss, duplicate or reordering)", key, seq, seg, next[key])
			}
			next[key]++
			if where[key] == nil {
				where[key] = make(map[int64]bool)
			}
			where[key][seg.ID] = true
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range want {
		if next[k] != n {
			t.Errorf("key %s: read %d events, wrote %d", k, next[k], n)
		}
	}
	return where
}

// TestWriterRoutingKeys writes 10,000 events over 40 keys to 3 segments,
// reads them back with the low-level reader and checks per-key order and
// that each key landed in the segment the Java routing picks.
func TestWriterRoutingKeys(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	scope, stream := newStream(t, c, 3)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{MaxInFlightBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]int)
	for i := range 10000 {
		key := fmt.Sprintf("key-%d", i%40)
		if err := w.Write(ctx, key, keyedEvent(key, want[key])); err != nil {
			t.Fatal(err)
		}
		want[key]++
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	where := checkKeyedEvents(t, c, scope, stream, want)
	segs, err := c.StreamManager().CurrentSegments(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	for key := range want {
		h := naming.RoutingKeyToKey(key)
		var expect int64 = -1
		for _, s := range segs {
			if h <= s.High {
				expect = s.ID
				break
			}
		}
		if len(where[key]) != 1 || !where[key][expect] {
			t.Errorf("key %s (%.4f) found in %v, want only segment %d", key, h, where[key], expect)
		}
	}
}

// TestWriterExactlyOnceAcrossReconnects kills the segment store
// connections under a writer again and again; every event must still be
// stored exactly once and in order.
func TestWriterExactlyOnceAcrossReconnects(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	scope, stream := newStream(t, c, 2)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]int)
	for i := range 6000 {
		key := fmt.Sprintf("k%d", i%7)
		if err := w.Write(ctx, key, keyedEvent(key, want[key])); err != nil {
			t.Fatal(err)
		}
		want[key]++
		if i%1000 == 500 {
			c.pool.breakAll(errors.New("test: connection cut"))
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := w.setups.Load(); n <= 2 {
		t.Errorf("%d append setups for 2 segments: the cuts did not force reconnects", n)
	}
	checkKeyedEvents(t, c, scope, stream, want)
}

// TestWriterThroughScale keeps writing while the stream is split twice and
// then merged back; the writer follows the successors without losing,
// duplicating or reordering any key's events.
func TestWriterThroughScale(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	m := c.StreamManager()
	scope, stream := newStream(t, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{MaxInFlightBytes: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]int)
	stop := make(chan struct{})
	progress := make(chan struct{}, 1) // the writer wrote another 300 events
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			key := fmt.Sprintf("k%d", i%16)
			if writeErr = w.Write(ctx, key, keyedEvent(key, want[key])); writeErr != nil {
				return
			}
			want[key]++
			if i%300 == 299 {
				select {
				case progress <- struct{}{}:
				default:
				}
			}
		}
	})
	written := func() {
		// Let the writer make progress between scales (a flush while it
		// keeps writing must not starve).
		select {
		case <-progress:
		default:
		}
		select {
		case <-progress:
		case <-ctx.Done():
			t.Fatal("writer made no progress")
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	scale := func(seal []int64, ranges ...KeyRange) []SegmentRange {
		t.Helper()
		written()
		segs, err := m.Scale(ctx, scope, stream, seal, ranges)
		if err != nil {
			t.Fatal(err)
		}
		return segs
	}
	cur, err := m.CurrentSegments(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	halves := scale([]int64{cur[0].ID}, KeyRange{0, 0.5}, KeyRange{0.5, 1})
	quarters := scale([]int64{halves[1].ID}, KeyRange{0.5, 0.75}, KeyRange{0.75, 1})
	scale([]int64{halves[0].ID, quarters[0].ID, quarters[1].ID}, KeyRange{0, 1})
	written()
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	where := checkKeyedEvents(t, c, scope, stream, want)
	spread := 0
	for _, segs := range where {
		spread += len(segs)
	}
	if spread <= len(where) {
		t.Errorf("no key was written to more than one segment; the scales happened after the writes? %v", where)
	}
	// The first segment's successors are the two halves, each with it as
	// the only predecessor.
	succ, err := c.Successors(ctx, cur[0].Segment)
	if err != nil || len(succ) != 2 || len(succ[0].Predecessors) != 1 || succ[0].Predecessors[0] != cur[0].ID {
		t.Fatalf("successors: %+v %v", succ, err)
	}
}

// TestWriterErrors: oversized events and a closed writer.
func TestWriterErrors(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	scope, stream := newStream(t, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, "k", make([]byte, MaxEventSize+1)); !errors.Is(err, ErrEventTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
	if err := w.NoteTime(ctx, 1000); err != nil {
		t.Fatalf("note time: %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, "k", []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.NewEventWriter(cctx, scope, stream, WriterConfig{}); err == nil {
		t.Fatal("writer with a cancelled context")
	}
}

// TestWriteAsyncAcknowledgesEachEvent: every event accepted by WriteAsync
// gets exactly one callback, nil once it is stored (also across a scale),
// and the writer's error when the stream is sealed under it.
func TestWriteAsyncAcknowledgesEachEvent(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	m := c.StreamManager()
	scope, stream := newStream(t, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{MaxInFlightBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	calls := make([]atomic.Int32, n)
	acked := make(chan error, n)
	want := make(map[string]int)
	write := func(from, to int) {
		for i := from; i < to; i++ {
			key := fmt.Sprintf("k%d", i%8)
			err := w.WriteAsync(ctx, key, keyedEvent(key, want[key]), func(err error) {
				calls[i].Add(1)
				acked <- err
			})
			if err != nil {
				t.Fatal(err)
			}
			want[key]++
		}
	}
	write(0, n/2)
	cur, err := m.CurrentSegments(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Scale(ctx, scope, stream, []int64{cur[0].ID}, []KeyRange{{0, 0.5}, {0.5, 1}}); err != nil {
		t.Fatal(err)
	}
	write(n/2, n)
	for range n { // no Flush: the callbacks alone say the events are stored
		if err := <-acked; err != nil {
			t.Fatalf("event failed: %v", err)
		}
	}
	for i := range calls {
		if k := calls[i].Load(); k != 1 {
			t.Fatalf("event %d: %d callbacks", i, k)
		}
	}
	checkKeyedEvents(t, c, scope, stream, want)

	if err := m.SealStream(ctx, scope, stream); err != nil {
		t.Fatal(err)
	}
	failed := make(chan error, 1)
	if err := w.WriteAsync(ctx, "k0", []byte("late"), func(err error) { failed <- err }); err == nil {
		if err := <-failed; !errors.Is(err, ErrStreamSealed) {
			t.Fatalf("write to a sealed stream: callback got %v, want ErrStreamSealed", err)
		}
	} else if !errors.Is(err, ErrStreamSealed) {
		t.Fatalf("write to a sealed stream: %v", err)
	}
	_ = w.Close(ctx)
}
