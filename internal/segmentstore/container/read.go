package container

import (
	"errors"
	"fmt"
	"io"

	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// ErrDataUnavailable means bytes of a segment are neither cached nor in
// long-term storage, or long-term storage failed to return them.
var ErrDataUnavailable = errors.New("segment data unavailable")

// Read answers a read of up to max bytes at offset. If offset is at the end
// of an open segment, the read parks until data arrives, the segment is sealed
// or deleted, or cancel is called. done is called exactly once unless cancel
// reports true; it may run on the caller's goroutine (cached answers), on a
// long-term storage reader, or on the container's goroutine (parked reads),
// and must not block.
func (c *Container) Read(name string, offset int64, max int, done func(readindex.Result, error)) (cancel func() bool) {
	never := func() bool { return false }
	c.mu.Lock()
	s, err := c.durableLocked(name)
	if err == nil {
		err = c.checkLocked()
	}
	if err != nil {
		c.mu.Unlock()
		done(readindex.Result{}, err)
		return never
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
	r, fetch := c.readLocked(s, offset, max)
	var prefetch *ltsRead
	if fetch == nil {
		prefetch = c.prefetchLocked(s, offset+int64(len(r.Data)))
	}
	c.mu.Unlock()
	if fetch != nil {
		c.fetch(fetch, func(r readindex.Result, err error) { done(r, err) })
		return never
	}
	if prefetch != nil {
		c.startPrefetch(prefetch)
	}
	done(r, nil)
	return never
}

// ltsRead is a read that long-term storage must answer.
type ltsRead struct {
	result readindex.Result // filled in but for Data
	seg    *segment
	offset int64 // segment offset of the first byte
	chunk  string
	at     int64 // offset within the chunk
	size   int   // bytes answered
	fetch  int   // bytes fetched (size plus read-ahead)
	// keepFrom: cached bytes below it may be evicted once the fetched
	// ones are in (a sequential reader is past them).
	keepFrom int64
}

// readLocked answers a read from the cache, or describes the long-term
// storage read that answers it. The caller has checked that there is data or
// a seal at offset.
func (c *Container) readLocked(s *segment, offset int64, max int) (readindex.Result, *ltsRead) {
	r := readindex.Result{Offset: offset}
	v := &s.durable
	if offset < v.start {
		r.Truncated, r.StartOffset = true, v.start
		return r, nil
	}
	max = int(min(int64(max), max64(v.length-offset, 0)))
	var fetch *ltsRead
	if max > 0 {
		if s.index.Cached(offset) {
			var parts [8][]byte
			chunks, n := s.index.Read(offset, max, parts[:0])
			buf := make([]byte, 0, n)
			for _, p := range chunks {
				buf = append(buf, p...)
			}
			r.Data = buf
		} else {
			e, ok := v.extents.at(offset)
			if !ok {
				c.logger.Error("read of bytes neither cached nor in long-term storage", "container", c.id,
					"segment", s.name, "offset", offset)
				return r, &ltsRead{}
			}
			gap := min(e.end(), s.index.NextCached(offset)) - offset
			size := min(int64(max), gap)
			fetch = &ltsRead{seg: s, offset: offset, chunk: e.chunk, at: offset - e.offset, size: int(size),
				fetch: int(min(max64(int64(c.tiering.ReadAhead), size), gap)), keepFrom: offset}
			max = int(size)
		}
	}
	end := offset + int64(max)
	if end >= v.length {
		if v.sealed {
			r.EndOfSegment = true
		} else {
			r.AtTail = true
		}
	}
	if fetch != nil {
		fetch.result = r
	}
	return r, fetch
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// fetch reads from long-term storage on a goroutine of its own (bounded per
// container), so that a slow store does not hold up the connection.
func (c *Container) fetch(f *ltsRead, done func(readindex.Result, error)) {
	if f.chunk == "" || c.storage == nil {
		done(readindex.Result{}, ErrDataUnavailable)
		return
	}
	select {
	case c.ltsReads <- struct{}{}:
	case <-c.ctx.Done():
		done(readindex.Result{}, ErrContainerClosed)
		return
	}
	go func() {
		defer func() { <-c.ltsReads }()
		buf := make([]byte, max(f.fetch, f.size))
		n, err := c.storage.ReadAt(c.ctx, f.chunk, buf, f.at)
		if err != nil && (!errors.Is(err, io.EOF) || n < f.size) {
			done(readindex.Result{}, fmt.Errorf("%w: chunk %s at %d: %w", ErrDataUnavailable, f.chunk, f.at, err))
			return
		}
		c.stats.ltsReads.Add(1)
		c.stats.ltsReadBytes.Add(uint64(n))
		if n > f.size && f.seg != nil {
			c.cacheReadAhead(f.seg, f.offset, f.keepFrom, buf[:n])
		}
		r := f.result
		r.Data = buf[:f.size:f.size]
		done(r, nil)
	}()
}

// cacheReadAhead keeps bytes fetched from long-term storage in the cache so
// that the next sequential reads are served from memory. They are in LTS,
// so eviction may drop them again; it runs at once if the cache is over
// budget.
func (c *Container) cacheReadAhead(s *segment, offset, keepFrom int64, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	end := offset + int64(len(data))
	if s.deleted || offset < s.durable.start || s.index.Cached(offset) || s.index.NextCached(offset) < end ||
		!s.durable.extents.covers(offset, end) {
		return // the segment changed meanwhile
	}
	// A sequential reader is past what lies below keepFrom: drop that first.
	s.index.Evict(func(from, to int64) bool { return to <= keepFrom && s.durable.extents.covers(from, to) })
	s.index.Insert(offset, data)
	c.evictLocked()
}

// prefetchLocked returns the read-ahead to start for a sequential reader
// that has just been served up to end from the cache: when the cached run
// it reads ends within half a read-ahead of end, and the bytes after it
// are in long-term storage, the next ReadAhead bytes are fetched now, so
// the reader's next requests do not wait for storage. One per segment at
// a time.
func (c *Container) prefetchLocked(s *segment, end int64) *ltsRead {
	v := &s.durable
	if c.storage == nil || s.prefetching || end <= v.start || end >= v.length {
		return nil
	}
	runEnd := s.index.CachedEnd(end - 1)
	if runEnd >= v.length || runEnd-end > int64(c.tiering.ReadAhead/2) {
		return nil
	}
	e, ok := v.extents.at(runEnd)
	if !ok {
		return nil
	}
	gap := min(e.end(), s.index.NextCached(runEnd)) - runEnd
	s.prefetching = true
	return &ltsRead{seg: s, offset: runEnd, chunk: e.chunk, at: runEnd - e.offset,
		fetch: int(min(int64(c.tiering.ReadAhead), gap)), keepFrom: end}
}

// startPrefetch runs a read-ahead in the background if a long-term
// storage reader is free; it is skipped otherwise.
func (c *Container) startPrefetch(f *ltsRead) {
	release := func() {
		c.mu.Lock()
		f.seg.prefetching = false
		c.mu.Unlock()
	}
	select {
	case c.ltsReads <- struct{}{}:
	default:
		release()
		return
	}
	go func() {
		defer func() { <-c.ltsReads }()
		defer release()
		buf := make([]byte, f.fetch)
		n, err := c.storage.ReadAt(c.ctx, f.chunk, buf, f.at)
		if err != nil && (!errors.Is(err, io.EOF) || n == 0) {
			return // the reader will fetch what it needs itself
		}
		c.stats.ltsReads.Add(1)
		c.stats.ltsReadBytes.Add(uint64(n))
		c.cacheReadAhead(f.seg, f.offset, f.keepFrom, buf[:n])
	}()
}

// serveLocked answers parked reads released by the read index: with data if
// there is some at their offset, as sealed otherwise.
func (c *Container) serveLocked(s *segment, waiters []*readindex.Waiter, done *completion) {
	for _, w := range waiters {
		if done == nil {
			continue
		}
		w := w
		if w.Offset >= s.index.Length() {
			done.then(func() { w.Done(readindex.Result{Offset: w.Offset, Sealed: true}) })
			continue
		}
		r, fetch := c.readLocked(s, w.Offset, w.Max)
		if fetch != nil {
			done.then(func() {
				c.fetch(fetch, func(r readindex.Result, err error) {
					if err != nil {
						r = readindex.Result{Offset: w.Offset, Deleted: true}
					}
					w.Done(r)
				})
			})
			continue
		}
		done.then(func() { w.Done(r) })
	}
}
