package tables

import (
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
)

// Entry is a key with its version and value. In requests Version is the
// condition (NoVersion, NotExists or a version); in replies it is the
// key's version (NotExists for a missing key).
type Entry struct {
	Key     []byte
	Version int64
	Value   []byte
}

// Key is a key with its version condition.
type Key struct {
	Key     []byte
	Version int64
}

// writeOp is one key of an update or removal batch.
type writeOp struct {
	key     []byte
	value   []byte
	version int64
	remove  bool
}

// batch is one admitted append of records: what its completion applies to
// the durable index.
type batch struct {
	seq  uint64
	end  int64
	recs []batchRecord
}

type batchRecord struct {
	sk     string
	l      loc
	remove bool
}

// Update writes entries atomically, conditionally if any entry's Version is
// not NoVersion, and (if tableOffset != -1) only if the table's length is
// tableOffset. done receives the new version of each entry, in order, once
// the batch is durable. done may run on the caller's goroutine or the
// container's and must not block.
func (ts *Tables) Update(name string, entries []Entry, tableOffset int64, done func(versions []int64, err error)) {
	ops := make([]writeOp, len(entries))
	for i, e := range entries {
		ops[i] = writeOp{key: e.Key, value: e.Value, version: e.Version}
	}
	ts.write(name, ops, tableOffset, done)
}

// Remove removes keys atomically, with the same conditions as Update.
// Removing an absent key unconditionally succeeds.
func (ts *Tables) Remove(name string, keys []Key, tableOffset int64, done func(error)) {
	ops := make([]writeOp, len(keys))
	for i, k := range keys {
		ops[i] = writeOp{key: k.Key, version: k.Version, remove: true}
	}
	ts.write(name, ops, tableOffset, func(_ []int64, err error) { done(err) })
}

func checkLengths(ops []writeOp) error {
	if len(ops) == 0 {
		return invalid("no keys")
	}
	for _, o := range ops {
		switch {
		case len(o.key) == 0:
			return invalid("empty table key")
		case len(o.key) > MaxKeyLength:
			return invalid("table key of %d bytes exceeds %d", len(o.key), MaxKeyLength)
		case len(o.value) > MaxValueLength:
			return invalid("table value of %d bytes exceeds %d", len(o.value), MaxValueLength)
		}
	}
	return nil
}

func (ts *Tables) write(name string, ops []writeOp, tableOffset int64, done func([]int64, error)) {
	if err := checkLengths(ops); err != nil {
		done(nil, err)
		return
	}
	for {
		t, err := ts.get(name)
		if err != nil {
			done(nil, err)
			return
		}
		t.wmu.Lock()
		ok := ts.admitLocked(t, ops, tableOffset, done)
		t.wmu.Unlock()
		if ok {
			return
		}
	}
}

// admitLocked validates ops against t's accepted state and appends their
// records. It reports false if t was discarded meanwhile (the caller
// retries with a fresh state). The caller holds t.wmu.
func (ts *Tables) admitLocked(t *table, ops []writeOp, tableOffset int64, done func([]int64, error)) bool {
	var after func()
	t.mu.Lock()
	if t.mu.dead {
		t.mu.Unlock()
		return false
	}
	b, data, versions, err := t.prepareLocked(ops, tableOffset)
	switch {
	case err != nil:
		// The failure may rest on batches not yet durable: answer once they
		// are, so the reply never reveals state a crash could take back.
		after = t.afterLocked(t.mu.accSeq, func(werr error) {
			if werr != nil {
				err = werr
			}
			done(nil, err)
		})
	case b == nil:
		// Nothing to write (removals of absent keys): same rule.
		after = t.afterLocked(t.mu.accSeq, func(werr error) { done(versions, werr) })
	default:
		t.applyPendingLocked(b)
	}
	base := t.mu.accLen - int64(len(data))
	t.mu.Unlock()
	if after != nil {
		after()
	}
	if b == nil {
		return true
	}
	prev := base
	if prev == 0 {
		prev = container.NullValue
	}
	ts.ctr.Append(container.AppendRequest{
		Segment:          t.name,
		Writer:           attrWriter,
		EventNumber:      b.end,
		ExpectedPrevious: prev,
		EventCount:       int32(len(b.recs)),
		ExpectedOffset:   base,
		Data:             data,
	}, func(res container.AppendResult, err error) {
		if err == nil && (res.Duplicate || res.Length != b.end) {
			err = fmt.Errorf("table %q: append of a batch ending at %d was taken as a duplicate (length %d)", t.name, b.end, res.Length)
		}
		ts.complete(t, b, err)
		if err != nil {
			done(nil, err)
			return
		}
		done(versions, nil)
	})
	return true
}

