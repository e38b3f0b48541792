package naming

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Delimiters that appear inside segment names.
const (
	// EpochDelimiter separates a segment number from its creation epoch.
	EpochDelimiter = ".#epoch."
	// TransactionDelimiter precedes the 32 hex digits of a transaction id.
	TransactionDelimiter = "#transaction."
	// TransientDelimiter precedes the writer id and random id of a transient segment.
	TransientDelimiter = "#transient."
)

// ErrBadSegmentName is returned (wrapped) when a segment name does not have
// the expected shape.
var ErrBadSegmentName = errors.New("malformed segment name")

// StreamSegment identifies one segment of a stream (or of a key-value table,
// whose backing stream is named "<kvt>_kvtable").
type StreamSegment struct {
	Scope  string // empty when parsed from the scope-less "<stream>/<n>" form
	Stream string
	Number int32
	Epoch  int32 // creation epoch
}

// ID returns the segment's 64-bit id.
func (s StreamSegment) ID() int64 {
	return SegmentID(s.Epoch, s.Number)
}

// Name returns the qualified segment name "<scope>/<stream>/<n>.#epoch.<e>".
// The epoch suffix is always written, also for epoch 0. A segment without a
// scope is written as "<stream>/<n>.#epoch.<e>".
func (s StreamSegment) Name() string {
	n := len(s.Scope) + len(s.Stream) + len(EpochDelimiter) + 24
	b := make([]byte, 0, n)
	if s.Scope != "" {
		b = append(b, s.Scope...)
		b = append(b, '/')
	}
	b = append(b, s.Stream...)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(s.Number), 10)
	b = append(b, EpochDelimiter...)
	b = strconv.AppendInt(b, int64(s.Epoch), 10)
	return string(b)
}

// String is Name.
func (s StreamSegment) String() string { return s.Name() }

// QualifiedName returns "<scope>/<stream>/<number>.#epoch.<epoch>" for a
// segment id.
func QualifiedName(scope, stream string, id int64) string {
	return StreamSegment{Scope: scope, Stream: stream, Number: NumberOf(id), Epoch: EpochOf(id)}.Name()
}

// ParseQualifiedName parses a stream segment name. It accepts
// "<scope>/<stream>/<n>.#epoch.<e>", "<scope>/<stream>/<n>" (epoch 0),
// and the scope-less forms "<stream>/<n>.#epoch.<e>" and "<stream>/<n>".
// A transaction or transient suffix is stripped first, so the parent segment
// of such a name is returned. Numbers must be plain non-negative decimals that
// fit an int32 (Java's parser is more lenient, e.g. it takes "+1").
func ParseQualifiedName(name string) (StreamSegment, error) {
	base := ParentName(name)
	var seg StreamSegment
	parts := strings.Split(base, "/")
	var last string
	switch len(parts) {
	case 2:
		seg.Stream, last = parts[0], parts[1]
	case 3:
		seg.Scope, seg.Stream, last = parts[0], parts[1], parts[2]
		if seg.Scope == "" {
			return StreamSegment{}, fmt.Errorf("%w: %q: empty scope", ErrBadSegmentName, name)
		}
	default:
		return StreamSegment{}, fmt.Errorf("%w: %q: want <scope>/<stream>/<number>", ErrBadSegmentName, name)
	}
	if seg.Stream == "" {
		return StreamSegment{}, fmt.Errorf("%w: %q: empty stream", ErrBadSegmentName, name)
	}
	numText, epochText, hasEpoch := strings.Cut(last, EpochDelimiter)
	num, ok := parseNonNegInt32(numText)
	if !ok {
		return StreamSegment{}, fmt.Errorf("%w: %q: bad segment number", ErrBadSegmentName, name)
	}
	seg.Number = num
	if hasEpoch {
		ep, ok := parseNonNegInt32(epochText)
		if !ok {
			return StreamSegment{}, fmt.Errorf("%w: %q: bad epoch", ErrBadSegmentName, name)
		}
		seg.Epoch = ep
	}
	return seg, nil
}

// parseNonNegInt32 accepts 1 to 10 decimal digits whose value fits an int32.
func parseNonNegInt32(s string) (int32, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if v > 1<<31-1 {
		return 0, false
	}
	return int32(v), true
}
