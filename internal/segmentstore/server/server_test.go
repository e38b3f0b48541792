package server_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

func startStore(t *testing.T, dir string) *segmentstore.Store {
	t.Helper()
	st, err := segmentstore.Start(t.Context(), segmentstore.Config{DataDir: dir, Address: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func uuid(n byte) wire.UUID { return wire.UUID{0xaa, n} }

func setup(t *testing.T, c *sstest.Conn, seg string, w wire.UUID) int64 {
	t.Helper()
	c.Send(&wire.SetupAppend{RequestID: 100, WriterID: w, Segment: seg})
	return sstest.Expect[*wire.AppendSetup](c).LastEventNumber
}

func TestHelloAndVersionNegotiation(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := sstest.DialRaw(t, st.Addr().String())
	c.Send(&wire.Hello{HighVersion: 15, LowVersion: 5}) // the Rust client
	if h := sstest.Expect[*wire.Hello](c); h.HighVersion != 17 || h.LowVersion != 5 {
		t.Fatalf("server Hello = %+v", h)
	}
	old := sstest.DialRaw(t, st.Addr().String())
	old.Send(&wire.Hello{HighVersion: 4, LowVersion: 1})
	sstest.Expect[*wire.Hello](old)
	if _, err := old.TryRecv(5 * time.Second); err == nil {
		t.Fatal("connection of an incompatible peer stayed open")
	}
	c.Send(&wire.KeepAlive{})
	sstest.Expect[*wire.KeepAlive](c)
}

func TestAppendReadAndSegmentErrors(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := sstest.Dial(t, st.Addr().String())
	seg := "sc/st/0.#epoch.0"
	c.Create(seg)
	c.Send(&wire.CreateSegment{RequestID: 2, Segment: seg})
	if r := sstest.Expect[*wire.SegmentAlreadyExists](c); r.RequestID != 2 || r.Segment != seg {
		t.Fatalf("reply = %+v", r)
	}
	w := uuid(1)
	if last := setup(t, c, seg, w); last != wire.NullAttributeValue {
		t.Fatalf("new writer's last event number = %d", last)
	}
	data := sstest.Events("one", "two", "three")
	c.Send(&wire.AppendBlockEnd{WriterID: w, Data: data, NumEvents: 3, LastEventNumber: 3, RequestID: 100})
	ack := sstest.Expect[*wire.DataAppended](c)
	if ack.EventNumber != 3 || ack.PreviousEventNumber != wire.NullAttributeValue || ack.RequestID != 100 ||
		ack.CurrentSegmentWriteOffset != int64(len(data)) {
		t.Fatalf("ack = %+v", ack)
	}
	events, err := sstest.SplitEvents(sstest.ReadAll(c, seg))
	if err != nil || fmt.Sprint(events) != "[one two three]" {
		t.Fatalf("read back %v, %v", events, err)
	}
	c.Send(&wire.ReadSegment{Segment: "sc/st/9.#epoch.0", Offset: 5, SuggestedLength: 10, RequestID: 42})
	if r := sstest.Expect[*wire.NoSuchSegment](c); r.RequestID != 42 || r.Offset != 5 {
		t.Fatalf("read of a missing segment = %+v", r)
	}
	c.Send(&wire.GetStreamSegmentInfo{RequestID: 43, SegmentName: "sc/st/9.#epoch.0"})
	sstest.Expect[*wire.NoSuchSegment](c)
	c.Send(&wire.CreateTableSegment{RequestID: 44, Segment: "sc/t_kvtable/0.#epoch.0"})
	if r := sstest.Expect[*wire.SegmentCreated](c); r.RequestID != 44 {
		t.Fatalf("table request reply = %+v", r)
	}
}

// TestJavaStyleBlocksWithPartialEvent sends an AppendBlock whose last event
// continues in the AppendBlockEnd, as the Java client's batching does.
func TestJavaStyleBlocksWithPartialEvent(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := sstest.Dial(t, st.Addr().String())
	seg := "sc/java/0.#epoch.0"
	c.Create(seg)
	w := uuid(2)
	setup(t, c, seg, w)
	whole := sstest.Events("alpha", "beta")
	last := sstest.Events("gamma-is-long")
	partial := &wire.PartialEvent{Data: last[:6]}
	block, err := wire.AppendFrame(append([]byte(nil), whole...), partial)
	if err != nil {
		t.Fatal(err)
	}
	c.Send(&wire.AppendBlock{WriterID: w, Data: block})
	c.Send(&wire.AppendBlockEnd{WriterID: w, SizeOfWholeEvents: int32(len(whole)), Data: last[6:], NumEvents: 3,
		LastEventNumber: 3, RequestID: 100})
	sstest.Expect[*wire.DataAppended](c)
	events, err := sstest.SplitEvents(sstest.ReadAll(c, seg))
	if err != nil || fmt.Sprint(events) != "[alpha beta gamma-is-long]" {
		t.Fatalf("read back %v, %v", events, err)
	}
}

// TestConcurrentWritersNeverInterleave has several writers, each on its own
// connection, append to one segment; every block stays contiguous and each
// writer's events keep their order.
func TestConcurrentWritersNeverInterleave(t *testing.T) {
	st := startStore(t, t.TempDir())
	seg := "sc/many/0.#epoch.0"
	sstest.Dial(t, st.Addr().String()).Create(seg)
	const writers, blocks, perBlock = 6, 60, 5
	var wg sync.WaitGroup
	for wi := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := sstest.Dial(t, st.Addr().String())
			w := uuid(byte(10 + wi))
			setup(t, c, seg, w)
			ev := int64(0)
			for b := range blocks {
				var names []string
				for e := range perBlock {
					names = append(names, fmt.Sprintf("w%d-%04d", wi, b*perBlock+e))
				}
				ev += perBlock
				c.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events(names...), NumEvents: perBlock,
					LastEventNumber: ev, RequestID: 100})
			}
			for range blocks { // acks may be cumulative, but each block gets one here
				sstest.Expect[*wire.DataAppended](c)
			}
		}()
	}
	wg.Wait()
	c := sstest.Dial(t, st.Addr().String())
	events, err := sstest.SplitEvents(sstest.ReadAll(c, seg))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != writers*blocks*perBlock {
		t.Fatalf("%d events, want %d", len(events), writers*blocks*perBlock)
	}
	next := make(map[int]int)
	for i, e := range events {
		var wi, n int
		if _, err := fmt.Sscanf(e, "w%d-%d", &wi, &n); err != nil {
			t.Fatalf("event %q: %v", e, err)
		}
		if n != next[wi] {
			t.Fatalf("writer %d: event %d where %d was due", wi, n, next[wi])
		}
		if n%perBlock != 0 && i > 0 && events[i-1] != fmt.Sprintf("w%d-%04d", wi, n-1) {
			t.Fatalf("block of writer %d interleaved at event %d", wi, n)
		}
		next[wi]++
	}
}

