package client

import (
	"context"
	"fmt"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
)

// ScalingType says how a stream's segment count is managed.
type ScalingType int32

// Scaling types (values are the controller API's).
const (
	// FixedSegments keeps MinSegments segments unless scaled by hand.
	FixedSegments ScalingType = 0
	// ByRateKiBPerSec splits segments above TargetRate KiB/s.
	ByRateKiBPerSec ScalingType = 1
	// ByRateEventsPerSec splits segments above TargetRate events/s.
	ByRateEventsPerSec ScalingType = 2
)

// ScalingPolicy is a stream's scaling policy.
type ScalingPolicy struct {
	Type        ScalingType
	TargetRate  int32 // for the by-rate types
	ScaleFactor int32 // most segments one segment splits into
	MinSegments int32 // at least 1
}

// Fixed returns the policy of a stream with n segments.
func Fixed(n int32) ScalingPolicy { return ScalingPolicy{Type: FixedSegments, MinSegments: n} }

// RetentionType says what a retention policy bounds.
type RetentionType int32

// Retention types (values are the controller API's).
const (
	RetainByTime RetentionType = 1 // Min and Max in milliseconds
	RetainBySize RetentionType = 2 // Min and Max in bytes
)

// RetentionPolicy lets the controller truncate old data.
type RetentionPolicy struct {
	Type RetentionType
	Min  int64
	Max  int64 // 0: unbounded
}

// StreamConfig is a stream's configuration. The zero value is invalid:
// set Scaling (e.g. Fixed(1)).
type StreamConfig struct {
	Scaling   ScalingPolicy
	Retention *RetentionPolicy // nil: keep everything
	Tags      []string
	// TimestampAggregationTimeout is how long a writer's noted times count
	// towards watermarks.
	TimestampAggregationTimeout time.Duration
	// RolloverSizeBytes is the size of the chunks of long-term storage (0:
	// server default).
	RolloverSizeBytes int64
}

func (c StreamConfig) proto(scope, stream string) *pb.StreamConfig {
	out := &pb.StreamConfig{
		StreamInfo: streamInfo(scope, stream),
		ScalingPolicy: &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_ScalingPolicyType(c.Scaling.Type),
			TargetRate: c.Scaling.TargetRate, ScaleFactor: c.Scaling.ScaleFactor, MinNumSegments: c.Scaling.MinSegments},
		Tags:                        &pb.Tags{Tag: c.Tags},
		TimestampAggregationTimeout: c.TimestampAggregationTimeout.Milliseconds(),
		RolloverSizeBytes:           c.RolloverSizeBytes,
	}
	if r := c.Retention; r != nil {
		maxV := r.Max
		if maxV == 0 {
			maxV = 1<<63 - 1
		}
		out.RetentionPolicy = &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_RetentionPolicyType(r.Type),
			RetentionParam: r.Min, RetentionMax: maxV}
	}
	return out
}

func configFromProto(p *pb.StreamConfig) StreamConfig {
	sp := p.GetScalingPolicy()
	c := StreamConfig{
		Scaling: ScalingPolicy{Type: ScalingType(sp.GetScaleType()), TargetRate: sp.GetTargetRate(),
			ScaleFactor: sp.GetScaleFactor(), MinSegments: sp.GetMinNumSegments()},
		Tags:                        p.GetTags().GetTag(),
		TimestampAggregationTimeout: time.Duration(p.GetTimestampAggregationTimeout()) * time.Millisecond,
		RolloverSizeBytes:           p.GetRolloverSizeBytes(),
	}
	if r := p.GetRetentionPolicy(); r != nil && r.GetRetentionType() != pb.RetentionPolicy_UNKNOWN {
		maxV := r.GetRetentionMax()
		if maxV == 1<<63-1 {
			maxV = 0
		}
		c.Retention = &RetentionPolicy{Type: RetentionType(r.GetRetentionType()), Min: r.GetRetentionParam(), Max: maxV}
	}
	return c
}

