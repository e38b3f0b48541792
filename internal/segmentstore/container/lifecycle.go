package container

import (
	"fmt"
)

// submit runs validate under the lock; validate returns the operation to
// journal and the callback to run once it is durable, or an error. A nil op
// with a nil error means "nothing to journal": result runs after the
// operations before it are durable.
func (c *Container) submit(validate func() (*op, func(), error), fail func(error)) {
	var after completion
	c.mu.Lock()
	err := c.checkLocked()
	if err == nil {
		var o *op
		var result func()
		o, result, err = validate()
		switch {
		case err != nil:
		case o == nil:
			c.barrierLocked(&after, func(cp *completion) { cp.then(result) }, fail)
		default:
			c.applyAccepted(o)
			err = c.journalLocked(o, func(cp *completion) {
				c.applyDurable(o, cp)
				cp.then(result)
			}, fail)
		}
	}
	c.mu.Unlock()
	if err != nil {
		fail(err)
	}
	after.run()
}

// Create creates a segment with initial attributes. done runs once the
// creation is durable.
func (c *Container) Create(name string, kind Kind, attrs []AttributeUpdate, done func(error)) {
	c.submit(func() (*op, func(), error) {
		if name == "" {
			return nil, nil, fmt.Errorf("%w: empty segment name", ErrInvalidArgument)
		}
		if len(name) > 0xFFFF {
			return nil, nil, fmt.Errorf("%w: segment name longer than 65535 bytes", ErrInvalidArgument)
		}
		if _, exists := c.mu.segments[name]; exists {
			return nil, nil, fmt.Errorf("%w: %q", ErrSegmentExists, name)
		}
		now := c.nowMillis()
		resolved, err := resolve(func(AttributeID) int64 { return NullValue }, attrs)
		if err != nil {
			return nil, nil, err
		}
		resolved = append(resolved, attr{id: AttrCreationTime, value: now}, attr{id: AttrSegmentType, value: int64(kind)})
		id := c.mu.nextID
		c.mu.nextID++
		o := &op{kind: opCreate, time: now, seg: id, segKind: kind, name: name, attrs: resolved}
		return o, func() { done(nil) }, nil
	}, done)
}

// Seal makes a segment read-only and calls done with its final length.
func (c *Container) Seal(name string, done func(length int64, err error)) {
	c.submit(func() (*op, func(), error) {
		s, err := c.lookupLocked(name)
		if err != nil {
			return nil, nil, err
		}
		if s.accepted.sealed {
			return nil, nil, fmt.Errorf("%w: %q", ErrSegmentSealed, name)
		}
		length := s.accepted.length
		o := &op{kind: opSeal, time: c.nowMillis(), seg: s.id, sealedAt: length}
		return o, func() { done(length, nil) }, nil
	}, func(err error) { done(0, err) })
}

// Truncate makes every byte before offset unreadable.
func (c *Container) Truncate(name string, offset int64, done func(error)) {
	c.submit(func() (*op, func(), error) {
		s, err := c.lookupLocked(name)
		if err != nil {
			return nil, nil, err
		}
		if offset < s.accepted.start || offset > s.accepted.length {
			return nil, nil, &TruncatedError{Segment: name, StartOffset: s.accepted.start, Offset: offset}
		}
		if offset == s.accepted.start {
			return nil, func() { done(nil) }, nil
		}
		o := &op{kind: opTruncate, time: c.nowMillis(), seg: s.id, offset: offset}
		return o, func() { done(nil) }, nil
	}, done)
}

// Delete removes a segment and its data.
func (c *Container) Delete(name string, done func(error)) {
	c.submit(func() (*op, func(), error) {
		s, err := c.lookupLocked(name)
		if err != nil {
			return nil, nil, err
		}
		o := &op{kind: opDelete, time: c.nowMillis(), seg: s.id}
		return o, func() { done(nil) }, nil
	}, done)
}

// Merge seals source, appends all its bytes to the end of target atomically,
// applies the conditional attribute updates to target and deletes source.
// done receives target's length after the merge. Merging a source that was
// merged into the same target recently succeeds again (a retried merge).
func (c *Container) Merge(target, source string, updates []AttributeUpdate, done func(length int64, err error)) {
	c.submit(func() (*op, func(), error) {
		t, err := c.lookupLocked(target)
		if err != nil {
			return nil, nil, err
		}
		src, ok := c.mu.segments[source]
		if !ok {
			if m, was := c.mu.merged[source]; was && m.target == target {
				length := t.accepted.length
				return nil, func() { done(length, nil) }, nil
			}
			return nil, nil, fmt.Errorf("%w: %q", ErrNoSuchSegment, source)
		}
		if src == t {
			return nil, nil, fmt.Errorf("%w: cannot merge %q into itself", ErrInvalidArgument, source)
		}
		if t.accepted.sealed {
			return nil, nil, fmt.Errorf("%w: %q", ErrSegmentSealed, target)
		}
		if src.accepted.start != 0 {
			return nil, nil, fmt.Errorf("%w: source %q is truncated", ErrInvalidArgument, source)
		}
		resolved, err := resolve(t.accepted.attr, updates)
		if err != nil {
			return nil, nil, err
		}
		events := src.accepted.attr(AttrEventCount)
		if src.kind == KindTransient {
			events = 1
		}
		if events > 0 {
			count := t.accepted.attr(AttrEventCount)
			if count == NullValue {
				count = 0
			}
			resolved = append(resolved, attr{id: AttrEventCount, value: count + events})
		}
		o := &op{kind: opMerge, time: c.nowMillis(), seg: t.id, source: src.id,
			offset: t.accepted.length, length: src.accepted.length, attrs: resolved}
		length := t.accepted.length + src.accepted.length
		return o, func() { done(length, nil) }, nil
	}, func(err error) { done(0, err) })
}

// UpdateAttributes applies attribute updates atomically; a failed condition
// fails all of them with ErrAttributeConflict.
func (c *Container) UpdateAttributes(name string, updates []AttributeUpdate, done func(error)) {
	c.submit(func() (*op, func(), error) {
		s, err := c.lookupLocked(name)
		if err != nil {
			return nil, nil, err
		}
		if s.accepted.sealed {
			return nil, nil, fmt.Errorf("%w: %q", ErrSegmentSealed, name)
		}
		resolved, err := resolve(s.accepted.attr, updates)
		if err != nil {
			return nil, nil, err
		}
		if len(resolved) == 0 {
			return nil, func() { done(nil) }, nil
		}
		o := &op{kind: opAttrs, time: c.nowMillis(), seg: s.id, attrs: resolved}
		return o, func() { done(nil) }, nil
	}, done)
}

// Attribute returns a durable attribute value, NullValue if unset.
func (c *Container) Attribute(name string, id AttributeID) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.durableLocked(name)
	if err != nil {
		return 0, err
	}
	return s.durable.attr(id), nil
}

// Info describes a segment as of its last durable operation.
func (c *Container) Info(name string) (Info, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.durableLocked(name)
	if err != nil {
		return Info{}, err
	}
	return Info{
		Name:         s.name,
		Kind:         s.kind,
		Length:       s.durable.length,
		StartOffset:  s.durable.start,
		Sealed:       s.durable.sealed,
		LastModified: s.modified,
	}, nil
}
