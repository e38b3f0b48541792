package container

import "fmt"

// AppendRequest is one append of a writer to a segment: a block of whole
// events (or raw bytes for byte streams) with the writer's event number.
type AppendRequest struct {
	Segment string
	Writer  AttributeID
	// EventNumber is the writer's number of the last event in Data.
	EventNumber int64
	// ExpectedPrevious is the writer's last event number as this connection
	// knows it. If the segment holds a different value and EventNumber is new,
	// another connection wrote for this writer: ErrWriterConflict.
	ExpectedPrevious int64
	EventCount       int32
	// ExpectedOffset makes the append conditional on the segment's length;
	// negative means unconditional.
	ExpectedOffset int64
	// Data is kept by the container; the caller must not modify it.
	Data []byte
}

// AppendResult is the outcome of a successful append.
type AppendResult struct {
	// Duplicate is true when EventNumber was already stored: nothing was
	// appended, and the acknowledgement waited for the original to be durable.
	Duplicate bool
	// Length is the segment's length after the append.
	Length int64
}

// Append admits an append and calls done once it is durable (or failed).
// done runs on the container's goroutine and must not block.
func (c *Container) Append(r AppendRequest, done func(AppendResult, error)) {
	var after completion
	c.mu.Lock()
	err := c.appendLocked(&r, done, &after)
	c.mu.Unlock()
	if err != nil {
		done(AppendResult{}, err)
	}
	after.run()
}

func (c *Container) appendLocked(r *AppendRequest, done func(AppendResult, error), after *completion) error {
	if err := c.checkLocked(); err != nil {
		return err
	}
	c.waitForRoomLocked()
	if err := c.checkLocked(); err != nil {
		return err
	}
	s, err := c.lookupLocked(r.Segment)
	if err != nil {
		return err
	}
	last := s.accepted.attr(r.Writer)
	if r.EventNumber <= last && last != NullValue {
		// Already stored: acknowledge once the original is durable.
		res := AppendResult{Duplicate: true, Length: s.accepted.length}
		c.barrierLocked(after, func(cp *completion) {
			cp.then(func() { done(res, nil) })
		}, func(err error) { done(AppendResult{}, err) })
		return nil
	}
	if s.accepted.sealed {
		return fmt.Errorf("%w: %q", ErrSegmentSealed, r.Segment)
	}
	if last != r.ExpectedPrevious {
		return fmt.Errorf("%w: segment %q holds %d, connection expected %d", ErrWriterConflict, r.Segment, last, r.ExpectedPrevious)
	}
	if r.ExpectedOffset >= 0 && r.ExpectedOffset != s.accepted.length {
		return ErrConditionFailed
	}
	count := s.accepted.attr(AttrEventCount)
	if count == NullValue {
		count = 0
	}
	o := &op{
		kind:   opAppend,
		time:   c.nowMillis(),
		seg:    s.id,
		offset: s.accepted.length,
		attrs:  []attr{{id: r.Writer, value: r.EventNumber}, {id: AttrEventCount, value: count + int64(r.EventCount)}},
		data:   r.Data,
	}
	c.applyAccepted(o)
	length := s.accepted.length
	return c.journalLocked(o, func(cp *completion) {
		c.applyDurable(o, cp)
		cp.then(func() { done(AppendResult{Length: length}, nil) })
	}, func(err error) { done(AppendResult{}, err) })
}

// WriterPosition reports the last event number stored for writer on segment
// (NullValue if none) once every operation admitted before the call is
// durable, so that the value never runs ahead of what a crash would keep.
// done runs on the container's goroutine and must not block.
func (c *Container) WriterPosition(name string, writer AttributeID, done func(int64, error)) {
	var after completion
	c.mu.Lock()
	err := c.checkLocked()
	var s *segment
	if err == nil {
		s, err = c.lookupLocked(name)
	}
	if err == nil {
		v := s.accepted.attr(writer)
		c.barrierLocked(&after, func(cp *completion) {
			cp.then(func() { done(v, nil) })
		}, func(err error) { done(0, err) })
	}
	c.mu.Unlock()
	if err != nil {
		done(0, err)
	}
	after.run()
}
