package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

type env struct {
	t     *testing.T
	ms    *metastore.Mem
	ssAdr string
	ss    *segments.Client
	clock *workflow.FakeClock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s, err := segmentstore.Start(context.Background(), segmentstore.Config{DataDir: t.TempDir(), Address: "127.0.0.1:0",
		ContainerCount: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	clock := workflow.NewFakeClock(time.UnixMilli(1_700_000_000_000))
	ms := metastore.NewMem(clock.Now)
	t.Cleanup(func() { _ = ms.Close() })
	c := segments.New(segments.Config{Resolver: segments.Static(s.Addr().String())})
	t.Cleanup(func() { _ = c.Close() })
	return &env{t: t, ms: ms, ssAdr: s.Addr().String(), ss: c, clock: clock}
}

// engine starts an engine on the env's store; failpoint may be nil.
func (v *env) engine(failpoint func(string) error) *workflow.Engine {
	v.t.Helper()
	e := workflow.New(workflow.Config{Store: store.New(v.ms), Segments: v.ss, Clock: v.clock, Failpoint: failpoint,
		TxnCheckInterval: time.Second, RetentionInterval: -1})
	if err := e.Start(context.Background()); err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(e.Close)
	return e
}

// info returns the segment store's view of a segment (exists, sealed, length).
func (v *env) info(name string) (bool, bool, int64) {
	v.t.Helper()
	i, err := v.ss.GetStreamSegmentInfo(context.Background(), name)
	if errors.Is(err, segments.ErrNoSuchSegment) {
		return false, false, 0
	}
	if err != nil {
		v.t.Fatal(err)
	}
	return true, i.Sealed, i.Length
}

// waitFor polls cond with the real clock; workflows run on goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mustCreate(t *testing.T, e *workflow.Engine, scope, stream string, n int32) {
	t.Helper()
	ctx := context.Background()
	if err := e.CreateScope(ctx, scope); err != nil && !errors.Is(err, workflow.ErrScopeExists) {
		t.Fatal(err)
	}
	if err := e.CreateStream(ctx, scope, stream, store.StreamConfig{MinSegments: n}); err != nil {
		t.Fatal(err)
	}
}

func TestCreateSealDeleteRecreate(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	if err := e.CreateStream(ctx, "nope", "st", store.StreamConfig{MinSegments: 1}); !errors.Is(err, workflow.ErrScopeNotFound) {
		t.Fatalf("create in missing scope: %v", err)
	}
	mustCreate(t, e, "sc", "st", 2)
	if err := e.CreateStream(ctx, "sc", "st", store.StreamConfig{MinSegments: 2}); !errors.Is(err, workflow.ErrStreamExists) {
		t.Fatalf("second create: %v", err)
	}
	for _, seg := range []string{"sc/st/0.#epoch.0", "sc/st/1.#epoch.0", "sc/_MARKst/0.#epoch.0"} {
		if ok, _, _ := v.info(seg); !ok {
			t.Fatalf("%s missing", seg)
		}
	}
	if err := e.DeleteStream(ctx, "sc", "st"); !errors.Is(err, workflow.ErrStreamNotSealed) {
		t.Fatalf("delete active: %v", err)
	}
	if err := e.SealStream(ctx, "sc", "st"); err != nil {
		t.Fatal(err)
	}
	if _, sealed, _ := v.info("sc/st/0.#epoch.0"); !sealed {
		t.Fatal("segment not sealed")
	}
	if err := e.SealStream(ctx, "sc", "st"); err != nil {
		t.Fatal("seal again:", err)
	}
	if err := e.DeleteStream(ctx, "sc", "st"); err != nil {
		t.Fatal(err)
	}
	for _, seg := range []string{"sc/st/0.#epoch.0", "sc/_MARKst/0.#epoch.0"} {
		if ok, _, _ := v.info(seg); ok {
			t.Fatalf("%s still exists", seg)
		}
	}
	if _, err := e.GetStream(ctx, "sc", "_MARKst"); !errors.Is(err, workflow.ErrStreamNotFound) {
		t.Fatalf("mark stream: %v", err)
	}
	mustCreate(t, e, "sc", "st", 1)
	rec, err := e.GetStream(ctx, "sc", "st")
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Model.CurrentSegments()[0].Number(); got != 2 {
		t.Fatalf("re-created stream starts at %d, want 2", got)
	}
}

func TestScaleCompletes(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	plan, err := e.Scale(ctx, "sc", "st", []int64{0}, []streammodel.KeyRange{{Low: 0, High: .5}, {Low: .5, High: 1}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "scale", func() bool {
		st, _ := e.CheckScale(ctx, "sc", "st", plan.Epoch)
		return st == workflow.ScaleSuccess
	})
	if _, sealed, _ := v.info("sc/st/0.#epoch.0"); !sealed {
		t.Fatal("old segment not sealed")
	}
	for _, s := range plan.NewSegments {
		if ok, sealed, _ := v.info(naming.QualifiedName("sc", "st", s.ID)); !ok || sealed {
			t.Fatalf("new segment %d: exists %v sealed %v", s.ID, ok, sealed)
		}
	}
	// A wrong request is refused with a precondition failure.
	_, err = e.Scale(ctx, "sc", "st", []int64{0}, []streammodel.KeyRange{{Low: 0, High: 1}}, 0)
	if !streammodel.IsPreconditionFailed(err) {
		t.Fatalf("scale of sealed segment: %v", err)
	}
}

// TestScaleCrashRecovery stops the scale at each step and restarts the
// engine on the same store; the scale must complete and the segment store
// must agree with the metadata.
func TestScaleCrashRecovery(t *testing.T) {
	for _, point := range []string{"scale.created", "scale.applied", "scale.sealed"} {
		t.Run(point, func(t *testing.T) {
			v := newEnv(t)
			crashed := make(chan struct{})
			e1 := v.engine(func(p string) error {
				if p == point {
					close(crashed)
					return workflow.ErrCrash
				}
				return nil
			})
			ctx := context.Background()
			mustCreate(t, e1, "sc", "st", 2)
			plan, err := e1.Scale(ctx, "sc", "st", []int64{0, 1}, []streammodel.KeyRange{{Low: 0, High: .3}, {Low: .3, High: 1}}, 0)
			if err != nil {
				t.Fatal(err)
			}
			<-crashed
			e1.Close()
			if st, _ := e1.CheckScale(ctx, "sc", "st", plan.Epoch); st == workflow.ScaleSuccess {
				t.Fatal("scale finished despite the crash")
			}
			e2 := v.engine(nil)
			waitFor(t, "recovered scale", func() bool {
				st, _ := e2.CheckScale(ctx, "sc", "st", plan.Epoch)
				return st == workflow.ScaleSuccess
			})
			rec, _ := e2.GetStream(ctx, "sc", "st")
			if rec.State != store.StreamActive || rec.Model.ActiveEpoch() != 1 {
				t.Fatalf("state %s epoch %d", rec.State, rec.Model.ActiveEpoch())
			}
			for _, id := range plan.Sealed {
				if _, sealed, _ := v.info(naming.QualifiedName("sc", "st", id)); !sealed {
					t.Fatalf("segment %d not sealed", id)
				}
			}
			if ok, sealed, _ := v.info(naming.QualifiedName("sc", "st", plan.NewSegments[0].ID)); !ok || sealed {
				t.Fatal("new segment missing or sealed")
			}
			if keys, _ := e2.Store().Keys(ctx, store.WorkflowPrefix, "", 0); len(keys) != 0 {
				t.Fatalf("workflow markers left: %v", keys)
			}
		})
	}
}

// writeTxn appends one event to each of a transaction's segments.
func writeTxn(t *testing.T, addr string, names []string, data string) {
	t.Helper()
	c := sstest.Dial(t, addr)
	for i, name := range names {
		w := wire.UUID{15: byte(i + 1)}
		c.Send(&wire.SetupAppend{RequestID: int64(i + 1), WriterID: w, Segment: name})
		sstest.Expect[*wire.AppendSetup](c)
		c.Send(&wire.AppendBlockEnd{WriterID: w, SizeOfWholeEvents: int32(len(sstest.Events(data))),
			Data: sstest.Events(data), NumEvents: 1, LastEventNumber: 1, RequestID: int64(i + 1)})
		sstest.Expect[*wire.DataAppended](c)
	}
}

func txnNames(scope, stream string, rec *store.TxnRecord) []string {
	id := naming.UUID{MSB: rec.MSB, LSB: rec.LSB}
	var out []string
	for _, p := range rec.Segments {
		out = append(out, naming.TransactionName(naming.QualifiedName(scope, stream,
			naming.SegmentID(rec.Epoch, naming.NumberOf(p))), id))
	}
	return out
}

func TestTxnCommitCrashRecovery(t *testing.T) {
	v := newEnv(t)
	crashed := make(chan struct{})
	e1 := v.engine(func(p string) error {
		if p == "commit.merged" {
			close(crashed)
			return workflow.ErrCrash
		}
		return nil
	})
	ctx := context.Background()
	mustCreate(t, e1, "sc", "st", 2)
	rec, segs, err := e1.CreateTxn(ctx, "sc", "st", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 2 || rec.MSB>>32 != 0 {
		t.Fatalf("txn %+v segs %v", rec, segs)
	}
	names := txnNames("sc", "st", rec)
	writeTxn(t, v.ssAdr, names, "hello")
	id := naming.UUID{MSB: rec.MSB, LSB: rec.LSB}
	if err := e1.CommitTxn(ctx, "sc", "st", id, "w", 1); err != nil {
		t.Fatal(err)
	}
	<-crashed
	e1.Close()
	if st, _ := e1.TxnState(ctx, "sc", "st", id); st != store.TxnCommitting {
		t.Fatalf("state after crash: %s", st)
	}
	e2 := v.engine(nil)
	waitFor(t, "commit", func() bool {
		st, _ := e2.TxnState(ctx, "sc", "st", id)
		return st == store.TxnCommitted
	})
	for i, s := range segs {
		if _, _, n := v.info(naming.QualifiedName("sc", "st", s.ID)); n != int64(len(sstest.Events("hello"))) {
			t.Fatalf("parent %d length %d", i, n)
		}
		if ok, _, _ := v.info(names[i]); ok {
			t.Fatalf("txn segment %s still exists", names[i])
		}
	}
	if err := e2.CommitTxn(ctx, "sc", "st", id, "w", 1); err != nil {
		t.Fatal("commit again:", err)
	}
	if err := e2.AbortTxn(ctx, "sc", "st", id); !errors.Is(err, workflow.ErrTxnWrongState) {
		t.Fatal("abort committed:", err)
	}
	done, _ := e2.ListCompletedTxns(ctx, "sc", "st")
	if len(done) != 1 || done[0].State != store.TxnCommitted {
		t.Fatalf("completed: %+v", done)
	}
}

// TestScaleWaitsForOlderTxn: a scale seals its old segments only after a
// transaction of the old epoch commits, which merges into them.
func TestScaleWaitsForOlderTxn(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	rec, _, err := e.CreateTxn(ctx, "sc", "st", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	writeTxn(t, v.ssAdr, txnNames("sc", "st", rec), "x")
	plan, err := e.Scale(ctx, "sc", "st", []int64{0}, []streammodel.KeyRange{{Low: 0, High: .5}, {Low: .5, High: 1}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "epoch applied", func() bool {
		r, _ := e.GetStream(ctx, "sc", "st")
		return r.Scale != nil && r.Scale.Applied
	})
	if st, _ := e.CheckScale(ctx, "sc", "st", plan.Epoch); st != workflow.ScaleInProgress {
		t.Fatalf("checkScale = %v, want in progress", st)
	}
	if _, sealed, _ := v.info("sc/st/0.#epoch.0"); sealed {
		t.Fatal("old segment sealed while a transaction is open")
	}
	id := naming.UUID{MSB: rec.MSB, LSB: rec.LSB}
	if err := e.CommitTxn(ctx, "sc", "st", id, "", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "scale", func() bool {
		st, _ := e.CheckScale(ctx, "sc", "st", plan.Epoch)
		return st == workflow.ScaleSuccess
	})
	if _, sealed, n := v.info("sc/st/0.#epoch.0"); !sealed || n == 0 {
		t.Fatalf("old segment sealed %v length %d", sealed, n)
	}
}

// TestTxnLeaseExpiry drives the expiry loop with the fake clock.
func TestTxnLeaseExpiry(t *testing.T) {
	v := newEnv(t)
	passes := make(chan struct{}, 100)
	e := workflow.New(workflow.Config{Store: store.New(v.ms), Segments: v.ss, Clock: v.clock,
		TxnCheckInterval: time.Second, OnExpiryPass: func() { passes <- struct{}{} },
		WatermarkInterval: -1, RetentionInterval: -1}) // the only loop on the clock: Waiting is the expiry loop's
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	rec, _, err := e.CreateTxn(ctx, "sc", "st", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	id := naming.UUID{MSB: rec.MSB, LSB: rec.LSB}
	step := func() {
		<-v.clock.Waiting()
		v.clock.Advance(time.Second)
		<-passes
	}
	for range 5 {
		step()
	}
	if st, _ := e.PingTxn(ctx, "sc", "st", id, 10*time.Second); st != workflow.PingOK {
		t.Fatalf("ping = %v", st)
	}
	if st, _ := e.PingTxn(ctx, "sc", "st", id, 601*time.Second); st != workflow.PingLeaseTooLarge {
		t.Fatalf("ping large = %v", st)
	}
	for range 9 {
		step()
	}
	if st, _ := e.TxnState(ctx, "sc", "st", id); st != store.TxnOpen {
		t.Fatalf("state before expiry: %s", st)
	}
	step()
	step()
	waitFor(t, "abort", func() bool {
		st, _ := e.TxnState(ctx, "sc", "st", id)
		return st == store.TxnAborted
	})
	if ok, _, _ := v.info(txnNames("sc", "st", rec)[0]); ok {
		t.Fatal("txn segment not deleted")
	}
	if st, _ := e.PingTxn(ctx, "sc", "st", id, 10*time.Second); st != workflow.PingAborted {
		t.Fatalf("ping aborted = %v", st)
	}
	if _, _, err := e.CreateTxn(ctx, "sc", "st", time.Second); !errors.Is(err, workflow.ErrLeaseOutOfRange) {
		t.Fatal(err)
	}
}

func TestTruncate(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	c := sstest.Dial(t, v.ssAdr)
	w := wire.UUID{1}
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: w, Segment: "sc/st/0.#epoch.0"})
	sstest.Expect[*wire.AppendSetup](c)
	ev := sstest.Events("a", "b")
	c.Send(&wire.AppendBlockEnd{WriterID: w, SizeOfWholeEvents: int32(len(ev)), Data: ev, NumEvents: 2, LastEventNumber: 2, RequestID: 1})
	sstest.Expect[*wire.DataAppended](c)
	plan, err := e.Scale(ctx, "sc", "st", []int64{0}, []streammodel.KeyRange{{Low: 0, High: 1}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "scale", func() bool { st, _ := e.CheckScale(ctx, "sc", "st", plan.Epoch); return st == workflow.ScaleSuccess })
	newID := plan.NewSegments[0].ID
	if err := e.TruncateStream(ctx, "sc", "st", streammodel.Cut{0: 9}); err != nil {
		t.Fatal(err)
	}
	if i, err := v.ss.GetStreamSegmentInfo(ctx, "sc/st/0.#epoch.0"); err != nil || i.StartOffset != 9 {
		t.Fatalf("info %+v %v", i, err)
	}
	if err := e.TruncateStream(ctx, "sc", "st", streammodel.Cut{newID: 0}); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := v.info("sc/st/0.#epoch.0"); ok {
		t.Fatal("segment before the cut not deleted")
	}
	if err := e.TruncateStream(ctx, "sc", "st", streammodel.Cut{0: 0}); !errors.Is(err, workflow.ErrInvalidCut) {
		t.Fatalf("truncate behind head: %v", err)
	}
	rec, _ := e.GetStream(ctx, "sc", "st")
	if h := rec.Model.Head(); h[newID] != 0 || len(h) != 1 {
		t.Fatalf("head %v", h)
	}
}

func TestUpdateResetsSegmentCount(t *testing.T) {
	v := newEnv(t)
	e := v.engine(nil)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	if err := e.UpdateStream(ctx, "sc", "st", store.StreamConfig{MinSegments: 3, Tags: []string{"a/b"}}); err != nil {
		t.Fatal(err)
	}
	rec, _ := e.GetStream(ctx, "sc", "st")
	if n := len(rec.Model.CurrentSegments()); n != 3 || rec.State != store.StreamActive {
		t.Fatalf("segments %d state %s", n, rec.State)
	}
	names, _ := e.ListStreamsByTag(ctx, "sc", "a/b", "", 10)
	if len(names) != 1 || names[0] != "st" {
		t.Fatalf("by tag: %v", names)
	}
	if err := e.SealStream(ctx, "sc", "st"); err != nil {
		t.Fatal(err)
	}
	if err := e.UpdateStream(ctx, "sc", "st", store.StreamConfig{MinSegments: 1}); !errors.Is(err, workflow.ErrStreamSealed) {
		t.Fatal(err)
	}
}

// TestScaleRefusedWhenHistoryIsFull: once a stream's record reaches the
// limit, scales are refused (FAILURE) but the stream can still be sealed
// and deleted.
func TestScaleRefusedWhenHistoryIsFull(t *testing.T) {
	v := newEnv(t)
	e := workflow.New(workflow.Config{Store: store.New(v.ms), Segments: v.ss, Clock: v.clock,
		TxnCheckInterval: time.Second, MaxScaleRecordBytes: 2 << 10})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	ctx := context.Background()
	mustCreate(t, e, "sc", "st", 1)
	active := int64(0)
	for i := 0; ; i++ {
		plan, err := e.Scale(ctx, "sc", "st", []int64{active}, []streammodel.KeyRange{{Low: 0, High: 1}}, 0)
		if errors.Is(err, streammodel.ErrHistoryFull) {
			if streammodel.IsPreconditionFailed(err) || i == 0 {
				t.Fatalf("after %d scales: %v", i, err)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "scale", func() bool {
			st, _ := e.CheckScale(ctx, "sc", "st", plan.Epoch)
			return st == workflow.ScaleSuccess
		})
		active = plan.NewSegments[0].ID
	}
	if err := e.SealStream(ctx, "sc", "st"); err != nil {
		t.Fatalf("seal a stream whose history is full: %v", err)
	}
	waitFor(t, "seal", func() bool {
		rec, err := e.GetStream(ctx, "sc", "st")
		return err == nil && rec.State == store.StreamSealed
	})
	if err := e.DeleteStream(ctx, "sc", "st"); err != nil {
		t.Fatalf("delete a stream whose history is full: %v", err)
	}
}
