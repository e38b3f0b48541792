package readindex

import "sort"

// block is one inserted run of bytes starting at offset.
type block struct {
	offset int64
	data   []byte
}

// Segment is the in-memory read index of one segment: the bytes between its
// start offset (truncation point) and its length, and the reads parked at the
// tail.
type Segment struct {
	start   int64 // first readable offset
	length  int64 // one past the last byte inserted
	blocks  []block
	held    int64 // bytes referenced by blocks (including bytes below start in a straddling block)
	sealed  bool
	waiters []*Waiter
}

// New returns an empty index for a segment whose bytes begin at start.
func New(start int64) *Segment {
	return &Segment{start: start, length: start}
}

// Length is one past the last readable byte.
func (s *Segment) Length() int64 { return s.length }

// Start is the first readable offset.
func (s *Segment) Start() int64 { return s.start }

// Held is the number of bytes of memory the index references.
func (s *Segment) Held() int64 { return s.held }

// Sealed reports whether Seal was called.
func (s *Segment) Sealed() bool { return s.sealed }

// Append inserts data at the current length. The index keeps data; the caller
// must not modify it afterwards. It returns the parked reads that can now be
// served; the caller completes them with Fill.
func (s *Segment) Append(data []byte) []*Waiter {
	if len(data) == 0 {
		return nil
	}
	s.blocks = append(s.blocks, block{offset: s.length, data: data})
	s.length += int64(len(data))
	s.held += int64(len(data))
	return s.takeWaiters(func(w *Waiter) bool { return w.Offset < s.length })
}

// Seal marks the end of the segment and returns every parked read: none of
// them can ever be served with data.
func (s *Segment) Seal() []*Waiter {
	s.sealed = true
	return s.takeWaiters(func(*Waiter) bool { return true })
}

// Truncate drops the bytes before offset. offset must be within [Start, Length].
func (s *Segment) Truncate(offset int64) {
	if offset <= s.start {
		return
	}
	s.start = offset
	i := 0
	for i < len(s.blocks) && s.blocks[i].offset+int64(len(s.blocks[i].data)) <= offset {
		s.held -= int64(len(s.blocks[i].data))
		i++
	}
	s.blocks = append(s.blocks[:0:0], s.blocks[i:]...)
}

// Read returns up to max bytes starting at offset as sub-slices of the stored
// blocks, in order, and their total length. It returns nothing when offset is
// at or beyond the length; the caller checks bounds against Start and Length
// first.
func (s *Segment) Read(offset int64, max int, dst [][]byte) ([][]byte, int) {
	if offset < s.start || offset >= s.length || max <= 0 {
		return dst, 0
	}
	i := sort.Search(len(s.blocks), func(i int) bool {
		return s.blocks[i].offset+int64(len(s.blocks[i].data)) > offset
	})
	n := 0
	for ; i < len(s.blocks) && n < max; i++ {
		b := s.blocks[i]
		from := int(offset + int64(n) - b.offset)
		part := b.data[from:]
		if len(part) > max-n {
			part = part[:max-n]
		}
		dst = append(dst, part)
		n += len(part)
	}
	return dst, n
}

// Blocks calls fn for every stored run of bytes at or above Start, in offset
// order; used to move a merged source's bytes into its target.
func (s *Segment) Blocks(fn func(data []byte)) {
	for _, b := range s.blocks {
		d := b.data
		if b.offset < s.start {
			d = d[s.start-b.offset:]
		}
		fn(d)
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
