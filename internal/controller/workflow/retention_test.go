package workflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// appendBytes appends n bytes (one event) to segment.
func appendBytes(t *testing.T, addr, segment string, writer wire.UUID, event int64, n int) {
	t.Helper()
	c := sstest.Dial(t, addr)
	defer c.Close()
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: writer, Segment: segment})
	sstest.Expect[*wire.AppendSetup](c)
	data := sstest.Events(strings.Repeat("x", n-wire.EventHeaderSize))
	c.Send(&wire.AppendBlockEnd{WriterID: writer, Data: data, NumEvents: 1, LastEventNumber: event,
		SizeOfWholeEvents: int32(len(data)), RequestID: 2})
	sstest.Expect[*wire.DataAppended](c)
}

// TestRetentionByTime: a stream keeping at least 10 minutes is truncated
// at the cut recorded more than 10 minutes ago, never earlier.
func TestRetentionByTime(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	if err := e.CreateScope(ctx, "sc"); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateStream(ctx, "sc", "st", store.StreamConfig{MinSegments: 1, RetentionType: 1,
		RetentionParam: (10 * time.Minute).Milliseconds(), HasRetention: true}); err != nil {
		t.Fatal(err)
	}
	const seg = "sc/st/0.#epoch.0"
	w := wire.UUID{9}
	appendBytes(t, v.ssAdr, seg, w, 1, 100)
	pass := func() {
		t.Helper()
		if err := e.ApplyRetention(ctx); err != nil {
			t.Fatal(err)
		}
	}
	pass() // records the cut at 100
	appendBytes(t, v.ssAdr, seg, w, 2, 100)
	v.clock.Advance(9 * time.Minute)
	pass()
	if _, _, _, start := segInfo(t, v, seg); start != 0 {
		t.Fatalf("truncated at %d after 9 minutes; the policy keeps 10", start)
	}
	v.clock.Advance(2 * time.Minute)
	pass()
	if _, _, _, start := segInfo(t, v, seg); start != 100 {
		t.Fatalf("start offset %d after 11 minutes, want 100 (the cut recorded 11 minutes ago)", start)
	}
}

// TestRetentionBySize: a stream keeping at least 150 bytes is truncated at
// the newest recorded cut with at least that much data after it.
func TestRetentionBySize(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	if err := e.CreateScope(ctx, "sc"); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateStream(ctx, "sc", "st", store.StreamConfig{MinSegments: 1, RetentionType: 2,
		RetentionParam: 150, HasRetention: true}); err != nil {
		t.Fatal(err)
	}
	const seg = "sc/st/0.#epoch.0"
	w := wire.UUID{8}
	for i := range int64(4) {
		appendBytes(t, v.ssAdr, seg, w, i+1, 100)
		if err := e.ApplyRetention(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Cuts were recorded at 100, 200, 300 (and 400 now); with 400 bytes the
	// newest cut with 150 bytes after it is 200.
	if _, _, _, start := segInfo(t, v, seg); start != 200 {
		t.Fatalf("start offset %d, want 200", start)
	}
}

func segInfo(t *testing.T, v *env, seg string) (exists, sealed bool, length, start int64) {
	t.Helper()
	i, err := v.ss.GetStreamSegmentInfo(context.Background(), seg)
	if err != nil {
		t.Fatal(err)
	}
	return true, i.Sealed, i.Length, i.StartOffset
}
