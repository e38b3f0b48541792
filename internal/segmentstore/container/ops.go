package container

import (
	"encoding/binary"
	"fmt"
)

// opKind identifies a journaled container operation. The values are part of
// the on-disk format (see doc.go); never renumber them.
type opKind uint8

const (
	opCreate   opKind = 1
	opAppend   opKind = 2
	opAttrs    opKind = 3
	opSeal     opKind = 4
	opTruncate opKind = 5
	opDelete   opKind = 6
	opMerge    opKind = 7
	// opStorage records that a range of a segment was written to long-term
	// storage as one chunk.
	opStorage opKind = 8
	// opCheckpoint carries a snapshot of every segment's metadata; recovery
	// starts from it once the journal before it is truncated.
	opCheckpoint opKind = 9
)

// op is the decoded form of a journal record. Fields not used by a kind are
// zero. data aliases the record it was decoded from.
type op struct {
	kind     opKind
	time     int64 // wall clock, Unix milliseconds, when the operation was accepted
	seg      uint64
	source   uint64 // merge: the source segment
	offset   int64  // append: where data lands; truncate: new start; merge: where the source lands
	length   int64  // merge: bytes moved
	segKind  Kind
	name     string
	attrs    []attr
	data     []byte
	sealedAt int64  // seal: the final length
	chunk    string // storage: the chunk holding [offset, offset+length)
}

// encode appends the journal record of o to b.
func (o *op) encode(b []byte) []byte {
	return append(o.encodeHead(b), o.data...)
}

// encodeHead appends the journal record of o without its data (the bytes of
// an append), which always come last.
func (o *op) encodeHead(b []byte) []byte {
	b = append(b, byte(o.kind))
	b = binary.BigEndian.AppendUint64(b, uint64(o.time))
	b = binary.BigEndian.AppendUint64(b, o.seg)
	switch o.kind {
	case opCreate:
		b = append(b, byte(o.segKind))
		b = binary.BigEndian.AppendUint16(b, uint16(len(o.name)))
		b = append(b, o.name...)
		b = appendAttrs(b, o.attrs)
	case opAppend:
		b = binary.BigEndian.AppendUint64(b, uint64(o.offset))
		b = appendAttrs(b, o.attrs)
	case opAttrs:
		b = appendAttrs(b, o.attrs)
	case opSeal:
		b = binary.BigEndian.AppendUint64(b, uint64(o.sealedAt))
	case opTruncate:
		b = binary.BigEndian.AppendUint64(b, uint64(o.offset))
	case opDelete:
	case opMerge:
		b = binary.BigEndian.AppendUint64(b, o.source)
		b = binary.BigEndian.AppendUint64(b, uint64(o.offset))
		b = binary.BigEndian.AppendUint64(b, uint64(o.length))
		b = appendAttrs(b, o.attrs)
	case opStorage:
		b = binary.BigEndian.AppendUint64(b, uint64(o.offset))
		b = binary.BigEndian.AppendUint64(b, uint64(o.length))
		b = binary.BigEndian.AppendUint16(b, uint16(len(o.chunk)))
		b = append(b, o.chunk...)
	case opCheckpoint:
		// the snapshot is the data
	}
	return b
}

func appendAttrs(b []byte, attrs []attr) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(attrs)))
	for _, a := range attrs {
		b = append(b, a.id[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(a.value))
	}
	return b
}

// decodeOp parses a journal record. The returned op aliases p.
func decodeOp(p []byte) (op, error) {
	d := decoder{p: p}
	var o op
	o.kind = opKind(d.u8())
	o.time = int64(d.u64())
	o.seg = d.u64()
	switch o.kind {
	case opCreate:
		o.segKind = Kind(d.u8())
		o.name = string(d.bytes(int(d.u16())))
		o.attrs = d.attrs()
	case opAppend:
		o.offset = int64(d.u64())
		o.attrs = d.attrs()
		o.data = d.rest()
	case opAttrs:
		o.attrs = d.attrs()
	case opSeal:
		o.sealedAt = int64(d.u64())
	case opTruncate:
		o.offset = int64(d.u64())
	case opDelete:
	case opMerge:
		o.source = d.u64()
		o.offset = int64(d.u64())
		o.length = int64(d.u64())
		o.attrs = d.attrs()
	case opStorage:
		o.offset = int64(d.u64())
		o.length = int64(d.u64())
		o.chunk = string(d.bytes(int(d.u16())))
	case opCheckpoint:
		o.data = d.rest()
	default:
		return op{}, fmt.Errorf("%w: unknown kind %d", errCorruptJournalData, o.kind)
	}
	if d.bad {
		return op{}, fmt.Errorf("%w: kind %d truncated", errCorruptJournalData, o.kind)
	}
	return o, nil
}

// decoder reads big-endian fields and remembers whether it ran out of bytes.
type decoder struct {
	p   []byte
	bad bool
}

func (d *decoder) bytes(n int) []byte {
	if n < 0 || len(d.p) < n {
		d.bad = true
		d.p = nil
		return nil
	}
	b := d.p[:n]
	d.p = d.p[n:]
	return b
}

func (d *decoder) u8() uint8 {
	if b := d.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if b := d.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) rest() []byte {
	b := d.p
	d.p = nil
	return b
}

func (d *decoder) attrs() []attr {
	n := int(d.u16())
	if n == 0 || d.bad {
		return nil
	}
	if len(d.p) < n*24 {
		d.bad = true
		return nil
	}
	out := make([]attr, n)
	for i := range out {
		copy(out[i].id[:], d.bytes(16))
		out[i].value = int64(d.u64())
	}
	return out
}
