package client

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/wire"
)

// The low-level reader API: stream cuts (head, tail), segment metadata,
// successors and segment readers. Applications coordinate readers their own
// way with it: read each segment of a cut to its end, then move to its
// successors once all their predecessors are done.

// SegmentInfo is a segment's metadata from the segment store.
type SegmentInfo struct {
	Segment      Segment
	StartOffset  int64 // first readable offset (after truncation)
	Length       int64 // the write offset
	Sealed       bool
	LastModified time.Time
}

// SegmentInfo asks the segment store for a segment's metadata.
func (c *Client) SegmentInfo(ctx context.Context, seg Segment) (SegmentInfo, error) {
	reply, err := c.segmentRequest(ctx, seg, func(id int64, tok string) wire.Command {
		return &wire.GetStreamSegmentInfo{RequestID: id, SegmentName: seg.Name(), Token: tok}
	})
	if err != nil {
		return SegmentInfo{}, fmt.Errorf("info of %s: %w", seg, err)
	}
	switch r := reply.(type) {
	case *wire.StreamSegmentInfo:
		if !r.Exists || r.IsDeleted {
			return SegmentInfo{}, fmt.Errorf("info of %s: %w", seg, ErrNoSuchSegment)
		}
		return SegmentInfo{Segment: seg, StartOffset: r.StartOffset, Length: r.WriteOffset, Sealed: r.IsSealed,
			LastModified: time.UnixMilli(r.LastModified)}, nil
	case *wire.NoSuchSegment:
		return SegmentInfo{}, fmt.Errorf("info of %s: %w", seg, ErrNoSuchSegment)
	}
	return SegmentInfo{}, fmt.Errorf("info of %s: %w: reply %v", seg, ErrProtocol, reply.Type())
}

// HeadCut returns the stream's head: its first segments at offset 0, or the
// cut it was last truncated at.
func (c *Client) HeadCut(ctx context.Context, scope, stream string) (StreamCut, error) {
	r, err := call(ctx, c.ctl, "getSegments", ErrStreamNotFound, func(ctx context.Context) (*pb.SegmentsAtTime, error) {
		return c.ctl.rpc.GetSegments(ctx, &pb.GetSegmentsRequest{StreamInfo: &pb.StreamInfo{Scope: scope, Stream: stream,
			AccessOperation: pb.StreamInfo_NONE}})
	})
	if err != nil {
		return StreamCut{}, fmt.Errorf("head of %s/%s: %w", scope, stream, err)
	}
	cut := StreamCut{Scope: scope, Stream: stream, Positions: make(map[int64]int64)}
	for _, loc := range r.GetSegments() {
		cut.Positions[loc.GetSegmentId().GetSegmentId()] = loc.GetOffset()
	}
	return cut, nil
}

// TailCut returns the stream's current tail: each active segment at its
// length. A sealed stream has no active segments; its tail is the
// unbounded cut, which every API here reads as "up to the end".
func (c *Client) TailCut(ctx context.Context, scope, stream string) (StreamCut, error) {
	segs, err := c.ctl.currentSegments(ctx, scope, stream)
	if err != nil {
		return StreamCut{}, fmt.Errorf("tail of %s/%s: %w", scope, stream, err)
	}
	cut := StreamCut{Scope: scope, Stream: stream, Positions: make(map[int64]int64, len(segs))}
	for _, sr := range segs {
		info, err := c.SegmentInfo(ctx, sr.Segment)
		if err != nil {
			return StreamCut{}, fmt.Errorf("tail of %s/%s: %w", scope, stream, err)
		}
		cut.Positions[sr.ID] = info.Length
	}
	return cut, nil
}

// Successors returns the segments that replaced seg when it was sealed by
// a scale, each with all of its predecessors. None means seg is still
// active or the stream was sealed.
func (c *Client) Successors(ctx context.Context, seg Segment) ([]Successor, error) {
	return c.ctl.successors(ctx, seg)
}

// readSize is how much a SegmentReader asks for at once (the Java reader's
// default buffer).
const readSize = 1 << 20

// SegmentReader reads one segment from an offset, as raw bytes (Read) or as
// events (ReadEvent). It is not safe for concurrent use.
type SegmentReader struct {
	c      *Client
	seg    Segment
	offset int64  // offset of buf[0]
	end    int64  // stop here; -1: read until the segment is sealed
	buf    []byte // fetched, not yet returned
	eos    bool   // the segment's end was reached
}

