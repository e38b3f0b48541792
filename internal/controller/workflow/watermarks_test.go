package workflow_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/watermark"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// marks reads the watermarks of a stream's mark segment.
func (v *env) marks(scope, stream string) []watermark.Watermark {
	v.t.Helper()
	seg := naming.QualifiedName(scope, naming.MarkStreamName(stream), 0)
	_, _, length := v.info(seg)
	data, err := v.ss.ReadSegment(context.Background(), seg, 0, int32(length))
	if err != nil || int64(len(data)) != length {
		v.t.Fatalf("read %s: %d of %d bytes, %v", seg, len(data), length, err)
	}
	var out []watermark.Watermark
	if err := wire.SplitEvents(data, func(ev []byte) bool {
		w, err := watermark.Unmarshal(ev)
		if err != nil {
			v.t.Fatal(err)
		}
		out = append(out, w)
		return true
	}); err != nil {
		v.t.Fatal(err)
	}
	return out
}

// TestWatermarkLoop drives the watermarking loop with the fake clock: a
// pass runs every WatermarkInterval and appends the stream's watermark.
func TestWatermarkLoop(t *testing.T) {
	v := newEnv(t)
	passes := make(chan struct{}, 100)
	e := workflow.New(workflow.Config{Store: store.New(v.ms), Segments: v.ss, Clock: v.clock,
		TxnCheckInterval: time.Hour, WatermarkInterval: 10 * time.Second,
		OnWatermarkPass: func() { passes <- struct{}{} }})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 2)
	// pass advances the clock whenever a loop parks, until a watermark
	// pass has run.
	pass := func() {
		t.Helper()
		for {
			select {
			case <-passes:
				return
			case <-v.clock.Waiting():
				v.clock.Advance(10 * time.Second)
			}
		}
	}
	if err := e.NoteWriterMark(ctx, "sc", "st", "w1", streammodel.Cut{0: 8, 1: 16}, 1000); err != nil {
		t.Fatal(err)
	}
	if err := e.NoteWriterMark(ctx, "sc", "st", "w2", streammodel.Cut{1: 32}, 1500); err != nil {
		t.Fatal(err)
	}
	pass()
	s0 := watermark.Segment{ID: 0, Low: 0, High: 0.5}
	s1 := watermark.Segment{ID: 1, Low: 0.5, High: 1}
	want := []watermark.Watermark{{Lower: 1000, Upper: 1500, Cut: map[watermark.Segment]int64{s0: 8, s1: 32}}}
	if got := v.marks("sc", "st"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the first pass: %+v", got)
	}
	// Neither writer advances; the default timeout (0) drops w1, which is
	// at the watermark's lower bound, and w2 alone makes the next one.
	pass()
	want = append(want, watermark.Watermark{Lower: 1500, Upper: 1500, Cut: map[watermark.Segment]int64{s0: 8, s1: 32}})
	if got := v.marks("sc", "st"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the second pass: %+v", got)
	}
	if _, err := v.ms.Get(ctx, store.WriterKey("sc", "st", "w1")); err == nil {
		t.Fatal("inactive writer w1 kept")
	} else if !errors.Is(err, metastore.ErrNotFound) {
		t.Fatal(err)
	}
	// Then w2 is dropped too and the stream leaves the passes.
	pass()
	if got := v.marks("sc", "st"); len(got) != 2 {
		t.Fatalf("after the third pass: %+v", got)
	}
	if kvs, err := v.ms.List(ctx, store.AllWritersPrefix(), "", 0); err != nil || len(kvs) != 0 {
		t.Fatalf("writers left: %v, %v", kvs, err)
	}
}

// TestCommitNotesWriterMark: a commit that names a writer and a time notes
// that writer's mark at the parents' lengths after the merge; a commit
// without a time (Long.MIN_VALUE) notes nothing.
func TestCommitNotesWriterMark(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	rec, _, err := e.CreateTxn(ctx, "sc", "st", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := v.ss.ConditionalAppend(ctx, txnNames("sc", "st", rec)[0], wire.UUIDFromHalves(3, 4), 1, 0, []byte("event"))
	if err != nil || !ok {
		t.Fatalf("write to the transaction: %v %v", ok, err)
	}
	plain, _, err := e.CreateTxn(ctx, "sc", "st", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CommitTxn(ctx, "sc", "st", naming.UUID{MSB: rec.MSB, LSB: rec.LSB}, "tw", 777); err != nil {
		t.Fatal(err)
	}
	if err := e.CommitTxn(ctx, "sc", "st", naming.UUID{MSB: plain.MSB, LSB: plain.LSB}, "pw", math.MinInt64); err != nil {
		t.Fatal(err)
	}
	// Sealing completes committing transactions before it returns.
	if err := e.SealStream(ctx, "sc", "st"); err != nil {
		t.Fatal(err)
	}
	var w store.WriterRecord
	if _, err := store.New(v.ms).Get(ctx, store.WriterKey("sc", "st", "tw"), &w); err != nil {
		t.Fatal(err)
	}
	if w.Timestamp != 777 || !reflect.DeepEqual(w.Position, map[int64]int64{0: 8 + 5}) {
		t.Fatalf("writer mark %+v", w)
	}
	if _, err := v.ms.Get(ctx, store.WriterKey("sc", "st", "pw")); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("mark of a commit without time: %v", err)
	}
}
