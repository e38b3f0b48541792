package container

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// heldLog is a Log whose durability the test releases by hand, so that it can
// observe operations that are accepted but not yet durable.
type heldLog struct {
	mu       sync.Mutex
	records  [][]byte
	auto     bool
	listener func(uint64, error)
	failNext error
	trunc    uint64 // records up to here are gone
}

func (l *heldLog) Truncate(upTo uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trunc = max(l.trunc, upTo)
	return nil
}

func (l *heldLog) AppendParts(head, body []byte) (uint64, error) {
	p := append(append([]byte(nil), head...), body...)
	l.mu.Lock()
	if l.failNext != nil {
		err := l.failNext
		l.mu.Unlock()
		return 0, err
	}
	l.records = append(l.records, p)
	seq := uint64(len(l.records))
	auto, fn := l.auto, l.listener
	l.mu.Unlock()
	if auto && fn != nil {
		fn(seq, nil)
	}
	return seq, nil
}

func (l *heldLog) Replay(fn func(uint64, []byte) error) error {
	l.mu.Lock()
	recs := append([][]byte(nil), l.records...)
	trunc := l.trunc
	l.mu.Unlock()
	for i, r := range recs {
		if uint64(i+1) <= trunc {
			continue
		}
		if err := fn(uint64(i+1), r); err != nil {
			return err
		}
	}
	return nil
}

func (l *heldLog) LastSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return uint64(len(l.records))
}

// release makes every record so far durable.
func (l *heldLog) release() {
	l.mu.Lock()
	n, fn := uint64(len(l.records)), l.listener
	l.mu.Unlock()
	fn(n, nil)
}

func openHeld(t *testing.T, l *heldLog) *Container {
	t.Helper()
	return openOn(t, l, Config{ID: 0, Now: func() time.Time { return time.UnixMilli(1_700_000_000_000) }})
}

// openOn opens a container with cfg on l, closed with the test.
func openOn(t *testing.T, l *heldLog, cfg Config) *Container {
	t.Helper()
	cfg.Log = l
	c, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	l.listener = c.Durable
	l.mu.Unlock()
	t.Cleanup(c.Close)
	return c
}

// result collects one asynchronous callback.
type result[T any] struct {
	ch chan T
}

func newResult[T any]() result[T] { return result[T]{ch: make(chan T, 1)} }

func (r result[T]) wait(t *testing.T) T {
	t.Helper()
	select {
	case v := <-r.ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("callback did not run")
		panic("unreachable")
	}
}

func (r result[T]) pending() bool { return len(r.ch) == 0 }

type appendOutcome struct {
	res AppendResult
	err error
}

func appendAsync(c *Container, seg string, w AttributeID, ev, prev int64, data string) result[appendOutcome] {
	r := newResult[appendOutcome]()
	c.Append(AppendRequest{Segment: seg, Writer: w, EventNumber: ev, ExpectedPrevious: prev, EventCount: 1,
		ExpectedOffset: -1, Data: []byte(data)}, func(res AppendResult, err error) { r.ch <- appendOutcome{res, err} })
	return r
}

func create(t *testing.T, c *Container, name string, kind Kind) {
	t.Helper()
	r := newResult[error]()
	c.Create(name, kind, nil, func(err error) { r.ch <- err })
	if err := r.wait(t); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
}

func read(t *testing.T, c *Container, name string, off int64, max int) (readindex.Result, error) {
	t.Helper()
	type out struct {
		r   readindex.Result
		err error
	}
	r := newResult[out]()
	c.Read(name, off, max, func(res readindex.Result, err error) { r.ch <- out{res, err} })
	o := r.wait(t)
	return o.r, o.err
}

var w1 = AttributeID{1}

func TestAppendIsInvisibleUntilDurableAndAckedInOrder(t *testing.T) {
	l := &heldLog{auto: true}
	c := openHeld(t, l)
	create(t, c, "s/t/0.#epoch.0", KindStream)
	l.mu.Lock()
	l.auto = false
	l.mu.Unlock()

	a1 := appendAsync(c, "s/t/0.#epoch.0", w1, 1, NullValue, "aaaa")
	a2 := appendAsync(c, "s/t/0.#epoch.0", w1, 2, 1, "bbb")
	if !a1.pending() || !a2.pending() {
		t.Fatal("append acknowledged before the journal made it durable")
	}
	if info, _ := c.Info("s/t/0.#epoch.0"); info.Length != 0 {
		t.Fatalf("durable length %d before durability, want 0", info.Length)
	}
	l.release()
	if o := a1.wait(t); o.err != nil || o.res.Length != 4 {
		t.Fatalf("first append: %+v", o)
	}
	if o := a2.wait(t); o.err != nil || o.res.Length != 7 {
		t.Fatalf("second append: %+v", o)
	}
	r, err := read(t, c, "s/t/0.#epoch.0", 0, 100)
	if err != nil || string(r.Data) != "aaaabbb" || !r.AtTail || r.EndOfSegment {
		t.Fatalf("read = %+v, %v", r, err)
	}
	info, _ := c.Info("s/t/0.#epoch.0")
	if info.Length != 7 {
		t.Fatalf("length %d, want 7", info.Length)
	}
	if n, _ := c.Attribute("s/t/0.#epoch.0", AttrEventCount); n != 2 {
		t.Fatalf("event count %d, want 2", n)
	}
}