// NewSegmentReader returns a reader of seg from offset start to end; end <
// 0 reads until the end of a sealed segment, waiting at the tail of an open
// one for more data.
func (c *Client) NewSegmentReader(seg Segment, start, end int64) *SegmentReader {
	return &SegmentReader{c: c, seg: seg, offset: start, end: end}
}

// Segment is the segment being read.
func (r *SegmentReader) Segment() Segment { return r.seg }

// Offset is the offset of the next byte Read or ReadEvent returns; after
// ReadEvent it is the start of the next event.
func (r *SegmentReader) Offset() int64 { return r.offset }

// Read returns the next bytes of the segment (as much as one reply held),
// or io.EOF at the end. At the tail of an open segment it waits for data
// until ctx ends. ErrSegmentTruncated: the offset is no longer readable.
func (r *SegmentReader) Read(ctx context.Context) ([]byte, error) {
	for len(r.buf) == 0 {
		if err := r.fill(ctx); err != nil {
			return nil, err
		}
	}
	b := r.buf
	r.buf = nil
	r.offset += int64(len(b))
	return b, nil
}

// ReadEvent returns the next event, or io.EOF at the end. Events are the
// records the writers framed: an 8-byte header (type 0, length) and the
// payload, which is what ReadEvent returns.
func (r *SegmentReader) ReadEvent(ctx context.Context) ([]byte, error) {
	for {
		// A reply may end inside an event (Pravega's replies end anywhere,
		// Sluice's at its read size): scan only a complete record.
		if complete(r.buf) {
			s := wire.NewEventScanner(r.buf)
			if s.Scan() {
				ev := s.Event()
				r.buf = r.buf[s.Offset():]
				r.offset += int64(s.Offset())
				return ev, nil
			}
			if err := s.Err(); err != nil {
				return nil, fmt.Errorf("%w: event at %s:%d: %w", ErrProtocol, r.seg, r.offset, err)
			}
		}
		if err := r.fill(ctx); err != nil {
			if errors.Is(err, io.EOF) && len(r.buf) > 0 {
				return nil, fmt.Errorf("%w: %d bytes of a partial event at the end of %s", io.ErrUnexpectedEOF, len(r.buf), r.seg)
			}
			return nil, err
		}
	}
}

// complete reports whether buf starts with a whole event record (or with a
// header that is bad, which the scanner then reports).
func complete(buf []byte) bool {
	if len(buf) < wire.EventHeaderSize {
		return false
	}
	n := int64(int32(binary.BigEndian.Uint32(buf[4:])))
	bad := binary.BigEndian.Uint32(buf) != 0 || n < 0
	return bad || int64(len(buf)) >= int64(wire.EventHeaderSize)+n
}

// fill appends the next reply's data to buf; io.EOF at the end.
func (r *SegmentReader) fill(ctx context.Context) error {
	for {
		pos := r.offset + int64(len(r.buf))
		if r.eos || (r.end >= 0 && pos >= r.end) {
			return io.EOF
		}
		n := int64(readSize)
		if r.end >= 0 {
			n = min(n, r.end-pos)
		}
		reply, err := r.c.segmentRequest(ctx, r.seg, func(id int64, tok string) wire.Command {
			return &wire.ReadSegment{Segment: r.seg.Name(), Offset: pos, SuggestedLength: int32(n), Token: tok, RequestID: id}
		})
		if err != nil {
			return fmt.Errorf("read %s at %d: %w", r.seg, pos, err)
		}
		switch rep := reply.(type) {
		case *wire.SegmentRead:
			if rep.Offset != pos {
				return fmt.Errorf("%w: read %s at %d answered for %d", ErrProtocol, r.seg, pos, rep.Offset)
			}
			data := rep.Data
			if r.end >= 0 && int64(len(data)) > r.end-pos {
				data = data[:r.end-pos]
			}
			r.buf = append(r.buf, data...)
			r.eos = rep.EndOfSegment
			if len(data) > 0 || r.eos {
				return nil
			}
		case *wire.SegmentIsSealed:
			// A read parked at the tail when the segment got sealed.
			r.eos = true
			return nil
		case *wire.SegmentIsTruncated:
			return fmt.Errorf("read %s at %d (start %d): %w", r.seg, pos, rep.StartOffset, ErrSegmentTruncated)
		case *wire.NoSuchSegment:
			return fmt.Errorf("read %s: %w", r.seg, ErrNoSuchSegment)
		default:
			return fmt.Errorf("%w: reply %v to a read of %s", ErrProtocol, reply.Type(), r.seg)
		}
	}
}
