package client

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// Segment identifies one segment of a stream. ID packs the epoch in which
// the segment was created (high 32 bits) and its number (low 32 bits).
type Segment struct {
	Scope  string
	Stream string
	ID     int64
}

// Number is the segment number, unique within the stream.
func (s Segment) Number() int32 { return naming.NumberOf(s.ID) }

// Epoch is the epoch in which the segment was created.
func (s Segment) Epoch() int32 { return naming.EpochOf(s.ID) }

// Name is the qualified segment name the segment store knows it by,
// "<scope>/<stream>/<number>.#epoch.<epoch>".
func (s Segment) Name() string { return naming.QualifiedName(s.Scope, s.Stream, s.ID) }

// String is Name.
func (s Segment) String() string { return s.Name() }

// KeyRange is a part [Low, High) of the routing key space [0, 1).
type KeyRange struct {
	Low, High float64
}

// SegmentRange is a segment with the key range it owns.
type SegmentRange struct {
	Segment
	KeyRange
}

// Successor is a segment that replaced a sealed one, with the ids of all
// segments it replaced (a reader may start it only after finishing them all).
type Successor struct {
	Range        SegmentRange
	Predecessors []int64
}

func rangeOf(sr *pb.SegmentRange) SegmentRange {
	id := sr.GetSegmentId()
	return SegmentRange{
		Segment:  Segment{Scope: id.GetStreamInfo().GetScope(), Stream: id.GetStreamInfo().GetStream(), ID: id.GetSegmentId()},
		KeyRange: KeyRange{Low: sr.GetMinKey(), High: sr.GetMaxKey()},
	}
}

// StreamCut is a position in a stream: an offset in each of a set of
// segments that together cover the key space. An empty Positions map means
// "unbounded": the head or the tail, depending on where it is used.
type StreamCut struct {
	Scope     string
	Stream    string
	Positions map[int64]int64 // segment id → offset
}

// Unbounded reports whether the cut has no positions.
func (c StreamCut) Unbounded() bool { return len(c.Positions) == 0 }

// SegmentOffset is one segment of a stream cut.
type SegmentOffset struct {
	Segment Segment
	Offset  int64
}

// Segments lists the cut's segments in id order.
func (c StreamCut) Segments() []SegmentOffset {
	ids := slices.Sorted(maps.Keys(c.Positions))
	out := make([]SegmentOffset, len(ids))
	for i, id := range ids {
		out[i] = SegmentOffset{Segment: Segment{Scope: c.Scope, Stream: c.Stream, ID: id}, Offset: c.Positions[id]}
	}
	return out
}

// String renders the cut as "scope/stream{number.#epoch.e:offset ...}".
func (c StreamCut) String() string {
	b := []byte(c.Scope + "/" + c.Stream + "{")
	for i, so := range c.Segments() {
		if i > 0 {
			b = append(b, ' ')
		}
		b = fmt.Appendf(b, "%d.#epoch.%d:%d", so.Segment.Number(), so.Segment.Epoch(), so.Offset)
	}
	return string(append(b, '}'))
}

func (c StreamCut) proto() *pb.StreamCut {
	return &pb.StreamCut{StreamInfo: streamInfo(c.Scope, c.Stream), Cut: c.Positions}
}

func joinHostPort(host string, port int32) string {
	return net.JoinHostPort(host, strconv.Itoa(int(port)))
}