// TestExactlyOnceAcrossReconnect drops the connection with appends in flight,
// sets up again and resends what was not acknowledged: every event is stored
// exactly once.
func TestExactlyOnceAcrossReconnect(t *testing.T) {
	st := startStore(t, t.TempDir())
	seg := "sc/eo/0.#epoch.0"
	c := sstest.Dial(t, st.Addr().String())
	c.Create(seg)
	w := uuid(3)
	setup(t, c, seg, w)
	const total = 200
	for n := int64(1); n <= total; n++ {
		c.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events(fmt.Sprint(n)), NumEvents: 1, LastEventNumber: n, RequestID: 100})
	}
	acked := int64(0)
	for acked < 20 {
		acked = sstest.Expect[*wire.DataAppended](c).EventNumber
	}
	c.Close() // the rest may or may not have been stored

	c2 := sstest.Dial(t, st.Addr().String())
	last := setup(t, c2, seg, w)
	if last < acked {
		t.Fatalf("setup reports %d, below the acknowledged %d", last, acked)
	}
	for n := int64(1); n <= total; n++ { // a careless client resends everything
		c2.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events(fmt.Sprint(n)), NumEvents: 1, LastEventNumber: n, RequestID: 100})
	}
	for done := last; done < total; { // events up to last were acknowledged by AppendSetup
		done = sstest.Expect[*wire.DataAppended](c2).EventNumber
	}
	events, err := sstest.SplitEvents(sstest.ReadAll(c2, seg))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != total {
		t.Fatalf("%d events stored, want %d", len(events), total)
	}
	for i, e := range events {
		if e != fmt.Sprint(i+1) {
			t.Fatalf("event %d is %q", i, e)
		}
	}
}

