package tables

import (
	"bytes"
	"fmt"
	"sort"
)

// maxReplyBytes caps the keys and values of one iteration or delta reply,
// as the Java server does (about 2 MiB).
const maxReplyBytes = 2 << 20

// maxGetBytes caps the keys and values one Get returns, so that its reply
// fits in a wire frame (16 MiB).
const maxGetBytes = 15 << 20

// itemOverhead estimates the wire bytes of an entry besides its key and value.
const itemOverhead = 24

// Get reads keys; the result has one entry per key, in order: the key with
// its current version and value, or with NotExists and an empty value.
func (ts *Tables) Get(name string, keys [][]byte) ([]Entry, error) {
	t, err := ts.get(name)
	if err != nil {
		return nil, err
	}
	locs := make([]loc, len(keys))
	found := make([]bool, len(keys))
	t.mu.Lock()
	kl := t.mu.keyLength
	for i, k := range keys {
		if len(k) == 0 || len(k) > MaxKeyLength || (kl > 0 && len(k) != kl) {
			continue // cannot exist
		}
		locs[i], found[i] = t.mu.idx.get(sortKey(kl, k))
	}
	t.mu.Unlock()
	total := 0
	for i, l := range locs {
		if found[i] {
			total += int(l.vlen) + len(keys[i]) + itemOverhead
		}
	}
	if total > maxGetBytes {
		return nil, invalid("ReadTable of %d keys would return %d bytes, more than a reply can carry", len(keys), total)
	}
	out := make([]Entry, len(keys))
	for i, k := range keys {
		out[i] = Entry{Key: k, Version: NotExists}
		if !found[i] {
			continue
		}
		r, err := readRecord(ts.ctr, name, locs[i], false)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(r.key, k) {
			return nil, fmt.Errorf("%w: %q: record at %d holds another key with the same hash", errCorrupt, name, locs[i].off)
		}
		out[i] = Entry{Key: k, Version: locs[i].off, Value: r.value}
	}
	return out, nil
}

// IterArgs bounds an iteration: hash tables use Token (empty = from the
// start; otherwise the token of the previous reply), fixed-key-length tables
// the inclusive From and To keys (empty = unbounded).
type IterArgs struct {
	Token    []byte
	From, To []byte
}

// Iterate returns up to limit entries (about 2 MiB at most) in iteration order
// with the token for the next call; with keysOnly the values are left out.
// Hash tables iterate in key-hash order, fixed-key-length tables in unsigned
// lexicographic key order. An empty result means the end.
func (ts *Tables) Iterate(name string, args IterArgs, limit int, keysOnly bool) ([]Entry, []byte, error) {
	t, err := ts.get(name)
	if err != nil {
		return nil, nil, err
	}
	limit = min(max(limit, 1), 1<<20)
	type item struct {
		sk string
		l  loc
	}
	var items []item
	t.mu.Lock()
	kl := t.mu.keyLength
	from, exclusive := "", false
	switch {
	case kl == 0 && (len(args.From) > 0 || len(args.To) > 0):
		t.mu.Unlock()
		return nil, nil, invalid("fromKey/toKey are not supported on hash table segments")
	case kl == 0 && len(args.Token) == 16:
		from, exclusive = string(args.Token), true
	case kl == 0 && len(args.Token) != 0:
		t.mu.Unlock()
		return nil, nil, invalid("continuation token of %d bytes", len(args.Token))
	case kl > 0:
		from = string(args.From)
	}
	size := 0
	t.mu.idx.ascend(from, exclusive, func(sk string, l loc) bool {
		if kl > 0 && len(args.To) > 0 && sk > string(args.To) {
			return false
		}
		items = append(items, item{sk, l})
		size += int(l.klen) + itemOverhead
		if !keysOnly {
			size += int(l.vlen)
		}
		return len(items) < limit && size < maxReplyBytes
	})
	t.mu.Unlock()
	out := make([]Entry, 0, len(items))
	for _, it := range items {
		r, err := readRecord(ts.ctr, name, it.l, keysOnly)
		if err != nil {
			return nil, nil, err
		}
		if sortKey(kl, r.key) != it.sk {
			return nil, nil, fmt.Errorf("%w: %q: record at %d does not hold the indexed key", errCorrupt, name, it.l.off)
		}
		e := Entry{Key: r.key, Version: it.l.off}
		if !keysOnly {
			e.Value = r.value
		}
		out = append(out, e)
	}
	token := args.Token
	if kl > 0 {
		token = nil
	} else if len(items) > 0 {
		token = []byte(items[len(items)-1].sk)
	}
	return out, token, nil
}

