package tables

import (
	"encoding/binary"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// scanChunk is how much of a table's log one container read fetches while
// scanning it.
const scanChunk = 4 << 20

// readAt reads exactly n bytes at off, which the caller knows to be durable.
func readAt(ctr *container.Container, name string, off int64, n int) ([]byte, error) {
	var out []byte
	for len(out) < n {
		pos := off + int64(len(out))
		r, err := wait(func(done func(readindex.Result, error)) { ctr.Read(name, pos, n-len(out), done) })
		switch {
		case err != nil:
			return nil, err
		case r.Truncated:
			return nil, &container.TruncatedError{Segment: name, StartOffset: r.StartOffset, Offset: pos}
		case r.Deleted:
			return nil, fmt.Errorf("%w: %q", container.ErrNoSuchSegment, name)
		case len(r.Data) == 0:
			return nil, fmt.Errorf("%w: read of %d bytes at %d of %q returned nothing", errCorrupt, n, off, name)
		}
		if out == nil && len(r.Data) == n {
			return r.Data, nil
		}
		out = append(out, r.Data...)
	}
	return out, nil
}

// readRecord reads the record at l.
func readRecord(ctr *container.Container, name string, l loc, keyOnly bool) (record, error) {
	n := l.size()
	if keyOnly {
		n = headerSize + int(l.klen)
	}
	b, err := readAt(ctr, name, l.off, n)
	if err != nil {
		return record{}, err
	}
	if keyOnly {
		if len(b) < headerSize || int(binary.BigEndian.Uint16(b[1:3])) != int(l.klen) {
			return record{}, fmt.Errorf("%w: record at %d of %q does not match the index", errCorrupt, l.off, name)
		}
		return record{key: b[headerSize:n:n]}, nil
	}
	r, size, _, err := decodeRecord(b)
	if err != nil {
		return record{}, err
	}
	if size != n || r.remove {
		return record{}, fmt.Errorf("%w: record at %d of %q does not match the index", errCorrupt, l.off, name)
	}
	return r, nil
}

// scan reads the records in [from, to) and calls fn with each one's offset
// and size;
// fn's record aliases a chunk buffer that is never reused. Returning
// false stops the scan after that record.
func scan(ctr *container.Container, name string, from, to int64, fn func(off int64, size int, r record) bool) error {
	pos := from
	for pos < to {
		n := int(min(int64(scanChunk), to-pos))
		buf, err := readAt(ctr, name, pos, n)
		if err != nil {
			return err
		}
		consumed := 0
		for consumed < len(buf) {
			r, size, need, err := decodeRecord(buf[consumed:])
			if err != nil {
				return fmt.Errorf("offset %d: %w", pos+int64(consumed), err)
			}
			if need > 0 {
				if pos+int64(consumed)+int64(need) > to {
					return fmt.Errorf("%w: record at %d runs past the end (%d)", errCorrupt, pos+int64(consumed), to)
				}
				if consumed == 0 { // a record larger than the chunk
					big, err := readAt(ctr, name, pos, need)
					if err != nil {
						return err
					}
					r, size, _, err = decodeRecord(big)
					if err != nil {
						return err
					}
					if !fn(pos, size, r) {
						return nil
					}
					consumed = size
				}
				break
			}
			if !fn(pos+int64(consumed), size, r) {
				return nil
			}
			consumed += size
		}
		pos += int64(consumed)
	}
	return nil
}
