package segments

import (
	"context"

	"github.com/sluicestream/sluice/internal/wire"
)

// Policy is a segment's scaling policy as the segment store records it.
type Policy struct {
	Type wire.ScaleType
	Rate int32 // KiB/s or events/s; 0 for NoScaling
}

// CreateSegment creates a stream segment; an existing segment is success.
func (c *Client) CreateSegment(ctx context.Context, segment string, p Policy, rolloverBytes int64) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.CreateSegment{RequestID: id, Segment: segment, TargetRate: p.Rate, ScaleType: p.Type,
			Token: c.cfg.Token, RolloverSizeBytes: max(rolloverBytes, 0)}
	})
	if err != nil {
		return err
	}
	switch reply.(type) {
	case *wire.SegmentCreated, *wire.SegmentAlreadyExists:
		return nil
	}
	return unexpected("create segment", segment, reply)
}

// SealSegment seals a segment; an already sealed segment is success.
func (c *Client) SealSegment(ctx context.Context, segment string) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.SealSegment{RequestID: id, Segment: segment, Token: c.cfg.Token}
	})
	if err != nil {
		return err
	}
	switch reply.(type) {
	case *wire.SegmentSealed, *wire.SegmentIsSealed:
		return nil
	}
	return unexpected("seal segment", segment, reply)
}

// DeleteSegment deletes a segment; a missing segment is success.
func (c *Client) DeleteSegment(ctx context.Context, segment string) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.DeleteSegment{RequestID: id, Segment: segment, Token: c.cfg.Token}
	})
	if err != nil {
		return err
	}
	switch reply.(type) {
	case *wire.SegmentDeleted, *wire.NoSuchSegment:
		return nil
	}
	return unexpected("delete segment", segment, reply)
}

// TruncateSegment truncates a segment at offset; SegmentIsTruncated (already
// truncated beyond) is success.
func (c *Client) TruncateSegment(ctx context.Context, segment string, offset int64) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.TruncateSegment{RequestID: id, Segment: segment, TruncationOffset: offset, Token: c.cfg.Token}
	})
	if err != nil {
		return err
	}
	switch reply.(type) {
	case *wire.SegmentTruncated, *wire.SegmentIsTruncated:
		return nil
	}
	return unexpected("truncate segment", segment, reply)
}

// MergeSegmentsBatch merges sources, in order, into target and returns the
// target's length after each merge. The server counts a missing source as
// merged already, so a retried commit succeeds.
func (c *Client) MergeSegmentsBatch(ctx context.Context, target string, sources []string) ([]int64, error) {
	reply, err := c.do(ctx, target, func(id int64) wire.Command {
		return &wire.MergeSegmentsBatch{RequestID: id, Target: target, Sources: sources, Token: c.cfg.Token}
	})
	if err != nil {
		return nil, err
	}
	if r, ok := reply.(*wire.SegmentsBatchMerged); ok {
		return r.NewTargetWriteOffsets, nil
	}
	return nil, unexpected("merge into", target, reply)
}

// UpdateSegmentPolicy replaces a segment's scaling policy.
func (c *Client) UpdateSegmentPolicy(ctx context.Context, segment string, p Policy) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.UpdateSegmentPolicy{RequestID: id, Segment: segment, TargetRate: p.Rate, ScaleType: p.Type,
			Token: c.cfg.Token}
	})
	if err != nil {
		return err
	}
	if _, ok := reply.(*wire.SegmentPolicyUpdated); ok {
		return nil
	}
	return unexpected("update policy of", segment, reply)
}

// SegmentInfo is what GetStreamSegmentInfo reports.
type SegmentInfo struct {
	Sealed       bool
	Length       int64 // write offset
	StartOffset  int64
	LastModified int64 // epoch ms
}

// GetStreamSegmentInfo returns a segment's state; a missing segment is
// ErrNoSuchSegment.
func (c *Client) GetStreamSegmentInfo(ctx context.Context, segment string) (SegmentInfo, error) {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.GetStreamSegmentInfo{RequestID: id, SegmentName: segment, Token: c.cfg.Token}
	})
	if err != nil {
		return SegmentInfo{}, err
	}
	switch r := reply.(type) {
	case *wire.StreamSegmentInfo:
		if !r.Exists || r.IsDeleted {
			return SegmentInfo{}, unexpected("info of", segment, &wire.NoSuchSegment{})
		}
		return SegmentInfo{Sealed: r.IsSealed, Length: r.WriteOffset, StartOffset: r.StartOffset,
			LastModified: r.LastModified}, nil
	case *wire.SegmentIsTruncated:
		return SegmentInfo{StartOffset: r.StartOffset}, nil
	}
	return SegmentInfo{}, unexpected("info of", segment, reply)
}

// CreateTableSegment creates a table segment (keyLength > 0: fixed key
// length, as key-value tables use); an existing one is success.
func (c *Client) CreateTableSegment(ctx context.Context, segment string, keyLength int32, rolloverBytes int64) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.CreateTableSegment{RequestID: id, Segment: segment, Token: c.cfg.Token, KeyLength: keyLength,
			RolloverSizeBytes: max(rolloverBytes, 0)}
	})
	if err != nil {
		return err
	}
	switch reply.(type) {
	case *wire.SegmentCreated, *wire.SegmentAlreadyExists:
		return nil
	}
	return unexpected("create table segment", segment, reply)
}

// DeleteTableSegment deletes a table segment; a missing one is success.
func (c *Client) DeleteTableSegment(ctx context.Context, segment string, mustBeEmpty bool) error {
	reply, err := c.do(ctx, segment, func(id int64) wire.Command {
		return &wire.DeleteTableSegment{RequestID: id, Segment: segment, MustBeEmpty: mustBeEmpty, Token: c.cfg.Token}
	})
	if err != nil {
		return err
	}
	switch reply.(type) {
	case *wire.SegmentDeleted, *wire.NoSuchSegment:
		return nil
	}
	return unexpected("delete table segment", segment, reply)
}