func TestDuplicateAppendIsAcknowledgedWithoutWriting(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	seg := "s/t/1.#epoch.0"
	create(t, c, seg, KindStream)
	if o := appendAsync(c, seg, w1, 5, NullValue, "x").wait(t); o.err != nil {
		t.Fatal(o.err)
	}
	o := appendAsync(c, seg, w1, 4, NullValue, "y").wait(t)
	if o.err != nil || !o.res.Duplicate {
		t.Fatalf("duplicate append: %+v", o)
	}
	if info, _ := c.Info(seg); info.Length != 1 {
		t.Fatalf("duplicate was written: length %d", info.Length)
	}
	// A new event number from a connection that missed the writer's progress.
	if o := appendAsync(c, seg, w1, 9, 3, "z").wait(t); !errors.Is(o.err, ErrWriterConflict) {
		t.Fatalf("conflicting writer: err = %v", o.err)
	}
}

func TestWriterPositionWaitsForInFlightAppends(t *testing.T) {
	l := &heldLog{auto: true}
	c := openHeld(t, l)
	seg := "s/t/2.#epoch.0"
	create(t, c, seg, KindStream)
	l.mu.Lock()
	l.auto = false
	l.mu.Unlock()
	appendAsync(c, seg, w1, 3, NullValue, "abc")
	pos := newResult[int64]()
	c.WriterPosition(seg, w1, func(v int64, err error) { pos.ch <- v })
	if !pos.pending() {
		t.Fatal("writer position answered before the append it reports was durable")
	}
	l.release()
	if v := pos.wait(t); v != 3 {
		t.Fatalf("writer position %d, want 3", v)
	}
}

func TestConditionalAppend(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	seg := "s/_RGg/0.#epoch.0"
	create(t, c, seg, KindStream)
	req := func(ev, prev, off int64, data string) error {
		r := newResult[error]()
		c.Append(AppendRequest{Segment: seg, Writer: w1, EventNumber: ev, ExpectedPrevious: prev, EventCount: 1,
			ExpectedOffset: off, Data: []byte(data)}, func(_ AppendResult, err error) { r.ch <- err })
		return r.wait(t)
	}
	if err := req(1, NullValue, 0, "12345"); err != nil {
		t.Fatal(err)
	}
	if err := req(2, 1, 0, "zz"); !errors.Is(err, ErrConditionFailed) {
		t.Fatalf("stale expected offset: %v", err)
	}
	if err := req(3, 1, 5, "67"); err != nil {
		t.Fatalf("matching expected offset: %v", err)
	}
}

func TestTailReadWakesOnAppendAndOnSeal(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	seg := "s/t/3.#epoch.0"
	create(t, c, seg, KindStream)
	got := newResult[readindex.Result]()
	c.Read(seg, 0, 100, func(r readindex.Result, err error) { got.ch <- r })
	if !got.pending() {
		t.Fatal("read at the tail answered without data")
	}
	appendAsync(c, seg, w1, 1, NullValue, "hello").wait(t)
	if r := got.wait(t); string(r.Data) != "hello" || r.Offset != 0 {
		t.Fatalf("woken read = %+v", r)
	}

	parked := newResult[readindex.Result]()
	c.Read(seg, 5, 100, func(r readindex.Result, err error) { parked.ch <- r })
	sealed := newResult[int64]()
	c.Seal(seg, func(n int64, err error) { sealed.ch <- n })
	if n := sealed.wait(t); n != 5 {
		t.Fatalf("sealed at %d, want 5", n)
	}
	if r := parked.wait(t); !r.Sealed || r.Offset != 5 {
		t.Fatalf("parked read after seal = %+v", r)
	}
	r, _ := read(t, c, seg, 5, 100)
	if !r.EndOfSegment || len(r.Data) != 0 {
		t.Fatalf("read at the end of a sealed segment = %+v", r)
	}
	if o := appendAsync(c, seg, w1, 2, 1, "late").wait(t); !errors.Is(o.err, ErrSegmentSealed) {
		t.Fatalf("append to sealed segment: %v", o.err)
	}
}

