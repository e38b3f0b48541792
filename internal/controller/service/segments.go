package service

import (
	"context"
	"errors"
	"sort"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
)

// Segment queries: getCurrentSegments, getEpochSegments, getSegments,
// getSegmentsImmediate(l)yFollowing, getSegmentsBetween, isSegmentValid,
// isStreamCutValid, getURI (controller-api §2.3, §2.6).

// stream loads a stream record; missing → gRPC NOT_FOUND.
func (s *Service) stream(ctx context.Context, si *pb.StreamInfo, op string) (string, string, *store.StreamRecord, error) {
	scope, stream, err := streamOf(si)
	if err != nil {
		return "", "", nil, err
	}
	rec, err := s.e.GetStream(ctx, scope, stream)
	if errors.Is(err, workflow.ErrStreamNotFound) {
		return "", "", nil, notFound("stream %s/%s not found", scope, stream)
	}
	if err != nil {
		return "", "", nil, s.internal(op, err)
	}
	return scope, stream, rec, nil
}

func segmentRange(scope, stream string, seg streammodel.Segment, id int64) *pb.SegmentRange {
	return &pb.SegmentRange{
		SegmentId: &pb.SegmentId{StreamInfo: &pb.StreamInfo{Scope: scope, Stream: stream}, SegmentId: id},
		MinKey:    seg.Low, MaxKey: seg.High,
	}
}

func segmentRanges(scope, stream string, segs []streammodel.Segment) []*pb.SegmentRange {
	out := make([]*pb.SegmentRange, len(segs))
	for i, seg := range segs {
		out[i] = segmentRange(scope, stream, seg, seg.ID)
	}
	return out
}

