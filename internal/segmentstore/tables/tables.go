package tables

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
)

// Reserved versions (fact sheet §4.9).
const (
	// NoVersion makes a key's update or removal unconditional.
	NoVersion int64 = -1 << 63
	// NotExists requires a key to be absent; ReadTable reports it for
	// missing keys.
	NotExists int64 = -1
)

func tableAttribute(n uint64) container.AttributeID {
	var id container.AttributeID
	binary.BigEndian.PutUint64(id[0:8], 1<<63)
	binary.BigEndian.PutUint64(id[8:16], 0x7461_626c_0000_0000|n) // "tabl" | n
	return id
}

// Attributes the tables layer keeps on its segments (doc.go).
var (
	// AttrKeyLength holds a table's fixed key length (0 or unset: hash table).
	AttrKeyLength = tableAttribute(1)
	// attrWriter is the writer id under which the tables layer appends; its
	// value is the segment length after the last batch.
	attrWriter = tableAttribute(2)
)

// Tables is the table-segment layer of one container. It is the only writer
// of its container's table segments.
//
// Lock order: table.wmu, then table.mu, then the container's lock (inside
// container calls); Tables.mu is taken alone. Container callbacks take only
// table.mu and Tables.mu.
type Tables struct {
	ctr      *container.Container
	logger   *slog.Logger
	storage  container.Storage // for index snapshots; nil = none
	minBytes int64

	ctx     context.Context // cancelled by Close; bounds snapshot I/O
	cancel  context.CancelFunc
	wg      sync.WaitGroup // snapshots in flight
	snapSem chan struct{}  // one snapshot at a time

	mu     sync.Mutex
	closed bool
	tables map[string]*table // table state by segment name, loaded lazily
}

// Options tunes the table layer.
type Options struct {
	Logger *slog.Logger // nil = discard
	// SnapshotMinBytes is the least log growth between two index snapshots
	// of a table (default DefaultSnapshotMinBytes).
	SnapshotMinBytes int64
}

// New returns the table layer over ctr. Table indexes are loaded on first
// use, from the latest index snapshot in the container's long-term storage
// and the log after it; snapshots are written in the background while the
// tables change, until Close.
func New(ctr *container.Container, opts Options) *Tables {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SnapshotMinBytes <= 0 {
		opts.SnapshotMinBytes = DefaultSnapshotMinBytes
	}
	ts := &Tables{ctr: ctr, logger: opts.Logger, storage: ctr.Storage(), minBytes: opts.SnapshotMinBytes,
		snapSem: make(chan struct{}, 1), tables: make(map[string]*table)}
	ts.ctx, ts.cancel = context.WithCancel(context.Background())
	return ts
}

// table is the state of one table segment.
type table struct {
	name string
	ctr  *container.Container

	// wmu serialises loading and the admission of writes.
	wmu    sync.Mutex
	loaded atomic.Bool

	mu struct {
		sync.Mutex
		keyLength int
		idx       index // durable view
		// pending holds, per sort key, the accepted (not yet durable) state
		// of keys written by batches in flight.
		pending  map[string]*pendingKey
		start    int64
		durLen   int64 // length covered by batches whose completion ran
		accLen   int64 // length after every admitted batch
		accCount int   // live keys in the accepted view
		accSeq   uint64
		durSeq   uint64
		waiters  []waiter
		dead     bool // the state is discarded; callers must fetch a fresh table
		// snapPos is the log position of the last index snapshot (or of
		// the attempt at one); snapping says one is being written.
		snapPos  int64
		snapping bool
	}
}

// pendingKey is the accepted state of a key written by a batch in flight.
type pendingKey struct {
	exists bool
	l      loc
	count  int // batches in flight that write the key
}

// waiter is a reply that depends on accepted state: it runs once batch seq
// is durable (or failed).
type waiter struct {
	seq uint64
	fn  func(error)
}

// get returns the loaded state of a table segment.
func (ts *Tables) get(name string) (*table, error) {
	for {
		ts.mu.Lock()
		t := ts.tables[name]
		if t == nil {
			t = &table{name: name, ctr: ts.ctr}
			ts.tables[name] = t
		}
		ts.mu.Unlock()
		if t.loaded.Load() {
			if !t.isDead() {
				return t, nil
			}
			ts.drop(t)
			continue
		}
		t.wmu.Lock()
		err := ts.loadLocked(t)
		t.wmu.Unlock()
		if err != nil {
			ts.drop(t)
			return nil, err
		}
	}
}