// prepareLocked checks the conditions of ops against the accepted view and
// encodes the records to append. A nil batch with a nil error means there is
// nothing to write.
func (t *table) prepareLocked(ops []writeOp, tableOffset int64) (*batch, []byte, []int64, error) {
	if tableOffset != -1 && tableOffset != t.mu.accLen {
		return nil, nil, nil, &container.TruncatedError{Segment: t.name, StartOffset: t.mu.accLen, Offset: tableOffset}
	}
	kl := t.mu.keyLength
	// exists tracks, through the batch, whether each key exists.
	exists := make(map[string]bool, len(ops))
	sks := make([]string, len(ops))
	write := make([]bool, len(ops))
	for i, o := range ops {
		if kl > 0 && len(o.key) != kl {
			return nil, nil, nil, invalid("key of %d bytes in a table of %d-byte keys", len(o.key), kl)
		}
		sk := sortKey(kl, o.key)
		sks[i] = sk
		// Conditions are checked against the table as it was before the
		// batch, as Pravega does: a batch may name one key several times
		// with the same expected version (the Rust client's table
		// synchronizer does, for its per-map version keys).
		l, existed := t.acceptedLocked(sk)
		if o.version != NoVersion {
			switch {
			case !existed && o.version != NotExists:
				return nil, nil, nil, fmt.Errorf("%w: segment %q", ErrKeyDoesNotExist, t.name)
			case existed && o.version != l.off:
				return nil, nil, nil, fmt.Errorf("%w: segment %q: key at version %d, request expects %d",
					ErrKeyBadVersion, t.name, l.off, o.version)
			}
		}
		present, seen := exists[sk]
		if !seen {
			present = existed
		}
		// A removal of a key absent at that point of the batch writes
		// nothing.
		write[i] = !o.remove || present
		exists[sk] = !o.remove
	}
	size := 0
	last := -1
	for i, o := range ops {
		if write[i] {
			size += recordSize(len(o.key), len(o.value))
			last = i
		}
	}
	var versions []int64
	if !ops[0].remove {
		versions = make([]int64, len(ops))
	}
	if last < 0 {
		return nil, nil, versions, nil
	}
	data := make([]byte, 0, size)
	b := &batch{seq: t.mu.accSeq + 1, recs: make([]batchRecord, 0, len(ops))}
	for i, o := range ops {
		if !write[i] {
			continue
		}
		off := t.mu.accLen + int64(len(data))
		data = appendRecord(data, o.remove, i != last, o.key, o.value)
		b.recs = append(b.recs, batchRecord{sk: sks[i], remove: o.remove,
			l: loc{off: off, klen: uint16(len(o.key)), vlen: uint32(len(o.value))}})
		if versions != nil {
			versions[i] = off
		}
	}
	b.end = t.mu.accLen + int64(len(data))
	return b, data, versions, nil
}

// acceptedLocked looks a key up in the accepted view.
func (t *table) acceptedLocked(sk string) (loc, bool) {
	if p, ok := t.mu.pending[sk]; ok {
		return p.l, p.exists
	}
	return t.mu.idx.get(sk)
}

// applyPendingLocked records an admitted batch in the accepted view.
func (t *table) applyPendingLocked(b *batch) {
	for _, r := range b.recs {
		p := t.mu.pending[r.sk]
		if p == nil {
			_, existed := t.mu.idx.get(r.sk)
			p = &pendingKey{exists: existed}
			t.mu.pending[r.sk] = p
		}
		switch {
		case p.exists && r.remove:
			t.mu.accCount--
		case !p.exists && !r.remove:
			t.mu.accCount++
		}
		p.exists = !r.remove
		p.l = r.l
		p.count++
	}
	t.mu.accSeq = b.seq
	t.mu.accLen = b.end
}

// complete applies a durable batch to the durable index, or discards the
// table's state if the batch failed, and releases the replies waiting for
// it. It runs on the container's goroutine (or the caller's, for a batch the
// container refused at once).
func (ts *Tables) complete(t *table, b *batch, err error) {
	t.mu.Lock()
	var ready []waiter
	if err != nil {
		t.mu.dead = true
		ready = t.releaseLocked(b.seq, true)
	} else {
		for _, r := range b.recs {
			if r.remove {
				t.mu.idx.del(r.sk)
			} else {
				t.mu.idx.set(r.sk, r.l)
			}
			if p := t.mu.pending[r.sk]; p != nil {
				if p.count--; p.count == 0 {
					delete(t.mu.pending, r.sk)
				}
			}
		}
		t.mu.durLen = b.end
		t.mu.durSeq = b.seq
		ready = t.releaseLocked(b.seq, false)
	}
	var snap func()
	if err == nil {
		snap = ts.snapshotDueLocked(t)
	}
	t.mu.Unlock()
	if snap != nil {
		snap()
	}
	if err != nil {
		ts.drop(t)
	}
	for _, w := range ready {
		w.fn(err)
	}
}