func TestStaleWriterConnectionGetsInvalidEventNumber(t *testing.T) {
	st := startStore(t, t.TempDir())
	seg := "sc/stale/0.#epoch.0"
	a := sstest.Dial(t, st.Addr().String())
	a.Create(seg)
	w := uuid(4)
	b := sstest.Dial(t, st.Addr().String())
	setup(t, a, seg, w)
	setup(t, b, seg, w)
	b.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("b1"), NumEvents: 1, LastEventNumber: 1, RequestID: 100})
	sstest.Expect[*wire.DataAppended](b)
	a.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("a2"), NumEvents: 1, LastEventNumber: 2, RequestID: 100})
	if r := sstest.Expect[*wire.InvalidEventNumber](a); r.EventNumber != 2 || r.WriterID != w {
		t.Fatalf("reply = %+v", r)
	}
	if _, err := a.TryRecv(5 * time.Second); err == nil {
		t.Fatal("connection stayed open after InvalidEventNumber")
	}
}

func TestConditionalAppendRace(t *testing.T) {
	st := startStore(t, t.TempDir())
	seg := "sc/_RGgroup/0.#epoch.0"
	sstest.Dial(t, st.Addr().String()).Create(seg)
	const racers = 8
	results := make(chan wire.Command, racers)
	for i := range racers {
		go func() {
			c := sstest.Dial(t, st.Addr().String())
			w := uuid(byte(50 + i))
			setup(t, c, seg, w)
			c.Send(&wire.ConditionalAppend{WriterID: w, EventNumber: 1, ExpectedOffset: 0, Data: []byte(fmt.Sprint("racer", i)), RequestID: 9})
			results <- c.Recv()
		}()
	}
	wins := 0
	for range racers {
		switch r := (<-results).(type) {
		case *wire.DataAppended:
			wins++
		case *wire.ConditionalCheckFailed:
			if r.RequestID != 9 || r.EventNumber != 1 {
				t.Errorf("ConditionalCheckFailed = %+v", r)
			}
		default:
			t.Errorf("unexpected reply %#v", r)
		}
	}
	if wins != 1 {
		t.Fatalf("%d conditional appends at offset 0 succeeded, want exactly 1", wins)
	}
}

