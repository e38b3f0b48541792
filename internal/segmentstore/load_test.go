package segmentstore

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestRateTracker: rates are the appended events and KiB per second,
// correct from a segment's first interval (bias-corrected averages), only
// for segments with a by-rate policy, and follow a step with the short
// window faster than with the long one.
func TestRateTracker(t *testing.T) {
	st, err := Start(context.Background(), Config{DataDir: t.TempDir(), Address: "127.0.0.1:0", NoSync: true,
		NoOrphanSweep: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := sstest.Dial(t, st.Addr().String())
	defer c.Close()
	const hot, fixed = "l/s/0.#epoch.0", "l/s/1.#epoch.0"
	c.Send(&wire.CreateSegment{RequestID: 1, Segment: hot, ScaleType: wire.ScaleType(2), TargetRate: 100})
	sstest.Expect[*wire.SegmentCreated](c)
	c.Create(fixed)
	writer := wire.UUID{7}
	c.Send(&wire.SetupAppend{RequestID: 2, WriterID: writer, Segment: hot})
	sstest.Expect[*wire.AppendSetup](c)
	var next int64
	appendEvents := func(n int) {
		t.Helper()
		events := make([]string, n)
		for i := range events {
			events[i] = "0123456789" // 18 bytes with the event header
		}
		data := sstest.Events(events...)
		next += int64(n)
		c.Send(&wire.AppendBlockEnd{WriterID: writer, Data: data, NumEvents: int32(n), LastEventNumber: next,
			SizeOfWholeEvents: int32(len(data)), RequestID: next})
		sstest.Expect[*wire.DataAppended](c)
	}

	r := newRateTracker(LoadReporting{})
	appendEvents(50)
	if got := r.sample(st, time.Second); len(got) != 0 {
		t.Fatalf("first sample reported %+v; a new segment starts measuring", got)
	}
	appendEvents(200)
	got := r.sample(st, 2*time.Second)
	if len(got) != 1 || got[0].Name != hot {
		t.Fatalf("report %+v, want only %s (the fixed-policy segment is not measured)", got, hot)
	}
	if off(got[0].EventsFast, 100) || off(got[0].EventsSlow, 100) || off(got[0].KiBFast, 200*18/2/1024.0) {
		t.Fatalf("rates after 200 events in 2 s: %+v, want 100 events/s", got[0])
	}
	for range 10 { // a 10x step for 10 s
		appendEvents(1000)
		got = r.sample(st, time.Second)
	}
	if got[0].EventsFast < 900 || got[0].EventsSlow >= got[0].EventsFast {
		t.Fatalf("after a 10x step: %+v, want the short window ahead of the long one", got[0])
	}
	c.Send(&wire.SealSegment{RequestID: 9, Segment: hot})
	sstest.Expect[*wire.SegmentSealed](c)
	if got := r.sample(st, time.Second); len(got) != 0 || len(r.segs) != 0 {
		t.Fatalf("sealed segment still measured: %+v", got)
	}
}

// off reports whether got differs from want by more than 1%.
func off(got, want float64) bool { return math.Abs(got-want) > want/100 }
