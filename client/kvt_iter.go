package client

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"
	"iter"
	"slices"
)

// Iteration over a key-value table, as the Java KeyValueTableIterator:
// every key range is an inclusive [from, to] range of whole keys (primary
// then secondary bytes) in unsigned byte order. One primary key lives in one
// table segment, which is read alone; otherwise every segment is read in
// key order (ReadTableEntries/ReadTableKeys with fromKey/toKey; the next
// page starts at the last key + 1) and the segments are merged, so items
// come in key order. Iteration is not a snapshot: changes made meanwhile
// may or may not be seen.

// defaultScanBatch is how many items one request asks for.
const defaultScanBatch = 100

type scanKind int

const (
	scanPrimaryRange scanKind = iota
	scanPrimaryPrefix
	scanSecondaryRange
	scanSecondaryPrefix
)

// KVTScan selects the keys an iteration visits. Make one with ScanAll,
// ScanPrimaryRange, ScanPrimaryPrefix, ScanPrimaryKey, ScanSecondaryRange or
// ScanSecondaryPrefix (the Java iterator builder's forRange, forPrefix and
// forPrimaryKey).
type KVTScan struct {
	kind     scanKind
	pk       []byte
	from, to []byte // bounds, or from = the prefix
	batch    int
}

// ScanAll visits every key.
func ScanAll() KVTScan { return KVTScan{kind: scanPrimaryRange} }

// ScanPrimaryRange visits the keys whose primary key lies in [from, to]
// (inclusive; nil: unbounded), with any secondary key. Bounds have the
// table's primary key length.
func ScanPrimaryRange(from, to []byte) KVTScan {
	return KVTScan{kind: scanPrimaryRange, from: from, to: to}
}

// ScanPrimaryPrefix visits the keys whose primary key starts with prefix
// (at most the primary key length).
func ScanPrimaryPrefix(prefix []byte) KVTScan {
	return KVTScan{kind: scanPrimaryPrefix, from: prefix}
}

// ScanPrimaryKey visits the keys with primary key pk (one table segment).
func ScanPrimaryKey(pk []byte) KVTScan { return ScanSecondaryRange(pk, nil, nil) }

// ScanSecondaryRange visits the keys with primary key pk whose secondary
// key lies in [from, to] (inclusive; nil: unbounded).
func ScanSecondaryRange(pk, from, to []byte) KVTScan {
	return KVTScan{kind: scanSecondaryRange, pk: pk, from: from, to: to}
}

// ScanSecondaryPrefix visits the keys with primary key pk whose secondary
// key starts with prefix.
func ScanSecondaryPrefix(pk, prefix []byte) KVTScan {
	return KVTScan{kind: scanSecondaryPrefix, pk: pk, from: prefix}
}

// BatchSize sets how many items each request asks for (default 100).
func (s KVTScan) BatchSize(n int) KVTScan {
	s.batch = n
	return s
}

// pad returns b filled up to n bytes with fill (nil b: n fill bytes).
func pad(b []byte, fill byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	for i := len(b); i < n; i++ {
		out[i] = fill
	}
	return out
}

// bounds resolves the scan against cfg: the inclusive range of whole keys
// and, if it covers a single primary key, that key.
func (s KVTScan) bounds(cfg KVTConfig) (from, to, single []byte, err error) {
	pl, sl := int(cfg.PrimaryKeyLength), int(cfg.SecondaryKeyLength)
	exact := func(b []byte, n int, what string) error {
		if b != nil && len(b) != n {
			return fmt.Errorf("%w: %s of %d bytes, want %d", ErrInvalidArgument, what, len(b), n)
		}
		return nil
	}
	atMost := func(b []byte, n int, what string) error {
		if len(b) > n {
			return fmt.Errorf("%w: %s of %d bytes, at most %d", ErrInvalidArgument, what, len(b), n)
		}
		return nil
	}
	var fromPK, toPK, fromSK, toSK []byte
	switch s.kind {
	case scanPrimaryRange, scanPrimaryPrefix:
		if s.kind == scanPrimaryRange {
			if err := exact(s.from, pl, "from primary key"); err != nil {
				return nil, nil, nil, err
			}
			if err := exact(s.to, pl, "to primary key"); err != nil {
				return nil, nil, nil, err
			}
			fromPK, toPK = pad(s.from, 0, pl), pad(s.to, 0xFF, pl)
		} else {
			if err := atMost(s.from, pl, "primary key prefix"); err != nil {
				return nil, nil, nil, err
			}
			fromPK, toPK = pad(s.from, 0, pl), pad(s.from, 0xFF, pl)
		}
		// Whole secondary range, so the key range is contiguous.
		fromSK, toSK = pad(nil, 0, sl), pad(nil, 0xFF, sl)
	case scanSecondaryRange, scanSecondaryPrefix:
		if s.pk == nil {
			return nil, nil, nil, fmt.Errorf("%w: no primary key", ErrInvalidArgument)
		}
		if err := exact(s.pk, pl, "primary key"); err != nil {
			return nil, nil, nil, err
		}
		fromPK, toPK = s.pk, s.pk
		if s.kind == scanSecondaryRange {
			if err := exact(s.from, sl, "from secondary key"); err != nil {
				return nil, nil, nil, err
			}
			if err := exact(s.to, sl, "to secondary key"); err != nil {
				return nil, nil, nil, err
			}
			fromSK, toSK = pad(s.from, 0, sl), pad(s.to, 0xFF, sl)
		} else {
			if err := atMost(s.from, sl, "secondary key prefix"); err != nil {
				return nil, nil, nil, err
			}
			fromSK, toSK = pad(s.from, 0, sl), pad(s.from, 0xFF, sl)
		}
	}
	if bytes.Equal(fromPK, toPK) {
		single = fromPK
	}
	return slices.Concat(fromPK, fromSK), slices.Concat(toPK, toSK), single, nil
}

