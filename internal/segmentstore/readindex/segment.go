package readindex

import "sort"

// block is one inserted run of bytes starting at offset.
type block struct {
	offset int64
	data   []byte
}

func (b block) end() int64 { return b.offset + int64(len(b.data)) }

// Segment is the in-memory read index of one segment: cached runs of bytes
// sorted by offset, and the reads parked at the tail. Runs may have gaps
// between them: bytes there live in long-term storage (evicted, or moved in
// by a merge) or were truncated; the container decides which.
type Segment struct {
	length  int64 // one past the last byte of the segment
	blocks  []block
	held    int64 // bytes referenced by blocks
	waiters []*Waiter
}

// New returns an empty index for a segment of the given length, none of
// whose bytes are cached.
func New(length int64) *Segment {
	return &Segment{length: length}
}

// Length is one past the last byte of the segment.
func (s *Segment) Length() int64 { return s.length }

// Held is the number of bytes of memory the index references.
func (s *Segment) Held() int64 { return s.held }

// Append inserts data at the current length. The index keeps data; the caller
// must not modify it afterwards. It returns the parked reads that can now be
// served; the caller completes them.
func (s *Segment) Append(data []byte) []*Waiter {
	return s.AppendAt(s.length, data)
}

// AppendAt inserts data at offset >= Length, leaving a gap (bytes the cache
// does not hold) if offset > Length. Merges use it to move a source's cached
// runs into the target.
func (s *Segment) AppendAt(offset int64, data []byte) []*Waiter {
	if offset < s.length {
		panic("readindex: AppendAt below the length")
	}
	if len(data) == 0 {
		s.length = max(s.length, offset)
		return nil
	}
	s.blocks = append(s.blocks, block{offset: offset, data: data})
	s.length = offset + int64(len(data))
	s.held += int64(len(data))
	return s.takeWaiters(func(w *Waiter) bool { return w.Offset < s.length })
}

// Insert caches data read back from long-term storage at offset, below the
// length. The caller guarantees that no cached run overlaps it (it fills a
// gap, see NextCached).
func (s *Segment) Insert(offset int64, data []byte) {
	if len(data) == 0 || offset+int64(len(data)) > s.length {
		return
	}
	i := sort.Search(len(s.blocks), func(i int) bool { return s.blocks[i].offset > offset })
	s.blocks = append(s.blocks, block{})
	copy(s.blocks[i+1:], s.blocks[i:])
	s.blocks[i] = block{offset: offset, data: data}
	s.held += int64(len(data))
}

// Grow extends the length without caching bytes (data that went straight
// to long-term storage, e.g. a merged source that was entirely evicted).
func (s *Segment) Grow(length int64) []*Waiter {
	if length <= s.length {
		return nil
	}
	s.length = length
	return s.takeWaiters(func(w *Waiter) bool { return w.Offset < s.length })
}

// Seal returns every parked read of a segment that was sealed: none of them
// can ever be served with data.
func (s *Segment) Seal() []*Waiter {
	return s.takeWaiters(func(*Waiter) bool { return true })
}

// Truncate drops the cached runs that end at or before offset.
func (s *Segment) Truncate(offset int64) {
	s.dropWhile(func(b block) bool { return b.end() <= offset })
}

// Evict drops the cached runs for which covered reports true (their bytes
// are safely in long-term storage) and returns the bytes freed.
func (s *Segment) Evict(covered func(offset, end int64) bool) int64 {
	before := s.held
	s.dropWhere(func(b block) bool { return covered(b.offset, b.end()) })
	return before - s.held
}

func (s *Segment) dropWhile(drop func(block) bool) {
	i := 0
	for i < len(s.blocks) && drop(s.blocks[i]) {
		s.held -= int64(len(s.blocks[i].data))
		i++
	}
	if i > 0 {
		s.blocks = append(s.blocks[:0:0], s.blocks[i:]...)
	}
}

