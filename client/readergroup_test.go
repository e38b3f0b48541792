package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testRefresh = 30 * time.Millisecond

// writeKeyed writes n events "key:seq" over keys routing keys and flushes.
func writeKeyed(t *testing.T, c *Client, scope, stream, prefix string, keys, from, n int) []string {
	t.Helper()
	ctx := t.Context()
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := from; i < from+n; i++ {
		ev := fmt.Sprintf("%s%d:%d", prefix, i%keys, i)
		if err := w.Write(ctx, fmt.Sprintf("%s%d", prefix, i%keys), []byte(ev)); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOrder fails unless every key's events are in increasing sequence.
func checkOrder(t *testing.T, events []string) {
	t.Helper()
	last := make(map[string]int)
	for _, ev := range events {
		key, seq, _ := strings.Cut(ev, ":")
		n, _ := strconv.Atoi(seq)
		if p, ok := last[key]; ok && p >= n {
			t.Fatalf("key %s: event %d after %d", key, n, p)
		}
		last[key] = n
	}
}

// readUntil reads with r until stop returns true; it returns the events
// and checkpoint names in order.
func readUntil(ctx context.Context, r *Reader, stop func() bool, got func(EventRead)) error {
	for !stop() {
		ev, err := r.ReadNext(ctx)
		if err != nil {
			return err
		}
		got(ev)
	}
	return nil
}

// TestReaderGroupTwoReaders: two readers of one group over two streams
// (four segments) read every event exactly once, in per-key order, and the
// segments are shared between them.
func TestReaderGroupTwoReaders(t *testing.T) {
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, s1 := newStream(t, c, 3)
	if err := c.StreamManager().CreateStream(ctx, scope, "s2", StreamConfig{Scaling: Fixed(1)}); err != nil {
		t.Fatal(err)
	}
	want := writeKeyed(t, c, scope, s1, "a", 20, 0, 300)
	want = append(want, writeKeyed(t, c, scope, "s2", "b", 5, 0, 100)...)
	g, err := c.CreateReaderGroup(ctx, scope, "rg", ReaderGroupConfig{RefreshInterval: testRefresh,
		Streams: []GroupStream{{Scope: scope, Stream: s1}, {Scope: scope, Stream: "s2"}}})
	if err != nil {
		t.Fatal(err)
	}
	if unread, err := g.UnreadBytes(ctx); err != nil || unread == 0 {
		t.Fatalf("unread bytes before reading: %d %v", unread, err)
	}
	var mu sync.Mutex
	var all []string
	perReader := make([][]string, 2)
	done := func() bool { mu.Lock(); defer mu.Unlock(); return len(all) >= len(want) }
	readCtx, stopReading := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i := range 2 {
		r, err := g.NewReader(ctx, fmt.Sprint("reader-", i))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.Close(ctx)
			err := readUntil(readCtx, r, done, func(ev EventRead) {
				if ev.Checkpoint != "" {
					return
				}
				mu.Lock()
				all = append(all, string(ev.Event))
				perReader[i] = append(perReader[i], string(ev.Event))
				n := len(all)
				mu.Unlock()
				if n >= len(want) {
					stopReading()
				}
			})
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stopReading()
	seen := make(map[string]int)
	for _, ev := range all {
		seen[ev]++
	}
	for _, ev := range want {
		if seen[ev] != 1 {
			t.Fatalf("event %s read %d times", ev, seen[ev])
		}
	}
	if len(all) != len(want) {
		t.Fatalf("read %d events, want %d", len(all), len(want))
	}
	for i, evs := range perReader {
		checkOrder(t, evs)
		t.Logf("reader-%d read %d events", i, len(evs))
	}
	if unread, err := g.UnreadBytes(ctx); err != nil || unread != 0 {
		t.Fatalf("unread bytes after reading: %d %v", unread, err)
	}
	cuts, err := g.StreamCuts(ctx)
	if err != nil || len(cuts) != 2 {
		t.Fatalf("stream cuts: %v %v", cuts, err)
	}
	if err := c.DeleteReaderGroup(ctx, scope, "rg"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReaderGroup(ctx, scope, "rg"); !errors.Is(err, ErrReaderGroupNotFound) {
		t.Fatalf("open deleted group: %v", err)
	}
}

// TestReaderGroupOffline: a reader that dies holding every segment is
// declared offline at its last positions; a second reader takes its
// segments over and reads the rest, nothing lost or repeated.
func TestReaderGroupOffline(t *testing.T) {
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, stream := newStream(t, c, 3)
	want := writeKeyed(t, c, scope, stream, "k", 10, 0, 200)
	g, err := c.CreateReaderGroup(ctx, scope, "rg", ReaderGroupConfig{RefreshInterval: testRefresh,
		Streams: []GroupStream{{Scope: scope, Stream: stream}}})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := g.NewReader(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	last := make(map[Segment]int64) // what the application tracked
	for len(got) < 50 {
		ev, err := r1.ReadNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Checkpoint == "" {
			got = append(got, string(ev.Event))
			last[ev.Segment] = ev.Offset + 8 + int64(len(ev.Event))
		}
	}
	r1.stop() // the process dies: no Close
	if err := g.ReaderOffline(ctx, "r1", last); err != nil {
		t.Fatal(err)
	}
	if err := g.ReaderOffline(ctx, "r1", nil); !errors.Is(err, ErrReaderOffline) {
		t.Fatalf("second offline: %v", err)
	}
	if readers, err := g.Readers(ctx); err != nil || len(readers) != 0 {
		t.Fatalf("readers: %v %v", readers, err)
	}
	r2, err := g.NewReader(ctx, "r2")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close(ctx)
	for len(got) < len(want) {
		ev, err := r2.ReadNext(ctx)
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		if ev.Checkpoint == "" {
			got = append(got, string(ev.Event))
		}
	}
	seen := make(map[string]int)
	for _, ev := range got {
		seen[ev]++
	}
	for _, ev := range want {
		if seen[ev] != 1 {
			t.Fatalf("event %s read %d times", ev, seen[ev])
		}
	}
	if _, err := r1.ReadNext(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("read after stop: %v", err)
	}
}

// TestReaderGroupCheckpoint: two readers reach a checkpoint; every event a
// reader returned before its marker lies before the checkpoint's cut, and
// every event after it at or after the cut.
func TestReaderGroupCheckpoint(t *testing.T) {
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, stream := newStream(t, c, 4)
	want := writeKeyed(t, c, scope, stream, "k", 16, 0, 400)
	g, err := c.CreateReaderGroup(ctx, scope, "rg", ReaderGroupConfig{RefreshInterval: testRefresh,
		Streams: []GroupStream{{Scope: scope, Stream: stream}}})
	if err != nil {
		t.Fatal(err)
	}
	readers := make([]*Reader, 2)
	for i := range readers {
		if readers[i], err = g.NewReader(ctx, fmt.Sprint("r", i)); err != nil {
			t.Fatal(err)
		}
	}
	type read struct {
		ev      EventRead
		afterCP bool
	}
	var mu sync.Mutex
	var reads []read
	total := 0
	initiated, allRead := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	for _, r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			afterCP := false
			err := readUntil(readCtx, r, func() bool { return false }, func(ev EventRead) {
				mu.Lock()
				defer mu.Unlock()
				if ev.Checkpoint != "" {
					if ev.Checkpoint != "cp1" {
						t.Errorf("checkpoint %q", ev.Checkpoint)
					}
					afterCP = true
					return
				}
				reads = append(reads, read{ev, afterCP})
				if total++; total == 100 {
					close(initiated)
				}
				if total == len(want) {
					close(allRead)
				}
			})
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Error(err)
			}
		}()
	}
	<-initiated
	if err := g.InitiateCheckpoint(ctx, "cp1"); err != nil {
		t.Fatal(err)
	}
	if err := g.InitiateCheckpoint(ctx, "cp1"); !errors.Is(err, ErrCheckpointExists) {
		t.Fatalf("second initiate: %v", err)
	}
	cuts, err := g.Checkpoint(ctx, "cp1")
	if err != nil {
		t.Fatal(err)
	}
	<-allRead
	stopReading()
	wg.Wait()
	for _, r := range readers {
		_ = r.Close(ctx)
	}
	cut := cuts[scope+"/"+stream]
	if len(cut.Positions) != 4 {
		t.Fatalf("checkpoint cut %v", cut)
	}
	before, afterBytes := 0, int64(0)
	for _, rd := range reads {
		at, ok := cut.Positions[rd.ev.Segment.ID]
		if !ok {
			t.Fatalf("segment %s not in the checkpoint %v", rd.ev.Segment, cut)
		}
		if rd.afterCP != (rd.ev.Offset >= at) {
			t.Fatalf("event %s at %s:%d read after checkpoint=%v, cut at %d", rd.ev.Event, rd.ev.Segment, rd.ev.Offset,
				rd.afterCP, at)
		}
		if !rd.afterCP {
			before++
		} else {
			afterBytes += 8 + int64(len(rd.ev.Event))
		}
	}
	if len(reads) != len(want) || before < 100 {
		t.Fatalf("%d reads, %d before the checkpoint", len(reads), before)
	}
	// A new group restarted from the checkpoint reads exactly the events after it.
	g2, err := c.CreateReaderGroup(ctx, scope, "rg2", ReaderGroupConfig{RefreshInterval: testRefresh,
		Streams: []GroupStream{{Scope: scope, Stream: stream, From: cut}}})
	if err != nil {
		t.Fatal(err)
	}
	if unread, err := g2.UnreadBytes(ctx); err != nil || unread != afterBytes {
		t.Fatalf("unread of the restarted group: %d %v, want %d", unread, err, afterBytes)
	}
	r, err := g2.NewReader(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	for n := len(reads) - before; n > 0; {
		ev, err := r.ReadNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Checkpoint == "" {
			n--
		}
	}
}

// TestReaderGroupScale: events written across a split and a merge are read
// once each and in order per key: successors only after all predecessors.
func TestReaderGroupScale(t *testing.T) {
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, stream := newStream(t, c, 1)
	m := c.StreamManager()
	g, err := c.CreateReaderGroup(ctx, scope, "rg", ReaderGroupConfig{RefreshInterval: testRefresh,
		Streams: []GroupStream{{Scope: scope, Stream: stream}}})
	if err != nil {
		t.Fatal(err)
	}
	want := writeKeyed(t, c, scope, stream, "k", 8, 0, 100)
	segs, _ := m.CurrentSegments(ctx, scope, stream)
	split, err := m.Scale(ctx, scope, stream, []int64{segs[0].ID}, []KeyRange{{0, 0.5}, {0.5, 1}})
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, writeKeyed(t, c, scope, stream, "k", 8, 100, 100)...)
	if _, err := m.Scale(ctx, scope, stream, []int64{split[0].ID, split[1].ID}, []KeyRange{{0, 1}}); err != nil {
		t.Fatal(err)
	}
	want = append(want, writeKeyed(t, c, scope, stream, "k", 8, 200, 100)...)
	var got []string
	rs := make([]*Reader, 2)
	for i := range rs {
		if rs[i], err = g.NewReader(ctx, fmt.Sprint("r", i)); err != nil {
			t.Fatal(err)
		}
		defer rs[i].Close(ctx)
	}
	// Both readers in one goroutine, alternating with short deadlines, so
	// the order of everything read is known.
	for i := 0; len(got) < len(want); i++ {
		rctx, rcancel := context.WithTimeout(ctx, 20*time.Millisecond)
		ev, err := rs[i%2].ReadNext(rctx)
		rcancel()
		if errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.Checkpoint == "" {
			got = append(got, string(ev.Event))
		}
	}
	checkOrder(t, got)
	seen := make(map[string]int)
	for _, ev := range got {
		seen[ev]++
	}
	for _, ev := range want {
		if seen[ev] != 1 {
			t.Fatalf("event %s read %d times", ev, seen[ev])
		}
	}
}

// TestReaderGroupEventsAcrossFetches: events that straddle the end of a
// fetched block (3 MB of 1,000-byte events: 1 MiB reads end inside one)
// are put together, not reported as malformed.
func TestReaderGroupEventsAcrossFetches(t *testing.T) {
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	scope, stream := newStream(t, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	for i := range n {
		ev := make([]byte, 1000)
		copy(ev, strconv.Itoa(i))
		if err := w.Write(ctx, "k", ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	g, err := c.CreateReaderGroup(ctx, scope, "rg", ReaderGroupConfig{RefreshInterval: testRefresh,
		Streams: []GroupStream{{Scope: scope, Stream: stream}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.NewReader(ctx, "reader")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	next := 0
	err = readUntil(ctx, r, func() bool { return next == n }, func(ev EventRead) {
		if ev.Checkpoint != "" {
			return
		}
		if want := strconv.Itoa(next); len(ev.Event) != 1000 || !strings.HasPrefix(string(ev.Event), want+"\x00") {
			t.Fatalf("event %d: %d bytes starting %q", next, len(ev.Event), ev.Event[:min(8, len(ev.Event))])
		}
		next++
	})
	if err != nil {
		t.Fatal(err)
	}
}
