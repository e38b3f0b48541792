package service

import (
	"context"
	"errors"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
)

// Streams: createStream, updateStream, getStreamConfiguration,
// checkStreamExists, sealStream, deleteStream, truncateStream,
// listStreamsInScope, listStreamsInScopeForTag (controller-api §2.5, §2.12).

// MaxSegments bounds a stream's initial segment count: the stream record
// holds every segment and must fit in one metadata store value, and the
// segments are created one by one within a request.
const MaxSegments = 1000

// configOf converts and checks a StreamConfig.
func configOf(c *pb.StreamConfig) (store.StreamConfig, error) {
	sp := c.GetScalingPolicy()
	if sp == nil {
		return store.StreamConfig{}, invalid("scalingPolicy is required")
	}
	if sp.GetMinNumSegments() < 1 || sp.GetMinNumSegments() > MaxSegments {
		return store.StreamConfig{}, invalid("minNumSegments must be between 1 and %d, got %d", MaxSegments,
			sp.GetMinNumSegments())
	}
	if sp.GetScaleType() < 0 || sp.GetScaleType() > 2 {
		return store.StreamConfig{}, invalid("unknown scaleType %d", sp.GetScaleType())
	}
	if sp.GetScaleType() != pb.ScalingPolicy_FIXED_NUM_SEGMENTS && (sp.GetTargetRate() <= 0 || sp.GetScaleFactor() <= 0) {
		return store.StreamConfig{}, invalid("a by-rate scaling policy needs targetRate > 0 and scaleFactor > 0, got %d and %d",
			sp.GetTargetRate(), sp.GetScaleFactor())
	}
	if c.GetRolloverSizeBytes() < 0 {
		return store.StreamConfig{}, invalid("rolloverSizeBytes must not be negative")
	}
	if c.GetTimestampAggregationTimeout() < 0 {
		return store.StreamConfig{}, invalid("timestampAggregationTimeout must not be negative")
	}
	cfg := store.StreamConfig{ScaleType: int32(sp.GetScaleType()), TargetRate: sp.GetTargetRate(),
		ScaleFactor: sp.GetScaleFactor(), MinSegments: sp.GetMinNumSegments(), Tags: c.GetTags().GetTag(),
		TimestampAggTimeMs: c.GetTimestampAggregationTimeout(), RolloverSizeBytes: c.GetRolloverSizeBytes()}
	if rp := c.GetRetentionPolicy(); rp != nil && rp.GetRetentionType() != pb.RetentionPolicy_UNKNOWN {
		cfg.HasRetention = true
		cfg.RetentionType = int32(rp.GetRetentionType())
		cfg.RetentionParam = rp.GetRetentionParam()
		cfg.RetentionMax = rp.GetRetentionMax()
	}
	return cfg, nil
}

// CreateStream implements createStream.
func (s *Service) CreateStream(ctx context.Context, req *pb.StreamConfig) (*pb.CreateStreamStatus, error) {
	si := req.GetStreamInfo()
	if si == nil {
		return nil, invalid("streamInfo is required")
	}
	if naming.ValidateStreamName(si.GetStream()) != nil {
		return &pb.CreateStreamStatus{Status: pb.CreateStreamStatus_INVALID_STREAM_NAME}, nil
	}
	if naming.ValidateScopeName(si.GetScope()) != nil {
		return &pb.CreateStreamStatus{Status: pb.CreateStreamStatus_SCOPE_NOT_FOUND}, nil
	}
	cfg, err := configOf(req)
	if err != nil {
		return nil, err
	}
	err = s.e.CreateStream(ctx, si.GetScope(), si.GetStream(), cfg)
	switch {
	case err == nil:
		return &pb.CreateStreamStatus{Status: pb.CreateStreamStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrScopeNotFound):
		return &pb.CreateStreamStatus{Status: pb.CreateStreamStatus_SCOPE_NOT_FOUND}, nil
	case errors.Is(err, workflow.ErrStreamExists):
		return &pb.CreateStreamStatus{Status: pb.CreateStreamStatus_STREAM_EXISTS}, nil
	}
	return nil, s.internal("create stream", err)
}

// UpdateStream implements updateStream.
func (s *Service) UpdateStream(ctx context.Context, req *pb.StreamConfig) (*pb.UpdateStreamStatus, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	cfg, err := configOf(req)
	if err != nil {
		return nil, err
	}
	return s.updateStatus("update stream", s.e.UpdateStream(ctx, scope, stream, cfg))
}

// updateStatus maps the outcome of update, truncate and seal.
func (s *Service) updateStatus(op string, err error) (*pb.UpdateStreamStatus, error) {
	switch {
	case err == nil:
		return &pb.UpdateStreamStatus{Status: pb.UpdateStreamStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrStreamNotFound):
		return &pb.UpdateStreamStatus{Status: pb.UpdateStreamStatus_STREAM_NOT_FOUND}, nil
	case errors.Is(err, workflow.ErrStreamSealed):
		return &pb.UpdateStreamStatus{Status: pb.UpdateStreamStatus_STREAM_SEALED}, nil
	case errors.Is(err, workflow.ErrBusy), errors.Is(err, workflow.ErrInvalidCut):
		return &pb.UpdateStreamStatus{Status: pb.UpdateStreamStatus_FAILURE}, nil
	}
	return nil, s.internal(op, err)
}