// nextKey is the smallest key after k of the same length, nil after the
// largest one (Java's SegmentIteratorArgs.next).
func nextKey(k []byte) []byte {
	out := bytes.Clone(k)
	for i := len(out) - 1; i >= 0; i-- {
		out[i]++
		if out[i] != 0 {
			return out
		}
	}
	return nil
}

// pageFunc reads one page of a table segment between from and to.
type pageFunc func(ctx context.Context, ts *tableSegment, from, to []byte, n int32) ([]tableEntry, error)

func entriesPage(ctx context.Context, ts *tableSegment, from, to []byte, n int32) ([]tableEntry, error) {
	es, _, err := ts.entriesPage(ctx, nil, from, to, n)
	return es, err
}

func keysPage(ctx context.Context, ts *tableSegment, from, to []byte, n int32) ([]tableEntry, error) {
	es, _, err := ts.keysPage(ctx, nil, from, to, n)
	return es, err
}

// segCursor walks one table segment's range page by page.
type segCursor struct {
	ts       *tableSegment
	from, to []byte // from nil: no more pages
	page     []tableEntry
	i        int
}

func (c *segCursor) current() tableEntry { return c.page[c.i] }

// advance moves to the next item, fetching a page when needed; false at
// the end of the segment's range.
func (c *segCursor) advance(ctx context.Context, fetch pageFunc, n int32) (bool, error) {
	if c.i+1 < len(c.page) {
		c.i++
		return true, nil
	}
	if c.from == nil {
		c.page = nil
		return false, nil
	}
	page, err := fetch(ctx, c.ts, c.from, c.to, n)
	if err != nil {
		return false, err
	}
	if len(page) == 0 {
		c.from, c.page = nil, nil
		return false, nil
	}
	c.page, c.i = page, 0
	c.from = nextKey(page[len(page)-1].key)
	if c.from != nil && bytes.Compare(c.from, c.to) > 0 {
		c.from = nil
	}
	return true, nil
}

// cursorHeap orders cursors by their current key.
type cursorHeap []*segCursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	return bytes.Compare(h[i].current().key, h[j].current().key) < 0
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*segCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// scanned is an item of a scan and the id of its table segment.
type scanned struct {
	tableEntry
	seg int64
}

// scan yields the raw items of the scan in key order.
func (t *KeyValueTable) scan(ctx context.Context, s KVTScan, fetch pageFunc) iter.Seq2[scanned, error] {
	return func(yield func(scanned, error) bool) {
		from, to, single, err := s.bounds(t.cfg)
		if err != nil {
			yield(scanned{}, fmt.Errorf("iterate key-value table %s/%s: %w", t.scope, t.name, err))
			return
		}
		n := int32(s.batch)
		if n <= 0 {
			n = defaultScanBatch
		}
		var segs []*tableSegment
		if single != nil {
			segs = []*tableSegment{t.segmentFor(single)}
		} else {
			for _, sg := range t.segs {
				segs = append(segs, sg.ts)
			}
		}
		h := make(cursorHeap, 0, len(segs))
		for _, ts := range segs {
			c := &segCursor{ts: ts, from: from, to: to}
			ok, err := c.advance(ctx, fetch, n)
			if err != nil {
				yield(scanned{}, fmt.Errorf("iterate key-value table %s/%s: %w", t.scope, t.name, err))
				return
			}
			if ok {
				h = append(h, c)
			}
		}
		heap.Init(&h)
		for len(h) > 0 {
			c := h[0]
			if !yield(scanned{c.current(), c.ts.seg.ID}, nil) {
				return
			}
			ok, err := c.advance(ctx, fetch, n)
			if err != nil {
				yield(scanned{}, fmt.Errorf("iterate key-value table %s/%s: %w", t.scope, t.name, err))
				return
			}
			if ok {
				heap.Fix(&h, 0)
			} else {
				heap.Pop(&h)
			}
		}
	}
}

// Entries iterates over the entries the scan selects, in key order,
// fetching pages as it goes. An error ends the iteration.
func (t *KeyValueTable) Entries(ctx context.Context, s KVTScan) iter.Seq2[TableEntry, error] {
	return func(yield func(TableEntry, error) bool) {
		for e, err := range t.scan(ctx, s, entriesPage) {
			if err != nil {
				yield(TableEntry{}, err)
				return
			}
			k, err := t.deserializeKey(e.key)
			if err != nil {
				yield(TableEntry{}, err)
				return
			}
			if !yield(TableEntry{Key: k, Value: e.value, Version: KeyVersion{segment: e.seg, version: e.version, set: true}}, nil) {
				return
			}
		}
	}
}

// Keys iterates over the keys the scan selects, in key order, without
// their values. An error ends the iteration.
func (t *KeyValueTable) Keys(ctx context.Context, s KVTScan) iter.Seq2[TableKey, error] {
	return func(yield func(TableKey, error) bool) {
		for e, err := range t.scan(ctx, s, keysPage) {
			if err != nil {
				yield(TableKey{}, err)
				return
			}
			k, err := t.deserializeKey(e.key)
			if err != nil {
				yield(TableKey{}, err)
				return
			}
			if !yield(k, nil) {
				return
			}
		}
	}
}