func TestTailReadWakesAndSealEndsIt(t *testing.T) {
	st := startStore(t, t.TempDir())
	seg := "sc/tail/0.#epoch.0"
	reader := sstest.Dial(t, st.Addr().String())
	reader.Create(seg)
	reader.Send(&wire.ReadSegment{Segment: seg, Offset: 0, SuggestedLength: 1000, RequestID: 5})
	if cmd, err := reader.TryRecv(200 * time.Millisecond); err == nil {
		t.Fatalf("read at the tail answered at once with %#v", cmd)
	}
	writer := sstest.Dial(t, st.Addr().String())
	w := uuid(5)
	setup(t, writer, seg, w)
	writer.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("wake"), NumEvents: 1, LastEventNumber: 1, RequestID: 100})
	sstest.Expect[*wire.DataAppended](writer)
	// The reader's connection timed out its read deadline above; use a fresh one.
	r := sstest.Dial(t, st.Addr().String())
	r.Send(&wire.ReadSegment{Segment: seg, Offset: 12, SuggestedLength: 1000, RequestID: 6})
	writer.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("more"), NumEvents: 1, LastEventNumber: 2, RequestID: 100})
	if got := sstest.Expect[*wire.SegmentRead](r); got.Offset != 12 || string(got.Data) != string(sstest.Events("more")) || !got.AtTail {
		t.Fatalf("woken read = %+v", got)
	}
	sstest.Expect[*wire.DataAppended](writer)
	r.Send(&wire.ReadSegment{Segment: seg, Offset: 24, SuggestedLength: 1000, RequestID: 7})
	writer.Send(&wire.SealSegment{RequestID: 8, Segment: seg})
	sstest.Expect[*wire.SegmentSealed](writer)
	if got := sstest.Expect[*wire.SegmentIsSealed](r); got.RequestID != 7 || got.Offset != 24 {
		t.Fatalf("parked read after seal = %+v", got)
	}
	r.Send(&wire.ReadSegment{Segment: seg, Offset: 24, SuggestedLength: 1000, RequestID: 10})
	if got := sstest.Expect[*wire.SegmentRead](r); !got.EndOfSegment || len(got.Data) != 0 {
		t.Fatalf("read at end of sealed segment = %+v", got)
	}
	writer.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("late"), NumEvents: 1, LastEventNumber: 3, RequestID: 100})
	if got := sstest.Expect[*wire.SegmentIsSealed](writer); got.Offset != 3 {
		t.Fatalf("append to sealed segment = %+v", got)
	}
}

func TestTransactionMergeAndTruncation(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := sstest.Dial(t, st.Addr().String())
	parent := "sc/tx/0.#epoch.0"
	txn := parent + "#transaction.0000000000000000000000000000abcd"
	c.Create(parent)
	c.Create(txn)
	w := uuid(6)
	setup(t, c, txn, w)
	c.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("t1", "t2"), NumEvents: 2, LastEventNumber: 2, RequestID: 100})
	sstest.Expect[*wire.DataAppended](c)
	c.Send(&wire.MergeSegmentsBatch{RequestID: 11, Target: parent, Sources: []string{txn}})
	merged := sstest.Expect[*wire.SegmentsBatchMerged](c)
	if merged.RequestID != 11 || len(merged.NewTargetWriteOffsets) != 1 || merged.NewTargetWriteOffsets[0] != 20 {
		t.Fatalf("batch merge = %+v", merged)
	}
	c.Send(&wire.MergeSegmentsBatch{RequestID: 12, Target: parent, Sources: []string{txn}}) // retried commit
	sstest.Expect[*wire.SegmentsBatchMerged](c)
	c.Send(&wire.TruncateSegment{RequestID: 13, Segment: parent, TruncationOffset: 10})
	sstest.Expect[*wire.SegmentTruncated](c)
	c.Send(&wire.ReadSegment{Segment: parent, Offset: 0, SuggestedLength: 100, RequestID: 14})
	if r := sstest.Expect[*wire.SegmentIsTruncated](c); r.StartOffset != 10 || r.Offset != 0 {
		t.Fatalf("read below truncation = %+v", r)
	}
	c.Send(&wire.TruncateSegment{RequestID: 15, Segment: parent, TruncationOffset: 99})
	sstest.Expect[*wire.SegmentIsTruncated](c)
	events, _ := sstest.SplitEvents(sstest.ReadAll(c, parent))
	if fmt.Sprint(events) != "[t2]" {
		t.Fatalf("after truncation %v", events)
	}
}

