package client

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// A minimal CBOR (RFC 8949) codec for the reader-group state the Rust
// client keeps in a table segment. It writes what serde_cbor 0.11 writes
// with its default serializer (serde_cbor::to_vec): definite lengths,
// shortest integer heads, structs as maps keyed by field name, newtype
// enum variants as one-entry maps {"Variant": value}, unit variants as the
// variant name, None as null, and Vec<u8> as an array of small integers
// (not a byte string: serde serialises Vec<u8> as a sequence). It reads
// the same items plus byte strings; tags are skipped, floats and
// indefinite lengths are rejected (the state never holds them).

// cborKind is the kind of a decoded item.
type cborKind uint8

const (
	cborInt cborKind = iota
	cborBytes
	cborText
	cborArray
	cborMap
	cborNull
	cborBool
)

// cborValue is a decoded CBOR item. Maps keep their entries in order;
// their keys can be any item (Rust maps keyed by structs).
type cborValue struct {
	kind  cborKind
	i     int64 // cborInt (values up to 2^63-1; larger uints saturate, see u)
	u     uint64
	neg   bool
	b     bool
	s     string // cborText
	bytes []byte
	items []cborValue // cborArray
	keys  []cborValue // cborMap
	vals  []cborValue // cborMap
}

var errCBOR = errors.New("malformed CBOR")

func cborHead(b []byte, major byte, n uint64) []byte {
	major <<= 5
	switch {
	case n < 24:
		return append(b, major|byte(n))
	case n <= math.MaxUint8:
		return append(b, major|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, major|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, major|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major|27), n)
}

func cborAppendInt(b []byte, v int64) []byte {
	if v < 0 {
		return cborHead(b, 1, uint64(-1-v))
	}
	return cborHead(b, 0, uint64(v))
}

func cborAppendUint(b []byte, v uint64) []byte { return cborHead(b, 0, v) }

func cborAppendText(b []byte, s string) []byte {
	return append(cborHead(b, 3, uint64(len(s))), s...)
}

func cborAppendNull(b []byte) []byte { return append(b, 0xf6) }

func cborAppendArrayHead(b []byte, n int) []byte { return cborHead(b, 4, uint64(n)) }

func cborAppendMapHead(b []byte, n int) []byte { return cborHead(b, 5, uint64(n)) }

// cborAppendByteSeq writes a Vec<u8> the serde way: an array of integers.
func cborAppendByteSeq(b []byte, data []byte) []byte {
	b = cborAppendArrayHead(b, len(data))
	for _, c := range data {
		b = cborHead(b, 0, uint64(c))
	}
	return b
}

// cborDecode decodes exactly one item filling all of data.
func cborDecode(data []byte) (cborValue, error) {
	d := cborDecoder{buf: data}
	v, err := d.item(0)
	if err != nil {
		return cborValue{}, err
	}
	if d.pos != len(data) {
		return cborValue{}, fmt.Errorf("%w: %d trailing bytes", errCBOR, len(data)-d.pos)
	}
	return v, nil
}

type cborDecoder struct {
	buf []byte
	pos int
}

func (d *cborDecoder) head() (major byte, info byte, n uint64, err error) {
	if d.pos >= len(d.buf) {
		return 0, 0, 0, fmt.Errorf("%w: truncated", errCBOR)
	}
	c := d.buf[d.pos]
	d.pos++
	major, info = c>>5, c&0x1f
	size := 0
	switch {
	case info < 24:
		return major, info, uint64(info), nil
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	default:
		return 0, 0, 0, fmt.Errorf("%w: unsupported additional info %d", errCBOR, info)
	}
	if len(d.buf)-d.pos < size {
		return 0, 0, 0, fmt.Errorf("%w: truncated", errCBOR)
	}
	for _, c := range d.buf[d.pos : d.pos+size] {
		n = n<<8 | uint64(c)
	}
	d.pos += size
	return major, info, n, nil
}