// CreateStream creates a stream and its segments; it returns when the
// stream can be written. Errors: ErrStreamExists, ErrScopeNotFound,
// ErrInvalidArgument.
func (m *StreamManager) CreateStream(ctx context.Context, scope, stream string, cfg StreamConfig) error {
	r, err := call(ctx, m.c.ctl, "createStream", nil, func(ctx context.Context) (*pb.CreateStreamStatus, error) {
		return m.c.ctl.rpc.CreateStream(ctx, cfg.proto(scope, stream))
	})
	if err != nil {
		return fmt.Errorf("create stream %s/%s: %w", scope, stream, err)
	}
	switch r.GetStatus() {
	case pb.CreateStreamStatus_SUCCESS:
		return nil
	case pb.CreateStreamStatus_STREAM_EXISTS:
		return fmt.Errorf("create stream %s/%s: %w", scope, stream, ErrStreamExists)
	case pb.CreateStreamStatus_SCOPE_NOT_FOUND:
		return fmt.Errorf("create stream %s/%s: %w", scope, stream, ErrScopeNotFound)
	case pb.CreateStreamStatus_INVALID_STREAM_NAME:
		return fmt.Errorf("create stream %s/%s: %w: invalid stream name", scope, stream, ErrInvalidArgument)
	}
	return fmt.Errorf("create stream %s/%s: %w: %v", scope, stream, ErrFailed, r.GetStatus())
}

// UpdateStream replaces a stream's configuration (scaling, retention,
// tags). Errors: ErrStreamNotFound, ErrStreamSealed, ErrFailed.
func (m *StreamManager) UpdateStream(ctx context.Context, scope, stream string, cfg StreamConfig) error {
	r, err := call(ctx, m.c.ctl, "updateStream", nil, func(ctx context.Context) (*pb.UpdateStreamStatus, error) {
		return m.c.ctl.rpc.UpdateStream(ctx, cfg.proto(scope, stream))
	})
	return updateStatus("update stream", scope, stream, r, err)
}

// GetStreamConfig returns a stream's configuration (ErrStreamNotFound).
func (m *StreamManager) GetStreamConfig(ctx context.Context, scope, stream string) (StreamConfig, error) {
	r, err := call(ctx, m.c.ctl, "getStreamConfiguration", ErrStreamNotFound, func(ctx context.Context) (*pb.StreamConfig, error) {
		return m.c.ctl.rpc.GetStreamConfiguration(ctx, streamInfo(scope, stream))
	})
	if err != nil {
		return StreamConfig{}, fmt.Errorf("get stream %s/%s: %w", scope, stream, err)
	}
	return configFromProto(r), nil
}

// StreamTags returns a stream's tags.
func (m *StreamManager) StreamTags(ctx context.Context, scope, stream string) ([]string, error) {
	cfg, err := m.GetStreamConfig(ctx, scope, stream)
	return cfg.Tags, err
}

// StreamExists reports whether the stream exists.
func (m *StreamManager) StreamExists(ctx context.Context, scope, stream string) (bool, error) {
	r, err := call(ctx, m.c.ctl, "checkStreamExists", nil, func(ctx context.Context) (*pb.ExistsResponse, error) {
		return m.c.ctl.rpc.CheckStreamExists(ctx, streamInfo(scope, stream))
	})
	return r.GetExists(), err
}

// SealStream seals every segment of the stream: writers fail with
// ErrStreamSealed, readers reach the end. Sealing twice is fine.
func (m *StreamManager) SealStream(ctx context.Context, scope, stream string) error {
	r, err := call(ctx, m.c.ctl, "sealStream", nil, func(ctx context.Context) (*pb.UpdateStreamStatus, error) {
		return m.c.ctl.rpc.SealStream(ctx, streamInfo(scope, stream))
	})
	return updateStatus("seal stream", scope, stream, r, err)
}

// TruncateStream deletes the data before cut; cut becomes the stream's
// head. Errors: ErrStreamNotFound, ErrStreamSealed, ErrFailed (invalid cut).
func (m *StreamManager) TruncateStream(ctx context.Context, cut StreamCut) error {
	r, err := call(ctx, m.c.ctl, "truncateStream", nil, func(ctx context.Context) (*pb.UpdateStreamStatus, error) {
		return m.c.ctl.rpc.TruncateStream(ctx, cut.proto())
	})
	return updateStatus("truncate stream", cut.Scope, cut.Stream, r, err)
}

