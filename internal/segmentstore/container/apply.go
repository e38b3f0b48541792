package container

import (
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// applyAccepted applies the effects of o to the accepted view. The live path
// calls it when admitting o into the journal, recovery for every replayed
// record.
func (c *Container) applyAccepted(o *op) {
	switch o.kind {
	case opCreate:
		s := &segment{id: o.seg, name: o.name, kind: o.segKind, index: readindex.New(0)}
		s.accepted.setAttrs(o.attrs)
		c.mu.segments[o.name] = s
		c.mu.byID[o.seg] = s
		if o.seg >= c.mu.nextID {
			c.mu.nextID = o.seg + 1
		}
		return
	}
	s := c.mu.byID[o.seg]
	if s == nil {
		return
	}
	switch o.kind {
	case opAppend:
		s.accepted.length = o.offset + int64(len(o.data))
		s.accepted.setAttrs(o.attrs)
	case opAttrs:
		s.accepted.setAttrs(o.attrs)
	case opSeal:
		s.accepted.sealed = true
	case opTruncate:
		s.accepted.start = o.offset
		s.accepted.extents, _ = s.accepted.extents.dropBelow(o.offset)
	case opDelete:
		delete(c.mu.segments, s.name)
	case opMerge:
		s.accepted.length = o.offset + o.length
		s.accepted.setAttrs(o.attrs)
		if src := c.mu.byID[o.source]; src != nil {
			src.accepted.sealed = true
			for _, e := range src.accepted.extents.shifted(o.offset) {
				s.accepted.extents = s.accepted.extents.insert(e)
			}
			delete(c.mu.segments, src.name)
			c.rememberMergeLocked(src.name, s.name)
		}
	case opStorage:
		s.accepted.extents = s.accepted.extents.insert(extent{offset: o.offset, length: o.length, chunk: o.chunk})
	}
}

// applyDurable applies the effects of a durable o to the durable view and the
// read index. Parked reads that can now be answered are added to done; during
// recovery done is nil and there are none.
func (c *Container) applyDurable(o *op, done *completion) {
	s := c.mu.byID[o.seg]
	if s == nil {
		return
	}
	s.modified = o.time
	switch o.kind {
	case opCreate:
		s.created = true
		s.durable.setAttrs(o.attrs)
		c.mu.durable[s.name] = s
	case opAppend:
		events := s.durable.attr(AttrEventCount)
		s.durable.length = o.offset + int64(len(o.data))
		s.durable.setAttrs(o.attrs)
		c.mu.unflushed += int64(len(o.data))
		if done != nil { // not replayed by recovery
			c.stats.appends.Add(1)
			c.stats.appendedBytes.Add(uint64(len(o.data)))
			s.load.events += uint64(s.durable.attr(AttrEventCount) - max(events, 0))
			s.load.bytes += uint64(len(o.data))
		}
		c.serveLocked(s, s.index.Append(o.data), done)
	case opAttrs:
		s.durable.setAttrs(o.attrs)
	case opSeal:
		s.durable.sealed = true
		s.needMeta(metaNow)
		c.serveLocked(s, s.index.Seal(), done)
	case opTruncate:
		s.durable.start = o.offset
		s.index.Truncate(o.offset)
		var dropped []string
		s.durable.extents, dropped = s.durable.extents.dropBelow(o.offset)
		c.mu.garbage = append(c.mu.garbage, dropped...)
		s.needMeta(metaNow)
	case opDelete:
		c.mu.garbage = append(c.mu.garbage, lts.MetaName(s.name, s.id))
		c.mu.garbage = append(c.mu.garbage, s.durable.extents.chunks()...)
		c.dropLocked(s, done)
	case opMerge:
		var ready []*readindex.Waiter
		if src := c.mu.byID[o.source]; src != nil {
			for _, e := range src.durable.extents.shifted(o.offset) {
				s.durable.extents = s.durable.extents.insert(e)
			}
			src.index.Blocks(func(off int64, b []byte) {
				ready = append(ready, s.index.AppendAt(o.offset+off, b)...)
			})
			c.mu.garbage = append(c.mu.garbage, lts.MetaName(src.name, src.id))
			c.dropLocked(src, done) // its chunks now belong to the target
		}
		s.needMeta(metaNow)
		ready = append(ready, s.index.Grow(o.offset+o.length)...)
		s.durable.length = o.offset + o.length
		s.durable.setAttrs(o.attrs)
		c.serveLocked(s, ready, done)
	case opStorage:
		s.durable.extents = s.durable.extents.insert(extent{offset: o.offset, length: o.length, chunk: o.chunk})
		s.needMeta(metaLater)
		c.mu.unflushed -= o.length
		if c.mu.waiting > 0 {
			c.mu.space.Broadcast()
		}
	}
}

// dropLocked forgets a durably deleted segment and answers its parked reads.
// Its chunks are not collected here: a deletion's caller adds them to the
// garbage, a merge hands them to the target.
func (c *Container) dropLocked(s *segment, done *completion) {
	s.deleted = true
	if c.mu.durable[s.name] == s {
		delete(c.mu.durable, s.name)
	}
	delete(c.mu.byID, s.id)
	for _, w := range s.index.Close() {
		w := w
		if done != nil {
			done.then(func() { w.Done(readindex.Result{Offset: w.Offset, Deleted: true}) })
		}
	}
}

// rememberMergeLocked records that source was merged into target so that a
// retried merge can be answered; the memory is bounded.
func (c *Container) rememberMergeLocked(source, target string) {
	const keep = 4096
	if len(c.mu.merged) >= keep {
		for k := range c.mu.merged {
			delete(c.mu.merged, k)
			break
		}
	}
	c.mu.merged[source] = mergedInto{target: target}
}
