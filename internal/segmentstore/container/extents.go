package container

import "sort"

// extent says that bytes [offset, offset+length) of a segment are in the
// long-term storage chunk named chunk, starting at the chunk's first byte.
type extent struct {
	offset int64
	length int64
	chunk  string
}

func (e extent) end() int64 { return e.offset + e.length }

// extents is a segment's long-term storage map: non-overlapping extents
// sorted by offset. Gaps are bytes not yet flushed (still in the cache) or
// truncated away.
type extents []extent

// find returns the index of the first extent ending after offset.
func (x extents) find(offset int64) int {
	return sort.Search(len(x), func(i int) bool { return x[i].end() > offset })
}

// at returns the extent holding the byte at offset.
func (x extents) at(offset int64) (extent, bool) {
	i := x.find(offset)
	if i < len(x) && x[i].offset <= offset {
		return x[i], true
	}
	return extent{}, false
}

// covers reports whether every byte of [from, to) is in some extent.
func (x extents) covers(from, to int64) bool {
	for i := x.find(from); from < to; i++ {
		if i >= len(x) || x[i].offset > from {
			return false
		}
		from = x[i].end()
	}
	return true
}

// holes calls fn for each maximal range of [from, to) not in any extent.
func (x extents) holes(from, to int64, fn func(from, to int64)) {
	for i := x.find(from); from < to; i++ {
		if i >= len(x) || x[i].offset >= to {
			fn(from, to)
			return
		}
		if x[i].offset > from {
			fn(from, x[i].offset)
		}
		from = x[i].end()
	}
}

// insert adds e, keeping the order. The caller guarantees no overlap.
func (x extents) insert(e extent) extents {
	i := sort.Search(len(x), func(i int) bool { return x[i].offset > e.offset })
	x = append(x, extent{})
	copy(x[i+1:], x[i:])
	x[i] = e
	return x
}

// dropBelow removes the extents that end at or before offset and returns
// what remains and the removed chunks.
func (x extents) dropBelow(offset int64) (extents, []string) {
	i := 0
	var dropped []string
	for i < len(x) && x[i].end() <= offset {
		dropped = append(dropped, x[i].chunk)
		i++
	}
	if i == 0 {
		return x, nil
	}
	return append(extents(nil), x[i:]...), dropped
}

// shifted returns a copy of x moved by delta (a merge source's extents as
// the target sees them).
func (x extents) shifted(delta int64) extents {
	out := make(extents, len(x))
	for i, e := range x {
		e.offset += delta
		out[i] = e
	}
	return out
}

// chunks lists the chunk names of x.
func (x extents) chunks() []string {
	out := make([]string, len(x))
	for i, e := range x {
		out[i] = e.chunk
	}
	return out
}