// TestMalformedFramesDoNotDisturbOthers feeds garbage on one connection while
// another keeps working.
func TestMalformedFramesDoNotDisturbOthers(t *testing.T) {
	st := startStore(t, t.TempDir())
	good := sstest.Dial(t, st.Addr().String())
	seg := "sc/ok/0.#epoch.0"
	good.Create(seg)
	w := uuid(7)
	setup(t, good, seg, w)
	garbage := [][]byte{
		{0, 0, 0, 99, 0, 0, 0, 0},                        // unknown type
		{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff},             // negative length
		{0, 0, 0, 1, 0x7f, 0, 0, 0},                      // too large
		{0, 0, 0, 20, 0, 0, 0, 3, 1, 2, 3},               // CreateSegment cut short
		{0, 0, 0, 4, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}, // AppendBlockEnd cut short
	}
	for i, g := range garbage {
		bad := sstest.DialRaw(t, st.Addr().String())
		_ = bad.WriteRaw(g)
		if _, err := bad.TryRecv(5 * time.Second); err == nil {
			t.Fatalf("garbage %d: connection stayed open", i)
		}
		good.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events(fmt.Sprint(i)), NumEvents: 1,
			LastEventNumber: int64(i + 1), RequestID: 100})
		sstest.Expect[*wire.DataAppended](good)
	}
	// Appending before SetupAppend is a protocol violation: that connection only is closed.
	rogue := sstest.Dial(t, st.Addr().String())
	rogue.Send(&wire.AppendBlockEnd{WriterID: uuid(8), Data: sstest.Events("x"), NumEvents: 1, LastEventNumber: 1})
	if _, err := rogue.TryRecv(5 * time.Second); err == nil {
		t.Fatal("append without setup left the connection open")
	}
	good.Send(&wire.KeepAlive{})
	sstest.Expect[*wire.KeepAlive](good)
}

func TestAttributesAndPolicy(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := sstest.Dial(t, st.Addr().String())
	seg := "sc/attr/0.#epoch.0"
	c.Create(seg)
	id := wire.UUID{1, 2, 3}
	c.Send(&wire.UpdateSegmentAttribute{RequestID: 1, SegmentName: seg, AttributeID: id, NewValue: 5, ExpectedValue: wire.NullAttributeValue})
	if r := sstest.Expect[*wire.SegmentAttributeUpdated](c); !r.Success {
		t.Fatal("first update failed")
	}
	c.Send(&wire.UpdateSegmentAttribute{RequestID: 2, SegmentName: seg, AttributeID: id, NewValue: 6, ExpectedValue: 4})
	if r := sstest.Expect[*wire.SegmentAttributeUpdated](c); r.Success || r.RequestID != 2 {
		t.Fatalf("update with a stale expectation = %+v", r)
	}
	c.Send(&wire.GetSegmentAttribute{RequestID: 3, SegmentName: seg, AttributeID: id})
	if r := sstest.Expect[*wire.SegmentAttribute](c); r.Value != 5 {
		t.Fatalf("attribute = %d", r.Value)
	}
	c.Send(&wire.UpdateSegmentPolicy{RequestID: 4, Segment: seg, TargetRate: 100, ScaleType: 2})
	sstest.Expect[*wire.SegmentPolicyUpdated](c)
	c.Send(&wire.LocateOffset{RequestID: 5, Segment: seg, TargetOffset: 0})
	if r := sstest.Expect[*wire.OffsetLocated](c); r.Offset != 0 {
		t.Fatalf("OffsetLocated = %+v", r)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	st := startStore(t, dir)
	c := sstest.Dial(t, st.Addr().String())
	seg := "sc/restart/0.#epoch.0"
	c.Create(seg)
	w := uuid(9)
	setup(t, c, seg, w)
	c.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events("durable"), NumEvents: 1, LastEventNumber: 7, RequestID: 100})
	sstest.Expect[*wire.DataAppended](c)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := startStore(t, dir)
	c2 := sstest.Dial(t, st2.Addr().String())
	if last := setup(t, c2, seg, w); last != 7 {
		t.Fatalf("writer position after restart %d, want 7", last)
	}
	if events, _ := sstest.SplitEvents(sstest.ReadAll(c2, seg)); fmt.Sprint(events) != "[durable]" {
		t.Fatalf("after restart %v", events)
	}
}
