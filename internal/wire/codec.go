package wire

import (
	"encoding/binary"
	"fmt"
)

// enc appends primitive fields to a byte slice. It is passed and returned by
// value so that encoding through it never allocates beyond growing b. err keeps
// the first failure (a string that is too long); encoding carries on with a
// truncated string so the output stays well-formed.
type enc struct {
	b   []byte
	err error
}

func (e enc) i8(v int8) enc { e.b = append(e.b, byte(v)); return e }

func (e enc) boolean(v bool) enc {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
	return e
}

func (e enc) i32(v int32) enc { e.b = binary.BigEndian.AppendUint32(e.b, uint32(v)); return e }

func (e enc) i64(v int64) enc { e.b = binary.BigEndian.AppendUint64(e.b, uint64(v)); return e }

func (e enc) uuid(u UUID) enc { e.b = append(e.b, u[:]...); return e }

// str writes a length-prefixed modified UTF-8 string.
func (e enc) str(s string) enc {
	if len(s) <= maxStringBytes && asciiNoNUL(s) {
		e.b = binary.BigEndian.AppendUint16(e.b, uint16(len(s)))
		e.b = append(e.b, s...)
		return e
	}
	n := modifiedLen(s)
	if n > maxStringBytes {
		if e.err == nil {
			e.err = fmt.Errorf("%w: %d bytes", ErrStringTooLong, n)
		}
		s, n = truncateModified(s, maxStringBytes)
	}
	e.b = binary.BigEndian.AppendUint16(e.b, uint16(n))
	e.b = appendModified(e.b, s)
	return e
}

// blob writes an i32 length and the bytes.
func (e enc) blob(p []byte) enc {
	e = e.i32(int32(len(p)))
	e.b = append(e.b, p...)
	return e
}

// raw writes bytes without a length.
func (e enc) raw(p []byte) enc { e.b = append(e.b, p...); return e }

// dec reads primitive fields from a payload. The first failure is kept in err;
// later reads then return zero values, so a decoder can read all its fields
// and check err once.
type dec struct {
	b   []byte
	off int
	err error
}

func (d *dec) remaining() int { return len(d.b) - d.off }

// take returns the next n bytes (aliasing the payload) or records an error.
func (d *dec) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > d.remaining() {
		d.err = malformed("%s: need %d bytes, %d remain", what, n, d.remaining())
		return nil
	}
	p := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return p
}

func (d *dec) i8(what string) int8 {
	if p := d.take(1, what); p != nil {
		return int8(p[0])
	}
	return 0
}

// boolean reads a bool; like Java, any non-zero byte is true.
func (d *dec) boolean(what string) bool {
	if p := d.take(1, what); p != nil {
		return p[0] != 0
	}
	return false
}

func (d *dec) i32(what string) int32 {
	if p := d.take(4, what); p != nil {
		return int32(binary.BigEndian.Uint32(p))
	}
	return 0
}

func (d *dec) i64(what string) int64 {
	if p := d.take(8, what); p != nil {
		return int64(binary.BigEndian.Uint64(p))
	}
	return 0
}

func (d *dec) uuid(what string) UUID {
	var u UUID
	if p := d.take(16, what); p != nil {
		copy(u[:], p)
	}
	return u
}

func (d *dec) str(what string) string {
	p := d.take(2, what)
	if p == nil {
		return ""
	}
	n := int(binary.BigEndian.Uint16(p))
	p = d.take(n, what)
	if p == nil || n == 0 {
		return ""
	}
	s, err := decodeString(p)
	if err != nil {
		d.err = fmt.Errorf("%s: %w", what, err)
		return ""
	}
	return s
}

// length reads an i32 length or count that must be >= 0 and, given that each
// element needs at least minSize bytes, fit in what remains. It is the guard
// that keeps decoders from allocating for lengths the payload cannot hold.
func (d *dec) length(what string, minSize int) int {
	n := d.i32(what)
	if d.err != nil {
		return 0
	}
	if n < 0 {
		d.err = malformed("%s: negative length %d", what, n)
		return 0
	}
	if minSize > 0 && int64(n)*int64(minSize) > int64(d.remaining()) {
		d.err = malformed("%s: %d elements cannot fit in %d bytes", what, n, d.remaining())
		return 0
	}
	return int(n)
}

// blob reads an i32 length and that many bytes; empty yields nil.
func (d *dec) blob(what string) []byte {
	n := d.length(what, 1)
	if n == 0 {
		return nil
	}
	return d.take(n, what)
}

// rest returns all remaining bytes; empty yields nil.
func (d *dec) rest() []byte {
	if d.err != nil || d.remaining() == 0 {
		return nil
	}
	return d.take(d.remaining(), "data")
}

// Optional trailing fields: read only when enough bytes remain, else default.

func (d *dec) optI64(what string, def int64) int64 {
	if d.err == nil && d.remaining() >= 8 {
		return d.i64(what)
	}
	return def
}

func (d *dec) optI32(what string, def int32) int32 {
	if d.err == nil && d.remaining() >= 4 {
		return d.i32(what)
	}
	return def
}

func (d *dec) optBool(what string) bool {
	if d.err == nil && d.remaining() >= 1 {
		return d.boolean(what)
	}
	return false
}

// optStr reads a trailing string when at least its 2-byte length remains.
func (d *dec) optStr(what string) string {
	if d.err == nil && d.remaining() >= 2 {
		return d.str(what)
	}
	return ""
}

// optBlob reads a trailing blob when at least its 4-byte length remains.
func (d *dec) optBlob(what string) []byte {
	if d.err == nil && d.remaining() >= 4 {
		return d.blob(what)
	}
	return nil
}