func (s *Segment) dropWhere(drop func(block) bool) {
	kept := s.blocks[:0]
	for _, b := range s.blocks {
		if drop(b) {
			s.held -= int64(len(b.data))
		} else {
			kept = append(kept, b)
		}
	}
	clear(s.blocks[len(kept):])
	s.blocks = kept
}

// find returns the index of the first block that ends after offset.
func (s *Segment) find(offset int64) int {
	return sort.Search(len(s.blocks), func(i int) bool { return s.blocks[i].end() > offset })
}

// Cached reports whether the byte at offset is in the cache.
func (s *Segment) Cached(offset int64) bool {
	i := s.find(offset)
	return i < len(s.blocks) && s.blocks[i].offset <= offset
}

// NextCached returns the offset of the first cached byte at or after
// offset, or Length if there is none.
func (s *Segment) NextCached(offset int64) int64 {
	i := s.find(offset)
	if i == len(s.blocks) {
		return s.length
	}
	return max(s.blocks[i].offset, offset)
}

// CachedEnd returns the end of the run of contiguous cached bytes that
// holds offset, or offset if the byte at offset is not cached.
func (s *Segment) CachedEnd(offset int64) int64 {
	end := offset
	for i := s.find(offset); i < len(s.blocks) && s.blocks[i].offset <= end; i++ {
		end = s.blocks[i].end()
	}
	return end
}

// Read returns up to max contiguous cached bytes starting at offset as
// sub-slices of the stored blocks, in order, and their total length. It
// returns nothing if the byte at offset is not cached.
func (s *Segment) Read(offset int64, max int, dst [][]byte) ([][]byte, int) {
	n := 0
	for i := s.find(offset); i < len(s.blocks) && n < max; i++ {
		b := s.blocks[i]
		at := offset + int64(n)
		if b.offset > at {
			break // a gap
		}
		part := b.data[at-b.offset:]
		if len(part) > max-n {
			part = part[:max-n]
		}
		dst = append(dst, part)
		n += len(part)
	}
	return dst, n
}

// Blocks calls fn for every cached run, in offset order, with the run's
// offset; used to move a merged source's bytes into its target.
func (s *Segment) Blocks(fn func(offset int64, data []byte)) {
	for _, b := range s.blocks {
		fn(b.offset, b.data)
	}
}

// Park registers a read at offset that waits for data or a seal. The caller
// has checked that offset == Length and the segment is not sealed.
func (s *Segment) Park(w *Waiter) {
	w.parked = true
	s.waiters = append(s.waiters, w)
}

// Cancel removes a parked read; it reports whether the read was still parked
// (and so will not be returned by Append, Seal or Close).
func (s *Segment) Cancel(w *Waiter) bool {
	for i, x := range s.waiters {
		if x == w {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			w.parked = false
			return true
		}
	}
	return false
}

// Close returns every parked read, for a segment that is being deleted.
func (s *Segment) Close() []*Waiter {
	return s.takeWaiters(func(*Waiter) bool { return true })
}

func (s *Segment) takeWaiters(ready func(*Waiter) bool) []*Waiter {
	if len(s.waiters) == 0 {
		return nil
	}
	var out []*Waiter
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if ready(w) {
			w.parked = false
			out = append(out, w)
		} else {
			kept = append(kept, w)
		}
	}
	for i := len(kept); i < len(s.waiters); i++ {
		s.waiters[i] = nil
	}
	s.waiters = kept
	return out
}

// Waiter is a read parked at the tail of a segment.
type Waiter struct {
	Offset int64
	Max    int
	// Done is called by the container once the read can be answered.
	Done   func(Result)
	parked bool
}

// Result is the answer to a read.
type Result struct {
	Offset       int64
	Data         []byte // owned by the receiver
	AtTail       bool   // the read stopped at the current end of an open segment
	EndOfSegment bool   // the read reached the end of a sealed segment
	Sealed       bool   // a parked read whose segment got sealed before data arrived
	Deleted      bool   // the segment was deleted while the read waited
	Truncated    bool   // offset is below the start; StartOffset says where data begins
	StartOffset  int64
}
