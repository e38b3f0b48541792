package tables

import (
	"encoding/binary"
	"fmt"
)

// Record kinds (low 7 bits of a record's first byte). Part of the on-disk
// format (doc.go); never renumber them.
const (
	kindPut    byte = 1
	kindRemove byte = 2

	// flagMore marks a record that is followed by another record of the same
	// update batch.
	flagMore byte = 0x80
)

// headerSize is the fixed part of every record: kind u8, key length u16,
// value length u32.
const headerSize = 7

// Limits of the wire protocol (fact sheet §4.9).
const (
	MaxKeyLength   = 8192
	MaxValueLength = 1<<20 - 8192
)

// record is one decoded entry record. key and value alias the buffer it was
// decoded from.
type record struct {
	remove bool
	more   bool
	key    []byte
	value  []byte
}

// recordSize is the encoded size of a record with these lengths.
func recordSize(klen, vlen int) int { return headerSize + klen + vlen }

// appendRecord appends the encoding of one record to b.
func appendRecord(b []byte, remove, more bool, key, value []byte) []byte {
	kind := kindPut
	if remove {
		kind = kindRemove
		value = nil
	}
	if more {
		kind |= flagMore
	}
	b = append(b, kind)
	b = binary.BigEndian.AppendUint16(b, uint16(len(key)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(value)))
	b = append(b, key...)
	return append(b, value...)
}

// decodeRecord decodes the record at the start of b. It returns the record's
// encoded size, or need > 0 (the size needed) when b holds only part of it.
func decodeRecord(b []byte) (r record, size int, need int, err error) {
	if len(b) < headerSize {
		return record{}, 0, headerSize, nil
	}
	kind := b[0] &^ flagMore
	klen := int(binary.BigEndian.Uint16(b[1:3]))
	vlen := int(binary.BigEndian.Uint32(b[3:7]))
	switch {
	case kind != kindPut && kind != kindRemove:
		return record{}, 0, 0, fmt.Errorf("%w: unknown record kind %#x", errCorrupt, b[0])
	case klen == 0 || klen > MaxKeyLength:
		return record{}, 0, 0, fmt.Errorf("%w: key length %d", errCorrupt, klen)
	case vlen > MaxValueLength || (kind == kindRemove && vlen != 0):
		return record{}, 0, 0, fmt.Errorf("%w: value length %d", errCorrupt, vlen)
	}
	size = recordSize(klen, vlen)
	if len(b) < size {
		return record{}, 0, size, nil
	}
	r = record{
		remove: kind == kindRemove,
		more:   b[0]&flagMore != 0,
		key:    b[headerSize : headerSize+klen : headerSize+klen],
		value:  b[headerSize+klen : size : size],
	}
	return r, size, 0, nil
}
