package watermark

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Segment is a segment id with its key range [Low, High) (Pravega's
// SegmentWithRange). It is comparable, so it keys a stream cut.
type Segment struct {
	ID   int64
	Low  float64
	High float64
}

// overlaps reports whether the key ranges share a key.
func (s Segment) overlaps(o Segment) bool { return o.Low < s.High && o.High > s.Low }

// valid applies the Java builder's checks.
func (s Segment) valid() bool { return s.ID >= 0 && s.Low >= 0 && s.High <= 1 && s.Low < s.High }

// Watermark is one record of a mark stream: writers had noted times in
// [Lower, Upper] at positions at or below Cut.
type Watermark struct {
	Lower int64
	Upper int64
	Cut   map[Segment]int64
}

// ErrMalformed is wrapped by every Unmarshal error.
var ErrMalformed = errors.New("watermark: malformed record")

// Serializer header bytes (see doc.go).
const (
	formatVersion  = 0
	objectVersion  = 0
	revisionCount  = 1
	revisionZero   = 0
	segmentContent = 24 // i64 id, f64 low, f64 high
	maxCompactInt  = 1<<30 - 1
)

// entries returns the cut sorted by segment id (then range).
func (w Watermark) entries() []Segment {
	segs := make([]Segment, 0, len(w.Cut))
	for s := range w.Cut {
		segs = append(segs, s)
	}
	slices.SortFunc(segs, func(a, b Segment) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Low, b.Low), cmp.Compare(a.High, b.High))
	})
	return segs
}

// Marshal serializes w as Pravega's Watermark serializer (version 0,
// revision 0) does, with the cut entries in segment id order. It panics if
// the cut has 2^30 entries or more, which the Java format cannot hold.
func Marshal(w Watermark) []byte {
	n := len(w.Cut)
	if n > maxCompactInt {
		panic(fmt.Sprintf("watermark: %d cut entries", n))
	}
	b := make([]byte, 0, 8+16+4+n*(8+segmentContent+8+8))
	b = header(b)
	lenAt := len(b) - 4
	b = binary.BigEndian.AppendUint64(b, uint64(w.Lower))
	b = binary.BigEndian.AppendUint64(b, uint64(w.Upper))
	b = appendCompactInt(b, n)
	for _, s := range w.entries() {
		b = header(b)
		b = binary.BigEndian.AppendUint32(b[:len(b)-4], segmentContent)
		b = binary.BigEndian.AppendUint64(b, uint64(s.ID))
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(s.Low))
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(s.High))
		b = binary.BigEndian.AppendUint64(b, uint64(w.Cut[s]))
	}
	binary.BigEndian.PutUint32(b[lenAt:], uint32(len(b)-lenAt-4))
	return b
}

// header appends the serializer header of one object with one revision and
// a zero length placeholder.
func header(b []byte) []byte {
	return append(b, formatVersion, objectVersion, revisionCount, revisionZero, 0, 0, 0, 0)
}

func appendCompactInt(b []byte, v int) []byte {
	switch {
	case v < 1<<7:
		return append(b, byte(v))
	case v < 1<<14:
		return binary.BigEndian.AppendUint16(b, uint16(v)|0x8000)
	default:
		return binary.BigEndian.AppendUint32(b, uint32(v)|0xC0000000)
	}
}

// Unmarshal parses a serialized Watermark. Errors wrap ErrMalformed.
func Unmarshal(data []byte) (Watermark, error) {
	d := decoder{b: data}
	var w Watermark
	found := d.object("watermark", func(r *decoder) {
		w.Lower = r.i64("lowerTimeBound")
		w.Upper = r.i64("upperTimeBound")
		n := r.compactInt("stream cut size")
		if r.err != nil {
			return
		}
		// Each entry takes at least 40 bytes; do not trust n for the size.
		w.Cut = make(map[Segment]int64, min(n, len(r.b)/40))
		for i := 0; i < n && r.err == nil; i++ {
			var s Segment
			ok := r.object("segment", func(sr *decoder) {
				s.ID = sr.i64("segmentId")
				s.Low = math.Float64frombits(uint64(sr.i64("rangeLow")))
				s.High = math.Float64frombits(uint64(sr.i64("rangeHigh")))
			})
			off := r.i64("offset")
			switch {
			case r.err != nil:
			case !ok:
				r.fail("segment %d has no revision 0", i)
			case !s.valid():
				r.fail("segment %d: id %d range [%v, %v)", i, s.ID, s.Low, s.High)
			default:
				if _, dup := w.Cut[s]; dup {
					r.fail("segment %d: duplicate %d", i, s.ID)
				}
				w.Cut[s] = off
			}
		}
	})
	switch {
	case d.err != nil:
		return Watermark{}, d.err
	case !found:
		return Watermark{}, fmt.Errorf("%w: no revision 0", ErrMalformed)
	case len(d.b) != 0:
		return Watermark{}, fmt.Errorf("%w: %d bytes after the watermark", ErrMalformed, len(d.b))
	case w.Upper < w.Lower:
		return Watermark{}, fmt.Errorf("%w: upper time bound %d below lower %d", ErrMalformed, w.Upper, w.Lower)
	}
	return w, nil
}

// decoder reads big-endian fields; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.fail("%s: need %d bytes, have %d", what, n, len(d.b))
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u8(what string) byte {
	if v := d.take(1, what); v != nil {
		return v[0]
	}
	return 0
}

func (d *decoder) i32(what string) int32 {
	if v := d.take(4, what); v != nil {
		return int32(binary.BigEndian.Uint32(v))
	}
	return 0
}

func (d *decoder) i64(what string) int64 {
	if v := d.take(8, what); v != nil {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

func (d *decoder) compactInt(what string) int {
	b1 := int(d.u8(what))
	switch {
	case b1>>7 == 0:
		return b1
	case b1>>6 == 2:
		return (b1&0x3F)<<8 | int(d.u8(what))
	default:
		v := d.take(3, what)
		if v == nil {
			return 0
		}
		return (b1&0x3F)<<24 | int(v[0])<<16 | int(v[1])<<8 | int(v[2])
	}
}

// object reads one versioned object: the header, then each revision as a
// length-bounded sub-decoder. read gets revision 0's content; other
// revisions and unread content are skipped. It reports whether revision 0
// was there.
func (d *decoder) object(what string, read func(r *decoder)) bool {
	if f := d.u8(what + " format version"); d.err == nil && f != formatVersion {
		d.fail("%s: format version %d", what, f)
	}
	if v := d.u8(what + " version"); d.err == nil && v != objectVersion {
		d.fail("%s: version %d", what, v)
	}
	count := int8(d.u8(what + " revision count"))
	if d.err == nil && count < 0 {
		d.fail("%s: revision count %d", what, count)
	}
	found := false
	for i := 0; i < int(count) && d.err == nil; i++ {
		rev := d.u8(what + " revision")
		n := d.i32(what + " revision length")
		content := d.take(int(n), what+" revision content")
		if d.err != nil {
			break
		}
		if i != 0 {
			continue // a later revision this version does not know
		}
		if rev != revisionZero {
			d.fail("%s: first revision is %d", what, rev)
			break
		}
		r := decoder{b: content}
		read(&r)
		if r.err != nil {
			d.err = r.err
			break
		}
		found = true
	}
	return found
}