func (d *cborDecoder) item(depth int) (cborValue, error) {
	if depth > 32 {
		return cborValue{}, fmt.Errorf("%w: nested too deeply", errCBOR)
	}
	major, info, n, err := d.head()
	if err != nil {
		return cborValue{}, err
	}
	switch major {
	case 0:
		return cborValue{kind: cborInt, u: n, i: int64(min(n, math.MaxInt64))}, nil
	case 1:
		if n > math.MaxInt64 {
			return cborValue{}, fmt.Errorf("%w: negative integer out of range", errCBOR)
		}
		return cborValue{kind: cborInt, i: -1 - int64(n), neg: true}, nil
	case 2, 3:
		if uint64(len(d.buf)-d.pos) < n {
			return cborValue{}, fmt.Errorf("%w: truncated string", errCBOR)
		}
		s := d.buf[d.pos : d.pos+int(n)]
		d.pos += int(n)
		if major == 2 {
			return cborValue{kind: cborBytes, bytes: s}, nil
		}
		return cborValue{kind: cborText, s: string(s)}, nil
	case 4:
		if n > uint64(len(d.buf)) {
			return cborValue{}, fmt.Errorf("%w: array too long", errCBOR)
		}
		v := cborValue{kind: cborArray, items: make([]cborValue, 0, n)}
		for range n {
			it, err := d.item(depth + 1)
			if err != nil {
				return cborValue{}, err
			}
			v.items = append(v.items, it)
		}
		return v, nil
	case 5:
		if n > uint64(len(d.buf)) {
			return cborValue{}, fmt.Errorf("%w: map too long", errCBOR)
		}
		v := cborValue{kind: cborMap}
		for range n {
			k, err := d.item(depth + 1)
			if err != nil {
				return cborValue{}, err
			}
			val, err := d.item(depth + 1)
			if err != nil {
				return cborValue{}, err
			}
			v.keys, v.vals = append(v.keys, k), append(v.vals, val)
		}
		return v, nil
	case 6: // tag: skip it
		return d.item(depth + 1)
	}
	switch info {
	case 20, 21:
		return cborValue{kind: cborBool, b: info == 21}, nil
	case 22, 23:
		return cborValue{kind: cborNull}, nil
	}
	return cborValue{}, fmt.Errorf("%w: unsupported simple value or float (%d)", errCBOR, info)
}

// field returns the value of a map entry keyed by the text name.
func (v cborValue) field(name string) (cborValue, bool) {
	for i, k := range v.keys {
		if k.kind == cborText && k.s == name {
			return v.vals[i], true
		}
	}
	return cborValue{}, false
}

func (v cborValue) text() (string, error) {
	if v.kind != cborText {
		return "", fmt.Errorf("%w: want text, have kind %d", errCBOR, v.kind)
	}
	return v.s, nil
}

func (v cborValue) int() (int64, error) {
	if v.kind != cborInt {
		return 0, fmt.Errorf("%w: want integer, have kind %d", errCBOR, v.kind)
	}
	return v.i, nil
}

// byteSeq reads a Vec<u8>: an array of integers 0..255 (or a byte string).
func (v cborValue) byteSeq() ([]byte, error) {
	switch v.kind {
	case cborBytes:
		return v.bytes, nil
	case cborArray:
		out := make([]byte, len(v.items))
		for i, it := range v.items {
			if it.kind != cborInt || it.neg || it.u > 255 {
				return nil, fmt.Errorf("%w: byte sequence holds a non-byte", errCBOR)
			}
			out[i] = byte(it.u)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: want a byte sequence, have kind %d", errCBOR, v.kind)
}

// structField returns a struct's field, which must be present.
func (v cborValue) structField(name string) (cborValue, error) {
	if v.kind != cborMap {
		return cborValue{}, fmt.Errorf("%w: want a struct (map), have kind %d", errCBOR, v.kind)
	}
	f, ok := v.field(name)
	if !ok {
		return cborValue{}, fmt.Errorf("%w: missing field %q", errCBOR, name)
	}
	return f, nil
}
