package container

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/mem"
)

// flakyStorage wraps a store and fails writes while down is set.
type flakyStorage struct {
	*mem.Storage
	mu   sync.Mutex
	down bool
	puts int
}

func (f *flakyStorage) Put(ctx context.Context, name string, data []byte) error {
	f.mu.Lock()
	down := f.down
	f.puts++
	f.mu.Unlock()
	if down {
		return errors.New("storage unreachable")
	}
	return f.Storage.Put(ctx, name, data)
}

func (f *flakyStorage) setDown(d bool) {
	f.mu.Lock()
	f.down = d
	f.mu.Unlock()
}

func openTiered(t *testing.T, l *heldLog, st Storage, tier Tiering) *Container {
	t.Helper()
	if tier.FlushInterval == 0 {
		tier.FlushInterval = time.Hour // tests drive the writer with Flush
	}
	return openOn(t, l, Config{ID: 1, Storage: st, Tiering: tier})
}

func payload(i int) string { return fmt.Sprintf("block-%04d-%s;", i, bytes.Repeat([]byte{'z'}, i%50)) }

func writeBlocks(t *testing.T, c *Container, seg string, w AttributeID, from, to int) string {
	t.Helper()
	var all string
	var last result[appendOutcome]
	for i := from; i < to; i++ {
		prev := int64(i)
		if i == 0 {
			prev = NullValue
		}
		last = appendAsync(c, seg, w, int64(i+1), prev, payload(i))
		all += payload(i)
	}
	if o := last.wait(t); o.err != nil {
		t.Fatal(o.err)
	}
	return all
}

func readAll(t *testing.T, c *Container, seg string) string {
	t.Helper()
	info, err := c.Info(seg)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for off := info.StartOffset; off < info.Length; {
		r, err := read(t, c, seg, off, 1000)
		if err != nil {
			t.Fatalf("read at %d: %v", off, err)
		}
		if len(r.Data) == 0 {
			t.Fatalf("empty read at %d of %d", off, info.Length)
		}
		out = append(out, r.Data...)
		off += int64(len(r.Data))
	}
	return string(out)
}

func TestTieringMovesDataToStorageAndReadsItBack(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	c := openTiered(t, l, st, Tiering{CacheBudget: 1, MaxUnflushed: 1 << 30, ChunkSize: 4096})
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	want := writeBlocks(t, c, seg, w1, 0, 300)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	chunks, err := lts.ListAll(t.Context(), st, lts.SegmentPrefix(seg))
	if err != nil || len(chunks) < 2 {
		t.Fatalf("chunks %v, %v: want several of at most 4 KiB", chunks, err)
	}
	c.mu.Lock()
	held := c.mu.byID[c.mu.segments[seg].id].index.Held()
	c.mu.Unlock()
	if held != 0 {
		t.Fatalf("cache still holds %d bytes over a budget of 1", held)
	}
	if got := readAll(t, c, seg); got != want {
		t.Fatalf("read back from storage differs: %d bytes, want %d", len(got), len(want))
	}
}

func TestCheckpointTruncatesJournalAndRecoveryUsesStorage(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	c := openTiered(t, l, st, Tiering{ChunkSize: 8192})
	seg, other := "s/t/0.#epoch.0", "s/t/1.#epoch.0"
	create(t, c, seg, KindStream)
	create(t, c, other, KindStream)
	want := writeBlocks(t, c, seg, w1, 0, 200)
	writeBlocks(t, c, other, w1, 0, 3)
	sealed := newResult[int64]()
	c.Seal(other, func(n int64, err error) { sealed.ch <- n })
	sealed.wait(t)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	trunc, total := l.trunc, len(l.records)
	l.mu.Unlock()
	if trunc == 0 {
		t.Fatal("journal was not truncated after a flush and a checkpoint")
	}
	more := writeBlocks(t, c, seg, w1, 200, 230) // after the checkpoint: replayed from the journal
	c.Close()
	t.Logf("journal: %d records, truncated up to %d", total, trunc)

	c2 := openTiered(t, l, st, Tiering{})
	if got := readAll(t, c2, seg); got != want+more {
		t.Fatalf("recovered %d bytes, want %d", len(got), len(want+more))
	}
	if v, _ := c2.Attribute(seg, w1); v != 230 {
		t.Fatalf("writer position after recovery %d, want 230", v)
	}
	info, err := c2.Info(other)
	if err != nil || !info.Sealed {
		t.Fatalf("sealed segment after recovery: %+v %v", info, err)
	}
	create(t, c2, "s/t/2.#epoch.0", KindStream) // ids continue
}

