package client

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

// TestReadBetweenCuts writes three batches with a tail cut between each and
// reads exactly the middle batch back.
func TestReadBetweenCuts(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	scope, stream := newStream(t, c, 2)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	var cuts []StreamCut
	for batch := range 3 {
		for i := range 100 {
			if err := w.Write(ctx, fmt.Sprint(i%5), fmt.Appendf(nil, "%d-%d", batch, i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		cut, err := c.TailCut(ctx, scope, stream)
		if err != nil {
			t.Fatal(err)
		}
		cuts = append(cuts, cut)
	}
	got := make(map[string]bool)
	err = c.ReadBetween(ctx, cuts[0], cuts[1], func(_ Segment, ev []byte) error {
		got[string(ev)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if !got[fmt.Sprintf("1-%d", i)] {
			t.Fatalf("event 1-%d missing; got %d events", i, len(got))
		}
	}
	if len(got) != 100 {
		t.Fatalf("read %d events between the cuts, want 100", len(got))
	}
	// Truncating at the first cut makes it the head; reading below it fails.
	if err := c.StreamManager().TruncateStream(ctx, cuts[0]); err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadCut(ctx, scope, stream)
	if err != nil || fmt.Sprint(head) != fmt.Sprint(cuts[0]) {
		t.Fatalf("head after truncation: %v %v, want %v", head, err, cuts[0])
	}
	seg := cuts[0].Segments()[0].Segment
	if _, err := c.NewSegmentReader(seg, 0, -1).ReadEvent(ctx); !errors.Is(err, ErrSegmentTruncated) {
		t.Fatalf("read below the head: %v", err)
	}
}

// TestSegmentReaderTail: a reader at the tail waits for the next event and
// sees the end of the segment once the stream is sealed.
func TestSegmentReaderTail(t *testing.T) {
	c := newTestClient(t)
	ctx := t.Context()
	scope, stream := newStream(t, c, 1)
	segs, err := c.StreamManager().CurrentSegments(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	r := c.NewSegmentReader(segs[0].Segment, 0, -1)
	type result struct {
		ev  []byte
		err error
	}
	got := make(chan result)
	go func() {
		for {
			ev, err := r.ReadEvent(ctx)
			got <- result{ev, err}
			if err != nil {
				return
			}
		}
	}()
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, "k", []byte("first")); err != nil {
		t.Fatal(err)
	}
	if res := <-got; res.err != nil || string(res.ev) != "first" {
		t.Fatalf("tail read: %q %v", res.ev, res.err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.StreamManager().SealStream(ctx, scope, stream); err != nil {
		t.Fatal(err)
	}
	if res := <-got; !errors.Is(res.err, io.EOF) {
		t.Fatalf("after seal: %q %v, want io.EOF", res.ev, res.err)
	}
	info, err := c.SegmentInfo(ctx, segs[0].Segment)
	if err != nil || !info.Sealed || info.Length != r.Offset() {
		t.Fatalf("info %+v %v; reader at %d", info, err, r.Offset())
	}
	if succ, err := c.Successors(ctx, segs[0].Segment); err != nil || len(succ) != 0 {
		t.Fatalf("successors of a sealed stream's segment: %v %v", succ, err)
	}
}

// TestReadEventAcrossReplies: events larger than a third of the read size
// end up split between two read replies; ReadEvent fetches the rest
// instead of failing (Pravega's replies end at any byte).
func TestReadEventAcrossReplies(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	scope, stream := newStream(t, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 300<<10)
	for i := range 10 {
		big[0] = byte(i)
		if err := w.Write(ctx, "k", big); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	segs, err := c.StreamManager().CurrentSegments(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	r := c.NewSegmentReader(segs[0].Segment, 0, -1)
	for i := range 10 {
		ev, err := r.ReadEvent(ctx)
		if err != nil || len(ev) != len(big) || ev[0] != byte(i) {
			t.Fatalf("event %d: %d bytes, %v", i, len(ev), err)
		}
	}
}