// GetCurrentSegments implements getCurrentSegments: the active segments,
// none for a sealed stream; a token unless accessOperation is NONE.
func (s *Service) GetCurrentSegments(ctx context.Context, req *pb.StreamInfo) (*pb.SegmentRanges, error) {
	scope, stream, rec, err := s.stream(ctx, req, "get current segments")
	if err != nil {
		return nil, err
	}
	out := &pb.SegmentRanges{SegmentRanges: segmentRanges(scope, stream, rec.Model.CurrentSegments())}
	if req.GetAccessOperation() != pb.StreamInfo_NONE {
		if out.DelegationToken, err = s.token(scope, stream, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetEpochSegments implements getEpochSegments.
func (s *Service) GetEpochSegments(ctx context.Context, req *pb.GetEpochSegmentsRequest) (*pb.SegmentRanges, error) {
	if req.GetEpoch() < 0 {
		return nil, invalid("epoch must not be negative, got %d", req.GetEpoch())
	}
	scope, stream, rec, err := s.stream(ctx, req.GetStreamInfo(), "get epoch segments")
	if err != nil {
		return nil, err
	}
	segs, err := rec.Model.EpochSegments(req.GetEpoch())
	if err != nil {
		return nil, invalid("epoch %d of %s/%s: %v", req.GetEpoch(), scope, stream, err)
	}
	out := &pb.SegmentRanges{SegmentRanges: segmentRanges(scope, stream, segs)}
	if out.DelegationToken, err = s.token(scope, stream, true); err != nil {
		return nil, err
	}
	return out, nil
}

// GetSegments implements getSegments: the stream head; the timestamp is
// ignored, as by the Java controller.
func (s *Service) GetSegments(ctx context.Context, req *pb.GetSegmentsRequest) (*pb.SegmentsAtTime, error) {
	scope, stream, rec, err := s.stream(ctx, req.GetStreamInfo(), "get segments")
	if err != nil {
		return nil, err
	}
	head := rec.Model.Head()
	ids := make([]int64, 0, len(head))
	for id := range head {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := &pb.SegmentsAtTime{}
	for _, id := range ids {
		out.Segments = append(out.Segments, &pb.SegmentsAtTime_SegmentLocation{
			SegmentId: &pb.SegmentId{StreamInfo: &pb.StreamInfo{Scope: scope, Stream: stream}, SegmentId: id},
			Offset:    head[id]})
	}
	if req.GetStreamInfo().GetAccessOperation() != pb.StreamInfo_NONE {
		if out.DelegationToken, err = s.token(scope, stream, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetSegmentsImmediatelyFollowing implements getSegmentsImmediatelyFollowing.
func (s *Service) GetSegmentsImmediatelyFollowing(ctx context.Context, req *pb.SegmentId) (*pb.SuccessorResponse, error) {
	scope, stream, rec, err := s.stream(ctx, req.GetStreamInfo(), "get successors")
	if err != nil {
		return nil, err
	}
	succ, err := rec.Model.Successors(req.GetSegmentId())
	if errors.Is(err, streammodel.ErrSegmentNotFound) {
		return nil, notFound("segment %d of %s/%s not found", req.GetSegmentId(), scope, stream)
	}
	if err != nil {
		return nil, s.internal("get successors", err)
	}
	out := &pb.SuccessorResponse{}
	for _, sc := range succ {
		out.Segments = append(out.Segments, &pb.SuccessorResponse_SegmentEntry{
			Segment: segmentRange(scope, stream, sc.Segment, sc.Segment.ID), Value: sc.Predecessors})
	}
	return out, nil
}

// GetSegmentsImmediatlyFollowing is the misspelled alias.
func (s *Service) GetSegmentsImmediatlyFollowing(ctx context.Context, req *pb.SegmentId) (*pb.SuccessorResponse, error) {
	return s.GetSegmentsImmediatelyFollowing(ctx, req)
}

// GetSegmentsBetween implements getSegmentsBetween.
func (s *Service) GetSegmentsBetween(ctx context.Context, req *pb.StreamCutRange) (*pb.StreamCutRangeResponse, error) {
	scope, stream, rec, err := s.stream(ctx, req.GetStreamInfo(), "get segments between")
	if err != nil {
		return nil, err
	}
	segs, err := rec.Model.SegmentsBetween(streammodel.Cut(req.GetFrom()), streammodel.Cut(req.GetTo()))
	if err != nil {
		return nil, invalid("segments between cuts of %s/%s: %v", scope, stream, err)
	}
	out := &pb.StreamCutRangeResponse{}
	for _, seg := range segs {
		out.Segments = append(out.Segments, &pb.SegmentId{StreamInfo: &pb.StreamInfo{Scope: scope, Stream: stream},
			SegmentId: seg.ID})
	}
	if out.DelegationToken, err = s.token(scope, stream, false); err != nil {
		return nil, err
	}
	return out, nil
}

// IsSegmentValid implements isSegmentValid: true iff the segment is active.
func (s *Service) IsSegmentValid(ctx context.Context, req *pb.SegmentId) (*pb.SegmentValidityResponse, error) {
	_, _, rec, err := s.stream(ctx, req.GetStreamInfo(), "is segment valid")
	if err != nil {
		if isNotFound(err) {
			return &pb.SegmentValidityResponse{}, nil
		}
		return nil, err
	}
	return &pb.SegmentValidityResponse{Response: rec.Model.IsActive(req.GetSegmentId())}, nil
}

// IsStreamCutValid implements isStreamCutValid.
func (s *Service) IsStreamCutValid(ctx context.Context, req *pb.StreamCut) (*pb.StreamCutValidityResponse, error) {
	_, _, rec, err := s.stream(ctx, req.GetStreamInfo(), "is stream cut valid")
	if err != nil {
		if isNotFound(err) {
			return &pb.StreamCutValidityResponse{}, nil
		}
		return nil, err
	}
	return &pb.StreamCutValidityResponse{Response: rec.Model.ValidateCut(streammodel.Cut(req.GetCut())) == nil}, nil
}

// GetURI implements getURI: a pure function of the segment name; the
// stream need not exist.
func (s *Service) GetURI(_ context.Context, req *pb.SegmentId) (*pb.NodeUri, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	if req.GetSegmentId() < 0 {
		return nil, invalid("segment id must not be negative")
	}
	name := naming.QualifiedName(scope, stream, req.GetSegmentId())
	addr, err := s.cfg.Resolver.Endpoint(naming.ContainerOf(name, s.cfg.ContainerCount))
	if err != nil {
		return nil, s.internal("get uri", err)
	}
	uri, err := nodeURI(addr)
	if err != nil {
		return nil, s.internal("get uri", err)
	}
	return uri, nil
}
