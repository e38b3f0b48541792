package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Revisioned streams: a single-segment stream used as a log of entries
// with compare-and-append, the primitive under state synchronizers (as
// Pravega's RevisionedStreamClient). An entry is stored as one event record
// (8-byte header, payload), so Java's RevisionedStreamClient and this one
// read each other's entries; a Revision is the segment offset just after
// an entry (0: the start).

// ErrRevisionConflict means a conditional write found the stream at a
// different revision than expected (another writer appended first).
var ErrRevisionConflict = errors.New("sluice: revision conflict")

// Revision is a position in a revisioned stream: the offset after an entry.
type Revision int64

// RevisionedStream reads and conditionally appends entries of a
// single-segment stream. Safe for concurrent use.
type RevisionedStream struct {
	c   *Client
	seg Segment

	mu      sync.Mutex // serialises writes: one append session
	writer  wire.UUID
	next    int64 // next event number
	session *conn // connection with the writer's SetupAppend
}

// RevisionedStream opens scope/stream, which must have exactly one active
// segment (create it with Fixed(1)).
func (c *Client) RevisionedStream(ctx context.Context, scope, stream string) (*RevisionedStream, error) {
	segs, err := c.StreamManager().CurrentSegments(ctx, scope, stream)
	if err != nil {
		return nil, err
	}
	if len(segs) != 1 {
		return nil, fmt.Errorf("revisioned stream %s/%s: %w: it has %d active segments, want 1", scope, stream,
			ErrInvalidArgument, len(segs))
	}
	return &RevisionedStream{c: c, seg: segs[0].Segment, writer: randomUUID(), next: 1}, nil
}

// Tail returns the revision after the last entry.
func (r *RevisionedStream) Tail(ctx context.Context) (Revision, error) {
	info, err := r.c.SegmentInfo(ctx, r.seg)
	if err != nil {
		return 0, err
	}
	return Revision(info.Length), nil
}

// Head returns the revision of the oldest entry still readable.
func (r *RevisionedStream) Head(ctx context.Context) (Revision, error) {
	info, err := r.c.SegmentInfo(ctx, r.seg)
	if err != nil {
		return 0, err
	}
	return Revision(info.StartOffset), nil
}

// WriteConditionally appends data if the stream's tail is expected, and
// returns the new tail; ErrRevisionConflict if another entry came first.
func (r *RevisionedStream) WriteConditionally(ctx context.Context, expected Revision, data []byte) (Revision, error) {
	if expected < 0 {
		return 0, fmt.Errorf("write at revision %d: %w", expected, ErrInvalidArgument)
	}
	return r.write(ctx, int64(expected), data)
}

// WriteUnconditionally appends data at the tail and returns the new tail.
func (r *RevisionedStream) WriteUnconditionally(ctx context.Context, data []byte) (Revision, error) {
	return r.write(ctx, -1, data)
}

