package segments_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestRevisionedWrites drives a segment the way a revisioned stream writer
// does: conditional appends at the expected length, a retried append that
// was made already, the compare-and-set mark, and reading the records back.
func TestRevisionedWrites(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, startStore(t))
	seg := "s/_MARKst/0.#epoch.0"
	if err := c.CreateSegment(ctx, seg, segments.Policy{}, 0); err != nil {
		t.Fatal(err)
	}
	writer := wire.UUIDFromHalves(1, 2)
	mustAppend := func(eventNumber, at int64, event string, want bool) {
		t.Helper()
		ok, err := c.ConditionalAppend(ctx, seg, writer, eventNumber, at, []byte(event))
		if err != nil || ok != want {
			t.Fatalf("append %q at %d (event %d) = %v, %v; want %v", event, at, eventNumber, ok, err, want)
		}
	}
	mustAppend(1, 0, "one", true)
	mustAppend(2, 0, "two", false)   // the segment is 11 bytes long, not 0
	mustAppend(3, 11, "two", true)   // the record is 8 + 3 bytes
	mustAppend(3, 11, "two", true)   // a retry of event 3: made already, not written again
	mustAppend(4, 22, "three", true) // numbers may skip
	if ok, err := c.ConditionalAppend(ctx, "s/_MARKst/9.#epoch.0", writer, 5, 0, nil); !errors.Is(err, segments.ErrNoSuchSegment) {
		t.Fatalf("append to a missing segment: %v, %v", ok, err)
	}
	info, err := c.GetStreamSegmentInfo(ctx, seg)
	if err != nil || info.Length != 35 {
		t.Fatalf("info %+v, %v", info, err)
	}
	var events []string
	for off := int64(0); off < info.Length; {
		data, err := c.ReadSegment(ctx, seg, off, int32(info.Length-off))
		if err != nil || len(data) == 0 {
			t.Fatalf("read at %d: %d bytes, %v", off, len(data), err)
		}
		off += int64(len(data))
		if err := wire.SplitEvents(data, func(e []byte) bool { events = append(events, string(e)); return true }); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(events, []string{"one", "two", "three"}) {
		t.Fatalf("events %q", events)
	}

	m := naming.RevisionStreamClientMark()
	mark := wire.UUIDFromHalves(int64(m.MSB), int64(m.LSB))
	if v, err := c.GetAttribute(ctx, seg, mark); err != nil || v != wire.NullAttributeValue {
		t.Fatalf("unset mark = %d, %v", v, err)
	}
	for _, step := range []struct {
		expected, value int64
		ok              bool
	}{{wire.NullAttributeValue, 11, true}, {wire.NullAttributeValue, 22, false}, {11, 22, true}} {
		if ok, err := c.CompareAndSetAttribute(ctx, seg, mark, step.expected, step.value); err != nil || ok != step.ok {
			t.Fatalf("CAS %d→%d = %v, %v", step.expected, step.value, ok, err)
		}
	}
	if v, err := c.GetAttribute(ctx, seg, mark); err != nil || v != 22 {
		t.Fatalf("mark = %d, %v", v, err)
	}
	if err := c.TruncateSegment(ctx, seg, 11); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadSegment(ctx, seg, 0, 100); !errors.Is(err, segments.ErrTruncated) {
		t.Fatalf("read below the start: %v", err)
	}
}