func TestCancelledTailReadIsNotAnswered(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	seg := "s/t/4.#epoch.0"
	create(t, c, seg, KindStream)
	called := make(chan struct{}, 1)
	cancel := c.Read(seg, 0, 10, func(readindex.Result, error) { called <- struct{}{} })
	if !cancel() {
		t.Fatal("cancel of a parked read reported false")
	}
	appendAsync(c, seg, w1, 1, NullValue, "x").wait(t)
	select {
	case <-called:
		t.Fatal("cancelled read was answered")
	default:
	}
}

func TestMergeMovesDataAndRetriedMergeSucceeds(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	parent, txn := "s/t/0.#epoch.0", "s/t/0.#epoch.0#transaction.00000000000000010000000000000002"
	create(t, c, parent, KindStream)
	create(t, c, txn, KindStream)
	appendAsync(c, parent, w1, 1, NullValue, "pp").wait(t)
	appendAsync(c, txn, AttributeID{2}, 1, NullValue, "ttt").wait(t)
	tail := newResult[readindex.Result]()
	c.Read(parent, 2, 100, func(r readindex.Result, err error) { tail.ch <- r })

	merged := newResult[int64]()
	c.Merge(parent, txn, nil, func(n int64, err error) {
		if err != nil {
			t.Error(err)
		}
		merged.ch <- n
	})
	if n := merged.wait(t); n != 5 {
		t.Fatalf("length after merge %d, want 5", n)
	}
	if r := tail.wait(t); string(r.Data) != "ttt" {
		t.Fatalf("parked read after merge = %+v", r)
	}
	if _, err := c.Info(txn); !errors.Is(err, ErrNoSuchSegment) {
		t.Fatalf("source still exists after merge: %v", err)
	}
	again := newResult[int64]()
	c.Merge(parent, txn, nil, func(n int64, err error) {
		if err != nil {
			t.Error(err)
		}
		again.ch <- n
	})
	if n := again.wait(t); n != 5 {
		t.Fatalf("retried merge length %d", n)
	}
	if n, _ := c.Attribute(parent, AttrEventCount); n != 2 {
		t.Fatalf("event count after merge %d, want 2", n)
	}
}

func TestTruncateAndReadBelowStart(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	seg := "s/t/5.#epoch.0"
	create(t, c, seg, KindStream)
	appendAsync(c, seg, w1, 1, NullValue, "0123456789").wait(t)
	trunc := func(off int64) error {
		r := newResult[error]()
		c.Truncate(seg, off, func(err error) { r.ch <- err })
		return r.wait(t)
	}
	if err := trunc(4); err != nil {
		t.Fatal(err)
	}
	r, _ := read(t, c, seg, 2, 10)
	if !r.Truncated || r.StartOffset != 4 {
		t.Fatalf("read below start = %+v", r)
	}
	r, _ = read(t, c, seg, 4, 10)
	if string(r.Data) != "456789" {
		t.Fatalf("read at start = %q", r.Data)
	}
	var te *TruncatedError
	if err := trunc(2); !errors.As(err, &te) || te.StartOffset != 4 {
		t.Fatalf("truncate below start: %v", err)
	}
	if err := trunc(11); !errors.As(err, &te) {
		t.Fatalf("truncate beyond length: %v", err)
	}
}

func TestAttributesCompareAndSet(t *testing.T) {
	c := openHeld(t, &heldLog{auto: true})
	seg := "s/t/6.#epoch.0"
	create(t, c, seg, KindStream)
	id := AttributeID{9}
	upd := func(v, expected int64) error {
		r := newResult[error]()
		c.UpdateAttributes(seg, []AttributeUpdate{{ID: id, Type: UpdateReplaceIfEquals, Value: v, Expected: expected}},
			func(err error) { r.ch <- err })
		return r.wait(t)
	}
	if err := upd(10, NullValue); err != nil {
		t.Fatal(err)
	}
	if err := upd(11, NullValue); !errors.Is(err, ErrAttributeConflict) {
		t.Fatalf("must-be-unset on a set attribute: %v", err)
	}
	if err := upd(12, 10); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Attribute(seg, id); v != 12 {
		t.Fatalf("attribute %d, want 12", v)
	}
}