func TestMergeOfPartlyFlushedSegments(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	c := openTiered(t, l, st, Tiering{CacheBudget: 1, MaxUnflushed: 1 << 30, ChunkSize: 1000})
	parent, txn := "s/t/0.#epoch.0", "s/t/0.#epoch.0#transaction.000000000000000000000000000000aa"
	create(t, c, parent, KindStream)
	create(t, c, txn, KindStream)
	a := writeBlocks(t, c, parent, w1, 0, 40)
	b := writeBlocks(t, c, txn, AttributeID{7}, 0, 40)
	if err := c.Flush(t.Context()); err != nil { // both partly evicted to storage
		t.Fatal(err)
	}
	a2 := writeBlocks(t, c, parent, w1, 40, 45) // cached only
	b2 := writeBlocks(t, c, txn, AttributeID{7}, 40, 45)
	done := newResult[error]()
	c.Merge(parent, txn, nil, func(_ int64, err error) { done.ch <- err })
	if err := done.wait(t); err != nil {
		t.Fatal(err)
	}
	want := a + a2 + b + b2
	if got := readAll(t, c, parent); got != want {
		t.Fatalf("after merge: %d bytes, want %d", len(got), len(want))
	}
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, c, parent); got != want {
		t.Fatal("after merge and flush the data differs")
	}
}

func TestTruncationAndDeletionCollectChunks(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	c := openTiered(t, l, st, Tiering{ChunkSize: 500})
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	writeBlocks(t, c, seg, w1, 0, 50)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	before, _ := lts.ListAll(t.Context(), st, lts.SegmentPrefix(seg))
	tr := newResult[error]()
	c.Truncate(seg, 1200, func(err error) { tr.ch <- err })
	if err := tr.wait(t); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	after, _ := lts.ListAll(t.Context(), st, lts.SegmentPrefix(seg))
	if len(after) >= len(before) {
		t.Fatalf("truncation kept every chunk: %d before, %d after", len(before), len(after))
	}
	del := newResult[error]()
	c.Delete(seg, func(err error) { del.ch <- err })
	del.wait(t)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if left, _ := lts.ListAll(t.Context(), st, lts.SegmentPrefix(seg)); len(left) != 0 {
		t.Fatalf("%d chunks left after deletion", len(left))
	}
}

func TestUnavailableStorageTurnsIntoBackPressure(t *testing.T) {
	l := &heldLog{auto: true}
	st := &flakyStorage{Storage: mem.New()}
	st.setDown(true)
	c := openTiered(t, l, st, Tiering{MaxUnflushed: 2000, FlushInterval: 10 * time.Millisecond})
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	n := 0
	for c.Stats().UnflushedBytes < 2000 { // up to the limit, each append admitted
		writeBlocks(t, c, seg, w1, n, n+1)
		n++
	}
	blocked := make(chan appendOutcome, 1)
	go func() { blocked <- appendAsync(c, seg, w1, int64(n+1), int64(n), "waits").wait(t) }()
	for c.Stats().WaitingAppends == 0 { // the append is held in the container
		runtime.Gosched()
	}
	select {
	case o := <-blocked:
		t.Fatalf("append admitted although long-term storage is down and the limit is reached: %+v", o)
	default:
	}
	st.setDown(false)
	if o := <-blocked; o.err != nil {
		t.Fatalf("append after storage came back: %v", o.err)
	}
	// The episode is visible to operators (metrics built from Stats).
	if s := c.Stats(); s.BackpressureEpisodes != 1 || s.BackpressureSeconds <= 0 || s.WaitingAppends != 0 ||
		s.Appends != uint64(n+1) || s.LTSChunksWritten == 0 {
		t.Fatalf("stats after back-pressure: %+v", s)
	}
}