// GetStreamConfiguration implements getStreamConfiguration.
func (s *Service) GetStreamConfiguration(ctx context.Context, req *pb.StreamInfo) (*pb.StreamConfig, error) {
	scope, stream, err := streamOf(req)
	if err != nil {
		return nil, err
	}
	rec, err := s.e.GetStream(ctx, scope, stream)
	if errors.Is(err, workflow.ErrStreamNotFound) {
		return nil, notFound("stream %s/%s not found", scope, stream)
	}
	if err != nil {
		return nil, s.internal("get stream configuration", err)
	}
	c := rec.Config
	out := &pb.StreamConfig{
		StreamInfo: &pb.StreamInfo{Scope: scope, Stream: stream},
		ScalingPolicy: &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_ScalingPolicyType(c.ScaleType),
			TargetRate: c.TargetRate, ScaleFactor: c.ScaleFactor, MinNumSegments: c.MinSegments},
		Tags:                        &pb.Tags{Tag: c.Tags},
		TimestampAggregationTimeout: c.TimestampAggTimeMs,
		RolloverSizeBytes:           c.RolloverSizeBytes,
	}
	if c.HasRetention {
		out.RetentionPolicy = &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_RetentionPolicyType(c.RetentionType),
			RetentionParam: c.RetentionParam, RetentionMax: c.RetentionMax}
	}
	return out, nil
}

// CheckStreamExists implements checkStreamExists.
func (s *Service) CheckStreamExists(ctx context.Context, req *pb.StreamInfo) (*pb.ExistsResponse, error) {
	if req.GetScope() == "" || req.GetStream() == "" {
		return &pb.ExistsResponse{}, nil
	}
	_, err := s.e.GetStream(ctx, req.GetScope(), req.GetStream())
	if errors.Is(err, workflow.ErrStreamNotFound) {
		return &pb.ExistsResponse{}, nil
	}
	if err != nil {
		return nil, s.internal("check stream", err)
	}
	return &pb.ExistsResponse{Exists: true}, nil
}

// SealStream implements sealStream.
func (s *Service) SealStream(ctx context.Context, req *pb.StreamInfo) (*pb.UpdateStreamStatus, error) {
	scope, stream, err := streamOf(req)
	if err != nil {
		return nil, err
	}
	return s.updateStatus("seal stream", s.e.SealStream(ctx, scope, stream))
}

// DeleteStream implements deleteStream.
func (s *Service) DeleteStream(ctx context.Context, req *pb.StreamInfo) (*pb.DeleteStreamStatus, error) {
	scope, stream, err := streamOf(req)
	if err != nil {
		return nil, err
	}
	err = s.e.DeleteStream(ctx, scope, stream)
	switch {
	case err == nil:
		return &pb.DeleteStreamStatus{Status: pb.DeleteStreamStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrStreamNotFound):
		return &pb.DeleteStreamStatus{Status: pb.DeleteStreamStatus_STREAM_NOT_FOUND}, nil
	case errors.Is(err, workflow.ErrStreamNotSealed):
		return &pb.DeleteStreamStatus{Status: pb.DeleteStreamStatus_STREAM_NOT_SEALED}, nil
	}
	return nil, s.internal("delete stream", err)
}

// TruncateStream implements truncateStream.
func (s *Service) TruncateStream(ctx context.Context, req *pb.StreamCut) (*pb.UpdateStreamStatus, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	return s.updateStatus("truncate stream", s.e.TruncateStream(ctx, scope, stream, streammodel.Cut(req.GetCut())))
}

func streamInfos(scope string, names []string) []*pb.StreamInfo {
	out := make([]*pb.StreamInfo, len(names))
	for i, n := range names {
		out[i] = &pb.StreamInfo{Scope: scope, Stream: n}
	}
	return out
}

// ListStreamsInScope implements listStreamsInScope (internal streams included).
func (s *Service) ListStreamsInScope(ctx context.Context, req *pb.StreamsInScopeRequest) (*pb.StreamsInScopeResponse, error) {
	scope := req.GetScope().GetScope()
	after := req.GetContinuationToken().GetToken()
	return s.listStreams(ctx, scope, after, func() ([]string, error) { return s.e.ListStreams(ctx, scope, after, PageSize) })
}

// ListStreamsInScopeForTag implements listStreamsInScopeForTag.
func (s *Service) ListStreamsInScopeForTag(ctx context.Context, req *pb.StreamsInScopeWithTagRequest) (*pb.StreamsInScopeResponse, error) {
	scope := req.GetScope().GetScope()
	after := req.GetContinuationToken().GetToken()
	return s.listStreams(ctx, scope, after, func() ([]string, error) {
		return s.e.ListStreamsByTag(ctx, scope, req.GetTag(), after, PageSize)
	})
}

func (s *Service) listStreams(ctx context.Context, scope, after string, list func() ([]string, error)) (*pb.StreamsInScopeResponse, error) {
	ok, err := s.e.ScopeExists(ctx, scope)
	if err != nil {
		return nil, s.internal("list streams", err)
	}
	if !ok || scope == "" {
		return &pb.StreamsInScopeResponse{Status: pb.StreamsInScopeResponse_SCOPE_NOT_FOUND,
			ContinuationToken: &pb.ContinuationToken{Token: after}}, nil
	}
	names, err := list()
	if err != nil {
		return nil, s.internal("list streams", err)
	}
	return &pb.StreamsInScopeResponse{Streams: streamInfos(scope, names), ContinuationToken: page(names, after)}, nil
}