// drop forgets t; the next use of its name loads it again.
func (ts *Tables) drop(t *table) {
	t.mu.Lock()
	t.mu.dead = true
	t.mu.Unlock()
	ts.mu.Lock()
	if ts.tables[t.name] == t {
		delete(ts.tables, t.name)
	}
	ts.mu.Unlock()
}

func (t *table) isDead() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mu.dead
}

// loadLocked loads t's index: from its latest index snapshot and the log
// after it, or from the whole log. The caller holds t.wmu.
func (ts *Tables) loadLocked(t *table) error {
	if t.loaded.Load() || t.isDead() {
		return nil
	}
	began := time.Now()
	// Wait until everything admitted for the segment is durable, so that
	// the durable length is also the accepted one (only this layer writes).
	if _, err := wait(func(done func(int64, error)) { ts.ctr.WriterPosition(t.name, attrWriter, done) }); err != nil {
		return err
	}
	info, err := ts.ctr.Info(t.name)
	if err != nil {
		return err
	}
	if info.Kind != container.KindTable {
		return invalid("%q is not a table segment", t.name)
	}
	kl, err := ts.ctr.Attribute(t.name, AttrKeyLength)
	if err != nil {
		return err
	}
	if kl == container.NullValue {
		kl = 0
	}
	idx, from, fromSnapshot := ts.loadSnapshot(t.name, int(kl), info)
	if !fromSnapshot {
		from = info.StartOffset
		if kl == 0 {
			idx = newHashIndex()
		} else {
			idx = newKeyIndex()
		}
	}
	records := 0
	err = scan(ts.ctr, t.name, from, info.Length, func(off int64, _ int, r record) bool {
		sk := sortKey(int(kl), r.key)
		if r.remove {
			idx.del(sk)
		} else {
			idx.set(sk, loc{off: off, klen: uint16(len(r.key)), vlen: uint32(len(r.value))})
		}
		records++
		return true
	})
	if err != nil {
		return fmt.Errorf("load table %q: %w", t.name, err)
	}
	t.mu.Lock()
	t.mu.keyLength = int(kl)
	t.mu.idx = idx
	t.mu.pending = make(map[string]*pendingKey)
	t.mu.start = info.StartOffset
	t.mu.durLen = info.Length
	t.mu.accLen = info.Length
	t.mu.accCount = idx.len()
	t.mu.snapPos = from
	snap := ts.snapshotDueLocked(t)
	t.mu.Unlock()
	t.loaded.Store(true)
	if snap != nil {
		snap()
	}
	if took := time.Since(began); info.Length > 0 {
		ts.logger.Info("table segment index loaded", "segment", t.name, "from_snapshot", fromSnapshot,
			"log_bytes_read", info.Length-from, "records", records, "keys", idx.len(),
			"took", took.Round(time.Microsecond))
	}
	return nil
}

// sortKey is a key's position in its table's index.
func sortKey(keyLength int, key []byte) string {
	if keyLength == 0 {
		return hashKey(key)
	}
	return string(key)
}

// wait calls a callback-style container function and waits for its answer.
func wait[T any](call func(done func(T, error))) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	call(func(v T, err error) { ch <- result{v, err} })
	r := <-ch
	return r.v, r.err
}

// afterLocked runs fn once batch seq is durable: at once if it is. The
// caller holds t.mu and runs the returned function (if any) after unlocking.
func (t *table) afterLocked(seq uint64, fn func(error)) func() {
	if seq <= t.mu.durSeq {
		return func() { fn(nil) }
	}
	t.mu.waiters = append(t.mu.waiters, waiter{seq: seq, fn: fn})
	return nil
}

// releaseLocked removes the waiters that can run: those at or below seq, or
// (failed) those at or above it.
func (t *table) releaseLocked(seq uint64, failed bool) []waiter {
	var out []waiter
	kept := t.mu.waiters[:0]
	for _, w := range t.mu.waiters {
		if (!failed && w.seq <= seq) || (failed && w.seq >= seq) {
			out = append(out, w)
		} else {
			kept = append(kept, w)
		}
	}
	clear(t.mu.waiters[len(kept):])
	t.mu.waiters = kept
	return out
}