// TestWaitingAppendsWakeTheStorageWriter: appends over the unflushed limit
// must get the storage writer to flush even small, fresh segments.
func TestWaitingAppendsWakeTheStorageWriter(t *testing.T) {
	l := &heldLog{auto: true}
	c := openTiered(t, l, mem.New(), Tiering{MaxUnflushed: 100, FlushInterval: time.Hour})
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	want := writeBlocks(t, c, seg, w1, 0, 50)
	if got := readAll(t, c, seg); got != want {
		t.Fatal("data differs")
	}
}

// TestSegmentReadableFromStorageAlone follows the procedure of lts/doc.go:
// the newest metadata object lists the chunks; concatenated from the start
// offset they are the segment.
func TestSegmentReadableFromStorageAlone(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	c := openTiered(t, l, st, Tiering{ChunkSize: 700})
	seg := "s/t/3.#epoch.1"
	create(t, c, seg, KindStream)
	want := writeBlocks(t, c, seg, w1, 0, 120)
	tr := newResult[error]()
	c.Truncate(seg, 100, func(err error) { tr.ch <- err })
	tr.wait(t)
	sealed := newResult[int64]()
	c.Seal(seg, func(n int64, err error) { sealed.ch <- n })
	sealed.wait(t)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	objs, err := lts.ListAll(t.Context(), st, lts.SegmentPrefix(seg))
	if err != nil {
		t.Fatal(err)
	}
	var metaName string
	for _, o := range objs {
		if p, err := lts.ParseName(o.Name); err == nil && p.Kind == lts.KindMeta {
			metaName = o.Name // the newest sorts last
		}
	}
	if metaName == "" {
		t.Fatalf("no metadata object among %v", objs)
	}
	info, _ := st.Stat(t.Context(), metaName)
	raw := make([]byte, info.Size)
	if _, err := st.ReadAt(t.Context(), metaName, raw, 0); err != nil {
		t.Fatal(err)
	}
	var m ltsMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Sealed || m.StartOffset != 100 || m.Length != int64(len(want)) {
		t.Fatalf("metadata %+v", m)
	}
	var got []byte
	for _, ch := range m.Chunks {
		b := make([]byte, ch.Length)
		if _, err := st.ReadAt(t.Context(), ch.Name, b, 0); err != nil {
			t.Fatal(err)
		}
		got = append(got, b[max(m.StartOffset-ch.Offset, 0):]...)
	}
	if string(got) != want[100:] {
		t.Fatalf("segment from storage alone: %d bytes, want %d", len(got), len(want)-100)
	}
}

// TestReadAheadFromStorage: a read below the cache fetches ReadAhead bytes
// from long-term storage and caches them, so the next reads are memory hits.
func TestReadAheadFromStorage(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	c := openTiered(t, l, st, Tiering{CacheBudget: 1 << 20, ChunkSize: 256 << 10, ReadAhead: 64 << 10})
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	want := writeBlocks(t, c, seg, w1, 0, 8000)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	s := c.mu.segments[seg]
	s.index.Evict(func(from, to int64) bool { return s.durable.extents.covers(from, to) })
	c.mu.Unlock()

	r, err := read(t, c, seg, 0, 1000)
	if err != nil || string(r.Data) != want[:1000] {
		t.Fatalf("first read: %v", err)
	}
	c.mu.Lock() // the read-ahead is cached before the read is answered
	cached := s.index.Cached(1000) && s.index.Cached(60<<10)
	c.mu.Unlock()
	if !cached {
		t.Fatal("read from storage did not cache its read-ahead")
	}
	if got := readAll(t, c, seg); got != want {
		t.Fatal("data differs after read-ahead")
	}
}

