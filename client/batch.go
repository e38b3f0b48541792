package client

import (
	"context"
	"errors"
	"fmt"
	"io"

	pb "github.com/sluicestream/sluice/api/controller"
)

// Batch reads: the data between two stream cuts as a list of segment
// slices that can be read in any order or in parallel (the Java
// BatchClient's model). Events of one routing key are in order within the
// slices of their segment chain; across segments, a predecessor's slice
// holds the earlier events.

// SegmentSlice is the part [Start, End) of a segment.
type SegmentSlice struct {
	Segment Segment
	Start   int64
	End     int64
}

// SlicesBetween lists the segment slices between two cuts of one stream.
// An unbounded from means the stream's head, an unbounded to its end (the
// current length of each segment after from). Slices come in segment
// creation order, so predecessors come before their successors.
func (c *Client) SlicesBetween(ctx context.Context, from, to StreamCut) ([]SegmentSlice, error) {
	scope, stream := from.Scope, from.Stream
	if scope == "" {
		scope, stream = to.Scope, to.Stream
	}
	if from.Unbounded() {
		head, err := c.HeadCut(ctx, scope, stream)
		if err != nil {
			return nil, err
		}
		from = head
	}
	r, err := call(ctx, c.ctl, "getSegmentsBetween", ErrStreamNotFound, func(ctx context.Context) (*pb.StreamCutRangeResponse, error) {
		return c.ctl.rpc.GetSegmentsBetween(ctx, &pb.StreamCutRange{StreamInfo: streamInfo(scope, stream),
			From: from.Positions, To: to.Positions})
	})
	if err != nil {
		return nil, fmt.Errorf("segments of %s/%s between %v and %v: %w", scope, stream, from, to, err)
	}
	var out []SegmentSlice
	for _, id := range r.GetSegments() {
		seg := Segment{Scope: scope, Stream: stream, ID: id.GetSegmentId()}
		sl := SegmentSlice{Segment: seg, Start: from.Positions[seg.ID], End: -1}
		if off, ok := to.Positions[seg.ID]; ok && off >= 0 {
			sl.End = off
		} else {
			info, err := c.SegmentInfo(ctx, seg)
			if err != nil {
				return nil, err
			}
			sl.End = info.Length
			sl.Start = max(sl.Start, info.StartOffset)
		}
		if sl.Start < sl.End {
			out = append(out, sl)
		}
	}
	return out, nil
}

// ReadBetween calls fn for every event between two cuts, slice after
// slice (see SlicesBetween). It stops at the first error, fn's included.
func (c *Client) ReadBetween(ctx context.Context, from, to StreamCut, fn func(seg Segment, event []byte) error) error {
	slices, err := c.SlicesBetween(ctx, from, to)
	if err != nil {
		return err
	}
	for _, sl := range slices {
		r := c.NewSegmentReader(sl.Segment, sl.Start, sl.End)
		for {
			ev, err := r.ReadEvent(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if err := fn(sl.Segment, ev); err != nil {
				return err
			}
		}
	}
	return nil
}
