package container

import (
	"encoding/binary"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// snapshotVersion is the version byte of a checkpoint's snapshot.
const snapshotVersion = 1

// encodeSnapshotLocked serialises the accepted view of every segment (the
// state after every record admitted so far) into a checkpoint payload.
func (c *Container) encodeSnapshotLocked(b []byte) []byte {
	b = append(b, snapshotVersion)
	b = binary.BigEndian.AppendUint64(b, c.mu.nextID)
	b = binary.BigEndian.AppendUint32(b, uint32(len(c.mu.segments)))
	for _, s := range c.mu.segments {
		v := &s.accepted
		b = binary.BigEndian.AppendUint64(b, s.id)
		b = append(b, byte(s.kind))
		b = binary.BigEndian.AppendUint16(b, uint16(len(s.name)))
		b = append(b, s.name...)
		b = binary.BigEndian.AppendUint64(b, uint64(v.length))
		b = binary.BigEndian.AppendUint64(b, uint64(v.start))
		sealed := byte(0)
		if v.sealed {
			sealed = 1
		}
		b = append(b, sealed)
		b = binary.BigEndian.AppendUint64(b, uint64(s.modified))
		attrs := make([]attr, 0, len(v.attrs))
		for id, val := range v.attrs {
			attrs = append(attrs, attr{id: id, value: val})
		}
		b = appendAttrs(b, attrs)
		b = binary.BigEndian.AppendUint32(b, uint32(len(v.extents)))
		for _, e := range v.extents {
			b = binary.BigEndian.AppendUint64(b, uint64(e.offset))
			b = binary.BigEndian.AppendUint64(b, uint64(e.length))
			b = binary.BigEndian.AppendUint16(b, uint16(len(e.chunk)))
			b = append(b, e.chunk...)
		}
	}
	return b
}

// loadSnapshotLocked replaces the container's state with a checkpoint's.
// Recovery calls it only for a checkpoint that is the first record replayed:
// everything before it was truncated from the journal, and every byte of
// every segment below its length is in long-term storage.
func (c *Container) loadSnapshotLocked(p []byte) error {
	d := decoder{p: p}
	if v := d.u8(); v != snapshotVersion {
		return fmt.Errorf("%w: checkpoint version %d", errCorruptJournalData, v)
	}
	c.mu.nextID = d.u64()
	n := int(d.u32())
	for range n {
		if d.bad {
			break
		}
		s := &segment{id: d.u64(), kind: Kind(d.u8()), created: true}
		s.name = string(d.bytes(int(d.u16())))
		var v view
		v.length = int64(d.u64())
		v.start = int64(d.u64())
		v.sealed = d.u8() == 1
		s.modified = int64(d.u64())
		v.setAttrs(d.attrs())
		ne := int(d.u32())
		for range ne {
			if d.bad {
				break
			}
			e := extent{offset: int64(d.u64()), length: int64(d.u64())}
			e.chunk = string(d.bytes(int(d.u16())))
			v.extents = append(v.extents, e)
		}
		s.accepted = v
		s.durable = v
		s.durable.attrs = make(map[AttributeID]int64, len(v.attrs))
		for id, val := range v.attrs {
			s.durable.attrs[id] = val
		}
		s.durable.extents = append(extents(nil), v.extents...)
		s.index = readindex.New(v.length)
		c.mu.segments[s.name] = s
		c.mu.durable[s.name] = s
		c.mu.byID[s.id] = s
	}
	if d.bad {
		return fmt.Errorf("%w: checkpoint truncated", errCorruptJournalData)
	}
	return nil
}
