package service

import (
	"context"
	"errors"
	"math"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/workflow"
)

// Scaling: scale and checkScale (controller-api §2.7).

// Scale implements scale. STARTED returns the new segments and the epoch
// that was active when the scale was accepted; the scale runs on.
func (s *Service) Scale(ctx context.Context, req *pb.ScaleRequest) (*pb.ScaleResponse, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	ranges := make([]streammodel.KeyRange, len(req.GetNewKeyRanges()))
	for i, r := range req.GetNewKeyRanges() {
		if math.IsNaN(r.GetStart()) || math.IsNaN(r.GetEnd()) {
			return &pb.ScaleResponse{Status: pb.ScaleResponse_FAILURE}, nil
		}
		ranges[i] = streammodel.KeyRange{Low: r.GetStart(), High: r.GetEnd()}
	}
	plan, err := s.e.Scale(ctx, scope, stream, req.GetSealedSegments(), ranges, req.GetScaleTimestamp())
	var se *streammodel.ScaleError
	switch {
	case err == nil:
	case errors.As(err, &se):
		if se.Precondition {
			return &pb.ScaleResponse{Status: pb.ScaleResponse_PRECONDITION_FAILED}, nil
		}
		return &pb.ScaleResponse{Status: pb.ScaleResponse_FAILURE}, nil
	case errors.Is(err, workflow.ErrBusy), errors.Is(err, workflow.ErrStreamNotFound):
		return &pb.ScaleResponse{Status: pb.ScaleResponse_FAILURE}, nil
	default:
		return nil, s.internal("scale", err)
	}
	out := &pb.ScaleResponse{Status: pb.ScaleResponse_STARTED, Epoch: plan.Epoch}
	for _, seg := range plan.NewSegments {
		out.Segments = append(out.Segments, segmentRange(scope, stream, seg, seg.ID))
	}
	return out, nil
}

// CheckScale implements checkScale.
func (s *Service) CheckScale(ctx context.Context, req *pb.ScaleStatusRequest) (*pb.ScaleStatusResponse, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	st, err := s.e.CheckScale(ctx, scope, stream, req.GetEpoch())
	if errors.Is(err, workflow.ErrStreamNotFound) {
		return &pb.ScaleStatusResponse{Status: pb.ScaleStatusResponse_INVALID_INPUT}, nil
	}
	if err != nil {
		return nil, s.internal("check scale", err)
	}
	m := map[workflow.ScaleStatus]pb.ScaleStatusResponse_ScaleStatus{
		workflow.ScaleInProgress:   pb.ScaleStatusResponse_IN_PROGRESS,
		workflow.ScaleSuccess:      pb.ScaleStatusResponse_SUCCESS,
		workflow.ScaleInvalidInput: pb.ScaleStatusResponse_INVALID_INPUT,
	}
	return &pb.ScaleStatusResponse{Status: m[st]}, nil
}