// DeleteStream deletes a sealed stream and its data. Errors:
// ErrStreamNotFound, ErrStreamNotSealed.
func (m *StreamManager) DeleteStream(ctx context.Context, scope, stream string) error {
	r, err := call(ctx, m.c.ctl, "deleteStream", nil, func(ctx context.Context) (*pb.DeleteStreamStatus, error) {
		return m.c.ctl.rpc.DeleteStream(ctx, streamInfo(scope, stream))
	})
	if err != nil {
		return fmt.Errorf("delete stream %s/%s: %w", scope, stream, err)
	}
	switch r.GetStatus() {
	case pb.DeleteStreamStatus_SUCCESS:
		return nil
	case pb.DeleteStreamStatus_STREAM_NOT_FOUND:
		return fmt.Errorf("delete stream %s/%s: %w", scope, stream, ErrStreamNotFound)
	case pb.DeleteStreamStatus_STREAM_NOT_SEALED:
		return fmt.Errorf("delete stream %s/%s: %w", scope, stream, ErrStreamNotSealed)
	}
	return fmt.Errorf("delete stream %s/%s: %w: %v", scope, stream, ErrFailed, r.GetStatus())
}

func updateStatus(op, scope, stream string, r *pb.UpdateStreamStatus, err error) error {
	if err != nil {
		return fmt.Errorf("%s %s/%s: %w", op, scope, stream, err)
	}
	switch r.GetStatus() {
	case pb.UpdateStreamStatus_SUCCESS:
		return nil
	case pb.UpdateStreamStatus_STREAM_NOT_FOUND:
		return fmt.Errorf("%s %s/%s: %w", op, scope, stream, ErrStreamNotFound)
	case pb.UpdateStreamStatus_SCOPE_NOT_FOUND:
		return fmt.Errorf("%s %s/%s: %w", op, scope, stream, ErrScopeNotFound)
	case pb.UpdateStreamStatus_STREAM_SEALED:
		return fmt.Errorf("%s %s/%s: %w", op, scope, stream, ErrStreamSealed)
	}
	return fmt.Errorf("%s %s/%s: %w: %v", op, scope, stream, ErrFailed, r.GetStatus())
}

// CurrentSegments returns the stream's active segments with their key
// ranges, sorted by key; none if the stream is sealed.
func (m *StreamManager) CurrentSegments(ctx context.Context, scope, stream string) ([]SegmentRange, error) {
	return m.c.ctl.currentSegments(ctx, scope, stream)
}

// Scale seals the given active segments and replaces them by new segments
// covering the same keys with ranges, then waits until the scale is done.
// It returns ErrFailed if the controller refuses (segments not active,
// ranges not covering the sealed ones, another scale running).
func (m *StreamManager) Scale(ctx context.Context, scope, stream string, seal []int64, ranges []KeyRange) ([]SegmentRange, error) {
	req := &pb.ScaleRequest{StreamInfo: streamInfo(scope, stream), SealedSegments: seal,
		ScaleTimestamp: time.Now().UnixMilli()}
	for _, r := range ranges {
		req.NewKeyRanges = append(req.NewKeyRanges, &pb.ScaleRequest_KeyRangeEntry{Start: r.Low, End: r.High})
	}
	r, err := call(ctx, m.c.ctl, "scale", nil, func(ctx context.Context) (*pb.ScaleResponse, error) {
		return m.c.ctl.rpc.Scale(ctx, req)
	})
	if err != nil {
		return nil, fmt.Errorf("scale %s/%s: %w", scope, stream, err)
	}
	if r.GetStatus() != pb.ScaleResponse_STARTED {
		return nil, fmt.Errorf("scale %s/%s: %w: %v", scope, stream, ErrFailed, r.GetStatus())
	}
	var out []SegmentRange
	for _, sr := range r.GetSegments() {
		out = append(out, rangeOf(sr))
	}
	// The controller has no completion notification; poll checkScale as
	// both Pravega clients do.
	backoff := 5 * time.Millisecond
	for {
		st, err := call(ctx, m.c.ctl, "checkScale", nil, func(ctx context.Context) (*pb.ScaleStatusResponse, error) {
			return m.c.ctl.rpc.CheckScale(ctx, &pb.ScaleStatusRequest{StreamInfo: streamInfo(scope, stream), Epoch: r.GetEpoch()})
		})
		if err != nil {
			return nil, fmt.Errorf("scale %s/%s: %w", scope, stream, err)
		}
		switch st.GetStatus() {
		case pb.ScaleStatusResponse_SUCCESS:
			return out, nil
		case pb.ScaleStatusResponse_IN_PROGRESS:
		default:
			return nil, fmt.Errorf("scale %s/%s: %w: %v", scope, stream, ErrFailed, st.GetStatus())
		}
		if err := sleep(ctx, backoff); err != nil {
			return nil, err
		}
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}
