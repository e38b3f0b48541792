package lts

import (
	"fmt"
	"strconv"
	"strings"
)

// Names of the layout described in doc.go. They are pure functions of the
// segment name, offsets and container epochs, so the storage writer, the
// read path and offline readers agree on them.
const (
	// SegmentsDir is the top-level directory of segment data.
	SegmentsDir = "segments"
	// chunkMarker starts the last component of every chunk and metadata
	// name; escaped segment components never start with it.
	chunkMarker = "@"
	metaStem    = "meta."
	indexLeaf   = "index"
	numWidth    = 20
)

// EscapeSegment maps a segment name to the "/"-separated path its objects
// live under: every component keeps ASCII letters, digits and ". _ - #",
// and every other byte becomes %XX. Components that would be empty, "." or
// ".." or start with ReservedPrefix escape their dots ("%2E") or, if empty,
// become "%". The result is a valid name prefix and never has a component
// starting with "@".
func EscapeSegment(segment string) string {
	comps := strings.Split(segment, "/")
	for i, c := range comps {
		comps[i] = escapeComponent(c)
	}
	return strings.Join(comps, "/")
}

func escapeComponent(c string) string {
	if c == "" {
		return "%"
	}
	escapeDot := c == "." || c == ".." || strings.HasPrefix(c, ReservedPrefix)
	var b strings.Builder
	for i := 0; i < len(c); i++ {
		ch := c[i]
		keep := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			ch == '_' || ch == '-' || ch == '#' || ch == '.' && !escapeDot
		if keep {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// UnescapeSegment inverts EscapeSegment.
func UnescapeSegment(path string) (string, error) {
	comps := strings.Split(path, "/")
	for i, c := range comps {
		if c == "%" {
			comps[i] = ""
			continue
		}
		var b strings.Builder
		for j := 0; j < len(c); j++ {
			if c[j] != '%' {
				b.WriteByte(c[j])
				continue
			}
			if j+2 >= len(c) {
				return "", fmt.Errorf("unescape segment path %q: truncated escape", path)
			}
			v, err := strconv.ParseUint(c[j+1:j+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("unescape segment path %q: bad escape %q", path, c[j:j+3])
			}
			b.WriteByte(byte(v))
			j += 2
		}
		comps[i] = b.String()
	}
	return strings.Join(comps, "/"), nil
}

// SegmentPrefix is the List prefix that yields exactly the chunk and
// metadata objects of segment (none of its transactions' or of segments
// whose names extend it).
func SegmentPrefix(segment string) string {
	return SegmentsDir + "/" + EscapeSegment(segment) + "/" + chunkMarker
}

// ChunkName names the chunk of segment that starts at offset, written by
// the container owner of the given epoch.
func ChunkName(segment string, offset int64, epoch uint64) string {
	return fmt.Sprintf("%s%0*d.%0*d", SegmentPrefix(segment), numWidth, offset, numWidth, epoch)
}

// MetaName names segment's metadata object written in the given epoch.
func MetaName(segment string, epoch uint64) string {
	return fmt.Sprintf("%s%s%0*d", SegmentPrefix(segment), metaStem, numWidth, epoch)
}

// IndexName names the index snapshot of table segment (one object per
// segment, replaced by each new snapshot; see the tables package).
func IndexName(segment string) string {
	return SegmentPrefix(segment) + indexLeaf
}

// ObjectKind says what a name of this layout is.
type ObjectKind int

// The kinds of ParseName.
const (
	KindChunk ObjectKind = iota + 1
	KindMeta
	KindIndex
)

// ParsedName is a name of this layout, taken apart by ParseName.
type ParsedName struct {
	Kind    ObjectKind
	Segment string
	Offset  int64 // chunks only
	Epoch   uint64
}

// ParseName takes apart a name made by ChunkName, MetaName or IndexName.
func ParseName(name string) (ParsedName, error) {
	bad := func(why string) (ParsedName, error) {
		return ParsedName{}, fmt.Errorf("parse layout name %q: %s", name, why)
	}
	rest, ok := strings.CutPrefix(name, SegmentsDir+"/")
	i := strings.LastIndex(rest, "/"+chunkMarker)
	if !ok || i < 0 {
		return bad("not under " + SegmentsDir + "/ or no @ component")
	}
	segment, err := UnescapeSegment(rest[:i])
	if err != nil {
		return ParsedName{}, err
	}
	leaf := rest[i+2:]
	if leaf == indexLeaf {
		return ParsedName{Kind: KindIndex, Segment: segment}, nil
	}
	if e, ok := strings.CutPrefix(leaf, metaStem); ok {
		epoch, err := parseNum(e)
		if err != nil {
			return bad("epoch: " + err.Error())
		}
		return ParsedName{Kind: KindMeta, Segment: segment, Epoch: epoch}, nil
	}
	o, e, ok := strings.Cut(leaf, ".")
	if !ok {
		return bad("chunk name without epoch")
	}
	offset, err := parseNum(o)
	if err != nil || offset > 1<<63-1 {
		return bad("offset")
	}
	epoch, err := parseNum(e)
	if err != nil {
		return bad("epoch")
	}
	return ParsedName{Kind: KindChunk, Segment: segment, Offset: int64(offset), Epoch: epoch}, nil
}

func parseNum(s string) (uint64, error) {
	if len(s) != numWidth {
		return 0, fmt.Errorf("%q is not %d digits", s, numWidth)
	}
	return strconv.ParseUint(s, 10, 64)
}