// write appends one entry through the writer's session, setting it up on
// the segment's current connection first. A connection lost mid-append is
// retried with the same event number, so the entry is stored at most once.
func (r *RevisionedStream) write(ctx context.Context, expected int64, data []byte) (Revision, error) {
	if len(data) > MaxEventSize {
		return 0, fmt.Errorf("revisioned entry of %d bytes: %w", len(data), ErrEventTooLarge)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	number := r.next
	r.next++
	var lastErr error
	for attempt := range segmentRequestAttempts {
		if attempt > 0 {
			if err := sleep(ctx, controllerBackoff<<attempt); err != nil {
				return 0, errors.Join(lastErr, err)
			}
		}
		cn, err := r.setup(ctx)
		if err != nil {
			if ctx.Err() != nil || !errors.Is(err, ErrConnection) {
				return 0, err
			}
			lastErr = err
			continue
		}
		id := r.c.pool.requestID()
		reply, err := cn.request(ctx, id, &wire.ConditionalAppend{WriterID: r.writer, EventNumber: number,
			ExpectedOffset: expected, Data: data, RequestID: id})
		if err != nil {
			r.session = nil
			if ctx.Err() != nil || !errors.Is(err, ErrConnection) {
				return 0, err
			}
			lastErr = err
			continue
		}
		switch rep := reply.(type) {
		case *wire.DataAppended:
			return Revision(rep.CurrentSegmentWriteOffset), nil
		case *wire.ConditionalCheckFailed:
			return 0, fmt.Errorf("write %s at revision %d: %w", r.seg, expected, ErrRevisionConflict)
		case *wire.SegmentIsSealed:
			return 0, fmt.Errorf("write %s: %w", r.seg, ErrStreamSealed)
		default:
			return 0, fmt.Errorf("%w: write %s answered with %T", ErrProtocol, r.seg, reply)
		}
	}
	return 0, lastErr
}

// setup returns a connection on which the writer is set up, doing the
// SetupAppend if the connection is new. The caller holds r.mu.
func (r *RevisionedStream) setup(ctx context.Context) (*conn, error) {
	tok, err := r.c.tokens.getOp(ctx, r.seg.Scope, r.seg.Stream, pb.StreamInfo_READ_WRITE)
	if err != nil {
		return nil, err
	}
	ep, err := r.c.endpoint(ctx, r.seg)
	if err != nil {
		return nil, err
	}
	cn, err := r.c.pool.get(ctx, ep)
	if err != nil {
		r.c.forgetEndpoint(r.seg)
		return nil, err
	}
	if cn == r.session && !cn.dead() {
		return cn, nil
	}
	id := r.c.pool.requestID()
	reply, err := cn.request(ctx, id, &wire.SetupAppend{RequestID: id, WriterID: r.writer, Segment: r.seg.Name(), Token: tok})
	if err != nil {
		return nil, err
	}
	switch rep := reply.(type) {
	case *wire.AppendSetup:
		r.session = cn
		return cn, nil
	case *wire.NoSuchSegment:
		return nil, fmt.Errorf("set up writes to %s: %w", r.seg, ErrNoSuchSegment)
	case *wire.SegmentIsSealed:
		return nil, fmt.Errorf("set up writes to %s: %w", r.seg, ErrStreamSealed)
	default:
		return nil, fmt.Errorf("%w: SetupAppend on %s answered with %T", ErrProtocol, r.seg, rep)
	}
}

// Entry is one entry of a revisioned stream with the revision after it.
type Entry struct {
	Revision Revision
	Data     []byte
}

// ReadFrom returns the entries after revision from up to the tail as of
// the call (nothing if from is the tail). ErrSegmentTruncated: from is
// below the head.
func (r *RevisionedStream) ReadFrom(ctx context.Context, from Revision) ([]Entry, error) {
	tail, err := r.Tail(ctx)
	if err != nil {
		return nil, err
	}
	var out []Entry
	rd := r.c.NewSegmentReader(r.seg, int64(from), int64(tail))
	for {
		ev, err := rd.ReadEvent(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, Entry{Revision: Revision(rd.Offset()), Data: ev})
	}
}

// Mark returns the revision stored as the stream's mark (Java's
// RevisionStreamClientMark attribute), ok false if none is set.
func (r *RevisionedStream) Mark(ctx context.Context) (rev Revision, ok bool, err error) {
	reply, err := r.c.segmentRequest(ctx, r.seg, func(id int64, tok string) wire.Command {
		return &wire.GetSegmentAttribute{RequestID: id, SegmentName: r.seg.Name(), AttributeID: markAttribute(), Token: tok}
	})
	if err != nil {
		return 0, false, err
	}
	a, isAttr := reply.(*wire.SegmentAttribute)
	if !isAttr {
		return 0, false, fmt.Errorf("%w: get mark of %s answered with %T", ErrProtocol, r.seg, reply)
	}
	if a.Value == wire.NullAttributeValue {
		return 0, false, nil
	}
	return Revision(a.Value), true, nil
}

// CompareAndSetMark sets the mark to next if it is expected (ok false:
// unset); it reports whether it did.
func (r *RevisionedStream) CompareAndSetMark(ctx context.Context, expected Revision, expectedSet bool, next Revision) (bool, error) {
	exp := int64(expected)
	if !expectedSet {
		exp = wire.NullAttributeValue
	}
	reply, err := r.c.segmentRequestOp(ctx, r.seg, pb.StreamInfo_READ_WRITE, func(id int64, tok string) wire.Command {
		return &wire.UpdateSegmentAttribute{RequestID: id, SegmentName: r.seg.Name(), AttributeID: markAttribute(),
			NewValue: int64(next), ExpectedValue: exp, Token: tok}
	})
	if err != nil {
		return false, err
	}
	u, isUpdate := reply.(*wire.SegmentAttributeUpdated)
	if !isUpdate {
		return false, fmt.Errorf("%w: set mark of %s answered with %T", ErrProtocol, r.seg, reply)
	}
	return u.Success, nil
}

// markAttribute is the RevisionStreamClientMark attribute id on the wire.
func markAttribute() wire.UUID {
	m := naming.RevisionStreamClientMark()
	return wire.UUIDFromHalves(int64(m.MSB), int64(m.LSB))
}