// Delta is the answer to a delta read.
type Delta struct {
	Entries      []Entry
	ShouldClear  bool  // the reader must drop what it cached
	ReachedEnd   bool  // LastPosition is the table's length
	LastPosition int64 // where the next delta read starts
}

// deltaScanLimit bounds the bytes one delta read scans while it finds only
// removals.
const deltaScanLimit = 32 << 20

// ReadDelta returns the entries written at or after fromPosition, latest
// write per key, without keys whose latest record is a removal, stopping at
// a batch boundary after about limit entries or 2 MiB. Hash tables only.
func (ts *Tables) ReadDelta(name string, fromPosition int64, limit int) (Delta, error) {
	t, err := ts.get(name)
	if err != nil {
		return Delta{}, err
	}
	limit = min(max(limit, 1), 1<<20)
	t.mu.Lock()
	kl, start, end := t.mu.keyLength, t.mu.start, t.mu.durLen
	t.mu.Unlock()
	if kl > 0 {
		return Delta{}, unsupported("ReadTableEntriesDelta on a fixed-key-length table segment")
	}
	if fromPosition < 0 || fromPosition > end {
		return Delta{}, invalid("fromPosition %d is outside the table segment [0, %d]", fromPosition, end)
	}
	d := Delta{ShouldClear: fromPosition < start}
	pos := max(fromPosition, start)
	type item struct {
		e       Entry
		at      int64
		removed bool
	}
	byKey := make(map[string]*item)
	live, size, scanned := 0, 0, 0
	last := pos
	err = scan(ts.ctr, name, pos, end, func(off int64, n int, r record) bool {
		last = off + int64(n)
		scanned += n
		it := byKey[string(r.key)]
		if it == nil {
			it = &item{removed: true}
			byKey[string(r.key)] = it
		}
		if it.removed && !r.remove {
			live++
		} else if !it.removed && r.remove {
			live--
		}
		it.removed = r.remove
		it.at = off
		it.e = Entry{Key: r.key, Version: off, Value: r.value}
		if !r.remove {
			size += len(r.key) + len(r.value) + itemOverhead
		}
		if r.more {
			return true
		}
		return live < limit && size < maxReplyBytes && scanned < deltaScanLimit
	})
	if err != nil {
		return Delta{}, err
	}
	items := make([]*item, 0, live)
	for _, it := range byKey {
		if !it.removed {
			items = append(items, it)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].at < items[j].at })
	for _, it := range items {
		d.Entries = append(d.Entries, it.e)
	}
	d.LastPosition = last
	d.ReachedEnd = last >= end
	if len(d.Entries) == 0 && d.ReachedEnd {
		d.LastPosition = 0 // what the Java server answers for an empty result
	}
	return d, nil
}

// Info describes a table segment as of its last durable batch.
type Info struct {
	StartOffset int64
	Length      int64
	EntryCount  int64 // live keys
	KeyLength   int32 // 0 for a hash table
}

// Info describes a table segment.
func (ts *Tables) Info(name string) (Info, error) {
	t, err := ts.get(name)
	if err != nil {
		return Info{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return Info{StartOffset: t.mu.start, Length: t.mu.durLen, EntryCount: int64(t.mu.idx.len()),
		KeyLength: int32(t.mu.keyLength)}, nil
}
