package container

import (
	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// Read answers a read of up to max bytes at offset. If offset is at the end
// of an open segment, the read parks until data arrives, the segment is sealed
// or deleted, or cancel is called. done is called exactly once unless cancel
// reports true; it may run on the caller's goroutine (immediate answers) or on
// the container's (parked reads) and must not block.
func (c *Container) Read(name string, offset int64, max int, done func(readindex.Result, error)) (cancel func() bool) {
	c.mu.Lock()
	s, err := c.durableLocked(name)
	if err == nil {
		err = c.checkLocked()
	}
	if err != nil {
		c.mu.Unlock()
		done(readindex.Result{}, err)
		return func() bool { return false }
	}
	if offset < s.durable.start {
		start := s.durable.start
		c.mu.Unlock()
		done(readindex.Result{Offset: offset, Truncated: true, StartOffset: start}, nil)
		return func() bool { return false }
	}
	if offset >= s.durable.length && !s.durable.sealed {
		w := &readindex.Waiter{Offset: offset, Max: max, Done: func(r readindex.Result) { done(r, nil) }}
		s.index.Park(w)
		c.mu.Unlock()
		return func() bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return s.index.Cancel(w)
		}
	}
	r := readLocked(s, offset, max)
	c.mu.Unlock()
	done(r, nil)
	return func() bool { return false }
}

// readLocked copies up to max bytes at offset out of the read index. The
// caller has checked offset >= start and that there is data or a seal.
func readLocked(s *segment, offset int64, max int) readindex.Result {
	r := readindex.Result{Offset: offset}
	if offset < s.durable.start {
		r.Truncated, r.StartOffset = true, s.durable.start
		return r
	}
	avail := s.durable.length - offset
	if avail < 0 {
		avail = 0
	}
	if int64(max) > avail {
		max = int(avail)
	}
	if max > 0 {
		var parts [8][]byte
		chunks, n := s.index.Read(offset, max, parts[:0])
		buf := make([]byte, 0, n)
		for _, p := range chunks {
			buf = append(buf, p...)
		}
		r.Data = buf
	}
	end := offset + int64(len(r.Data))
	if end >= s.durable.length {
		if s.durable.sealed {
			r.EndOfSegment = true
		} else {
			r.AtTail = true
		}
	}
	return r
}

// serveLocked answers parked reads released by the read index: with data if
// there is some at their offset, as sealed otherwise.
func (c *Container) serveLocked(s *segment, waiters []*readindex.Waiter, done *completion) {
	for _, w := range waiters {
		var r readindex.Result
		if w.Offset < s.index.Length() {
			r = readLocked(s, w.Offset, w.Max)
		} else {
			r = readindex.Result{Offset: w.Offset, Sealed: true}
		}
		if done != nil {
			w := w
			done.then(func() { w.Done(r) })
		}
	}
}