func TestRecoveryRebuildsSegments(t *testing.T) {
	l := &heldLog{auto: true}
	c := openHeld(t, l)
	create(t, c, "a/b/0.#epoch.0", KindStream)
	create(t, c, "a/b/1.#epoch.0", KindStream)
	create(t, c, "a/b/0.#epoch.0#transaction.00000000000000000000000000000001", KindStream)
	appendAsync(c, "a/b/0.#epoch.0", w1, 1, NullValue, "one").wait(t)
	appendAsync(c, "a/b/0.#epoch.0#transaction.00000000000000000000000000000001", w1, 1, NullValue, "-txn").wait(t)
	appendAsync(c, "a/b/1.#epoch.0", w1, 7, NullValue, "other").wait(t)
	done := newResult[int64]()
	c.Merge("a/b/0.#epoch.0", "a/b/0.#epoch.0#transaction.00000000000000000000000000000001", nil,
		func(n int64, err error) { done.ch <- n })
	done.wait(t)
	sealed := newResult[int64]()
	c.Seal("a/b/1.#epoch.0", func(n int64, err error) { sealed.ch <- n })
	sealed.wait(t)
	c.Close()

	c2 := openHeld(t, l)
	r, err := read(t, c2, "a/b/0.#epoch.0", 0, 100)
	if err != nil || !bytes.Equal(r.Data, []byte("one-txn")) {
		t.Fatalf("recovered data = %q, %v", r.Data, err)
	}
	info, err := c2.Info("a/b/1.#epoch.0")
	if err != nil || !info.Sealed || info.Length != 5 {
		t.Fatalf("recovered info = %+v, %v", info, err)
	}
	if v, _ := c2.Attribute("a/b/1.#epoch.0", w1); v != 7 {
		t.Fatalf("recovered writer position %d, want 7", v)
	}
	create(t, c2, "a/b/2.#epoch.0", KindStream) // ids continue without clashing
	if _, err := c2.Info("a/b/0.#epoch.0"); err != nil {
		t.Fatal(err)
	}
}

func TestJournalFailureFailsContainer(t *testing.T) {
	l := &heldLog{auto: true}
	c := openHeld(t, l)
	create(t, c, "x/y/0.#epoch.0", KindStream)
	l.mu.Lock()
	l.failNext = errors.New("disk on fire")
	l.mu.Unlock()
	if o := appendAsync(c, "x/y/0.#epoch.0", w1, 1, NullValue, "a").wait(t); !errors.Is(o.err, ErrContainerFailed) {
		t.Fatalf("append on failing journal: %v", o.err)
	}
	r := newResult[error]()
	c.Create("x/y/1.#epoch.0", KindStream, nil, func(err error) { r.ch <- err })
	if err := r.wait(t); !errors.Is(err, ErrContainerFailed) {
		t.Fatalf("create after failure: %v", err)
	}
}

func TestOpEncodingRoundTrip(t *testing.T) {
	ops := []op{
		{kind: opCreate, time: 1, seg: 2, segKind: KindTable, name: "a/b", attrs: []attr{{id: AttributeID{1}, value: -1}}},
		{kind: opAppend, time: 3, seg: 4, offset: 5, attrs: []attr{{id: AttributeID{2}, value: 7}}, data: []byte("xyz")},
		{kind: opAttrs, time: 3, seg: 4, attrs: []attr{{id: AttributeID{3}, value: 8}}},
		{kind: opSeal, time: 3, seg: 4, sealedAt: 99},
		{kind: opTruncate, time: 3, seg: 4, offset: 10},
		{kind: opDelete, time: 3, seg: 4},
		{kind: opMerge, time: 3, seg: 4, source: 6, offset: 7, length: 8},
	}
	for _, o := range ops {
		got, err := decodeOp(o.encode(nil))
		if err != nil {
			t.Fatalf("kind %d: %v", o.kind, err)
		}
		if got.kind != o.kind || got.seg != o.seg || got.offset != o.offset || got.name != o.name ||
			!bytes.Equal(got.data, o.data) || len(got.attrs) != len(o.attrs) || got.source != o.source ||
			got.length != o.length || got.sealedAt != o.sealedAt || got.segKind != o.segKind {
			t.Fatalf("round trip of kind %d: got %+v want %+v", o.kind, got, o)
		}
	}
	for n := 0; n < len(ops[1].encode(nil)); n++ {
		if _, err := decodeOp(ops[1].encode(nil)[:n]); n < 27 && err == nil {
			t.Fatalf("truncated record of %d bytes decoded", n)
		}
	}
}
