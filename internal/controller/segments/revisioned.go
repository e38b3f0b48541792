package segments

import (
	"context"
	"fmt"

	"github.com/sluicestream/sluice/internal/wire"
)

// Requests of a revisioned stream writer, the way a Java
// RevisionedStreamClient uses a segment: reads, conditional appends and the
// compare-and-set mark attribute. The controller writes watermarks this way.

// ReadSegment returns the data of segment from offset, at most about
// length bytes; less (possibly nothing) at the segment's end. Errors:
// ErrNoSuchSegment, ErrTruncated (offset below the start offset).
func (c *Client) ReadSegment(ctx context.Context, segment string, offset int64, length int32) ([]byte, error) {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.ReadSegment{Segment: segment, Offset: offset, SuggestedLength: length, Token: c.cfg.Token,
			RequestID: id}
	})
	if err != nil {
		return nil, err
	}
	switch r := reply.(type) {
	case *wire.SegmentRead:
		if r.Offset != offset {
			return nil, fmt.Errorf("read %s: %w: data at %d, asked for %d", segment, ErrUnexpectedReply, r.Offset, offset)
		}
		return r.Data, nil
	case *wire.SegmentIsTruncated:
		return nil, fmt.Errorf("read %s at %d: %w (start offset %d)", segment, offset, ErrTruncated, r.StartOffset)
	}
	return nil, unexpected("read", segment, reply)
}

// GetAttribute returns a segment attribute, wire.NullAttributeValue if unset.
func (c *Client) GetAttribute(ctx context.Context, segment string, attr wire.UUID) (int64, error) {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.GetSegmentAttribute{RequestID: id, SegmentName: segment, AttributeID: attr, Token: c.cfg.Token}
	})
	if err != nil {
		return 0, err
	}
	if r, ok := reply.(*wire.SegmentAttribute); ok {
		return r.Value, nil
	}
	return 0, unexpected("get attribute of", segment, reply)
}

// CompareAndSetAttribute sets a segment attribute to value if it holds
// expected (wire.NullAttributeValue: unset) and reports whether it did. A
// retry after a lost reply may report false for a change that was made.
func (c *Client) CompareAndSetAttribute(ctx context.Context, segment string, attr wire.UUID, expected, value int64) (bool, error) {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.UpdateSegmentAttribute{RequestID: id, SegmentName: segment, AttributeID: attr, NewValue: value,
			ExpectedValue: expected, Token: c.cfg.Token}
	})
	if err != nil {
		return false, err
	}
	if r, ok := reply.(*wire.SegmentAttributeUpdated); ok {
		return r.Success, nil
	}
	return false, unexpected("update attribute of", segment, reply)
}

// ConditionalAppend appends event as one event record to segment if the
// segment's length is expectedOffset, and reports whether it did (false:
// the length differs). It sets up writer on the connection first
// (SetupAppend) and sends ConditionalAppend with eventNumber, which must
// grow from call to call for one writer; a writer whose stored event
// number is already eventNumber or more has made this append before (a
// retry after a lost reply), which counts as success. Calls for one writer
// must not run concurrently. Errors: ErrNoSuchSegment; a sealed segment or
// any other reply wraps ErrUnexpectedReply.
func (c *Client) ConditionalAppend(ctx context.Context, segment string, writer wire.UUID, eventNumber, expectedOffset int64,
	event []byte) (bool, error) {
	reply, err := c.exchange(ctx, segment, func(ctx context.Context, cn *conn) (wire.Command, error) {
		id := c.nextID.Add(1)
		reply, err := cn.roundTrip(ctx, id, &wire.SetupAppend{RequestID: id, WriterID: writer, Segment: segment,
			Token: c.cfg.Token})
		if err != nil {
			return nil, err
		}
		setup, ok := reply.(*wire.AppendSetup)
		if !ok {
			return reply, nil
		}
		if setup.LastEventNumber != wire.NullAttributeValue && setup.LastEventNumber >= eventNumber {
			return &wire.DataAppended{WriterID: writer, EventNumber: eventNumber, RequestID: id}, nil
		}
		id = c.nextID.Add(1)
		return cn.roundTrip(ctx, id, &wire.ConditionalAppend{WriterID: writer, EventNumber: eventNumber,
			ExpectedOffset: expectedOffset, Data: event, RequestID: id})
	})
	if err != nil {
		return false, err
	}
	switch reply.(type) {
	case *wire.DataAppended:
		return true, nil
	case *wire.ConditionalCheckFailed:
		return false, nil
	}
	return false, unexpected("conditional append to", segment, reply)
}