// TestSequentialReaderPrefetch: a reader served from the cache near the end
// of a read-ahead gets the next read-ahead fetched in the background, so it
// does not wait for long-term storage at every boundary; reads still return
// exactly the segment's bytes.
func TestSequentialReaderPrefetch(t *testing.T) {
	l := &heldLog{auto: true}
	st := mem.New()
	const ahead = 64 << 10
	c := openTiered(t, l, st, Tiering{CacheBudget: 1 << 20, ChunkSize: 256 << 10, ReadAhead: ahead})
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	want := writeBlocks(t, c, seg, w1, 0, 8000)
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	s := c.mu.segments[seg]
	s.index.Evict(func(from, to int64) bool { return s.durable.extents.covers(from, to) })
	c.mu.Unlock()

	if r, err := read(t, c, seg, 0, ahead-100); err != nil || string(r.Data) != want[:ahead-100] {
		t.Fatalf("first read: %v", err)
	}
	// Served from the cache within half a read-ahead of its end: the next
	// read-ahead starts now.
	if r, err := read(t, c, seg, ahead-100, 50); err != nil || string(r.Data) != want[ahead-100:ahead-50] {
		t.Fatalf("second read: %v", err)
	}
	for { // the prefetch runs in the background; wait for it to finish
		c.mu.Lock()
		done := !s.prefetching
		c.mu.Unlock()
		if done {
			break
		}
		runtime.Gosched()
	}
	c.mu.Lock()
	cached := s.index.Cached(ahead) && s.index.Cached(2*ahead-1) && s.index.Cached(ahead-50)
	c.mu.Unlock()
	if !cached {
		t.Fatal("the next read-ahead was not prefetched, or the reader's current bytes were evicted")
	}
	if got := readAll(t, c, seg); got != want {
		t.Fatal("data differs after prefetching")
	}
	if s := c.Stats(); s.LTSReads < 2 {
		t.Fatalf("stats: %+v", s)
	}
}

// metaCountingStorage counts the puts of metadata objects.
type metaCountingStorage struct {
	*mem.Storage
	mu       sync.Mutex
	metaPuts int
}

func (m *metaCountingStorage) Put(ctx context.Context, name string, data []byte) error {
	if p, err := lts.ParseName(name); err == nil && p.Kind == lts.KindMeta {
		m.mu.Lock()
		m.metaPuts++
		m.mu.Unlock()
	}
	return m.Storage.Put(ctx, name, data)
}

func (m *metaCountingStorage) puts() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.metaPuts
}

// TestMetaRewrittenAtMostEveryInterval: new chunks alone rewrite a
// segment's metadata object at most once per MetaInterval (its first chunk
// at once), while a truncation rewrites it in the next pass.
func TestMetaRewrittenAtMostEveryInterval(t *testing.T) {
	var clock sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	l := &heldLog{auto: true}
	st := &metaCountingStorage{Storage: mem.New()}
	c := openOn(t, l, Config{ID: 1, Storage: st, Now: func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		return now
	}, Tiering: Tiering{FlushInterval: time.Hour, ChunkSize: 700, MinFlushBytes: 1, MetaInterval: 10 * time.Second}})
	pass := func() { // one storage writer pass whose chunk records are durable, then one more
		t.Helper()
		for range 2 {
			if err := c.tier(t.Context(), false); err != nil {
				t.Fatal(err)
			}
			if err := c.waitDurable(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
	}
	seg := "s/t/0.#epoch.0"
	create(t, c, seg, KindStream)
	writeBlocks(t, c, seg, w1, 0, 20)
	pass()
	if n := st.puts(); n != 1 {
		t.Fatalf("after the first chunks: %d metadata puts, want 1", n)
	}
	writeBlocks(t, c, seg, w1, 20, 40)
	pass()
	if n := st.puts(); n != 1 {
		t.Fatalf("more chunks within the interval: %d metadata puts, want still 1", n)
	}
	clock.Lock()
	now = now.Add(11 * time.Second)
	clock.Unlock()
	pass()
	if n := st.puts(); n != 2 {
		t.Fatalf("after the interval: %d metadata puts, want 2", n)
	}
	tr := newResult[error]()
	c.Truncate(seg, 100, func(err error) { tr.ch <- err })
	if err := tr.wait(t); err != nil {
		t.Fatal(err)
	}
	pass()
	if n := st.puts(); n != 3 {
		t.Fatalf("after a truncation: %d metadata puts, want 3", n)
	}
}
