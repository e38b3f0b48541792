package service

import (
	"context"
	"errors"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/workflow"
)

// Subscribers and writers: listSubscribers, updateSubscriberStreamCut,
// noteTimestampFromWriter, removeWriter (controller-api §2.9, §2.10).

// ListSubscribers implements listSubscribers.
func (s *Service) ListSubscribers(ctx context.Context, req *pb.StreamInfo) (*pb.SubscribersResponse, error) {
	scope, stream, err := streamOf(req)
	if err != nil {
		return nil, err
	}
	subs, err := s.e.ListSubscribers(ctx, scope, stream)
	if errors.Is(err, workflow.ErrStreamNotFound) {
		return &pb.SubscribersResponse{Status: pb.SubscribersResponse_STREAM_NOT_FOUND}, nil
	}
	if err != nil {
		return nil, s.internal("list subscribers", err)
	}
	return &pb.SubscribersResponse{Status: pb.SubscribersResponse_SUCCESS, Subscribers: subs}, nil
}

// UpdateSubscriberStreamCut implements updateSubscriberStreamCut.
func (s *Service) UpdateSubscriberStreamCut(ctx context.Context, req *pb.SubscriberStreamCut) (*pb.UpdateSubscriberStatus, error) {
	scope, stream, err := streamOf(req.GetStreamCut().GetStreamInfo())
	if err != nil {
		return nil, err
	}
	err = s.e.UpdateSubscriberCut(ctx, scope, stream, req.GetSubscriber(), req.GetReaderGroupId(), req.GetGeneration(),
		streammodel.Cut(req.GetStreamCut().GetCut()))
	st := pb.UpdateSubscriberStatus_SUCCESS
	switch {
	case err == nil:
	case errors.Is(err, workflow.ErrStreamNotFound):
		st = pb.UpdateSubscriberStatus_STREAM_NOT_FOUND
	case errors.Is(err, workflow.ErrSubscriberNotFound):
		st = pb.UpdateSubscriberStatus_SUBSCRIBER_NOT_FOUND
	case errors.Is(err, workflow.ErrGenerationMismatch):
		st = pb.UpdateSubscriberStatus_GENERATION_MISMATCH
	case errors.Is(err, workflow.ErrInvalidCut):
		st = pb.UpdateSubscriberStatus_STREAM_CUT_NOT_VALID
	default:
		return nil, s.internal("update subscriber stream cut", err)
	}
	return &pb.UpdateSubscriberStatus{Status: st}, nil
}

// NoteTimestampFromWriter implements noteTimestampFromWriter: it records the
// writer's mark, from which the workflow engine's watermarking loop
// computes the stream's watermarks.
func (s *Service) NoteTimestampFromWriter(ctx context.Context, req *pb.TimestampFromWriter) (*pb.TimestampResponse, error) {
	scope, stream, err := streamOf(req.GetPosition().GetStreamInfo())
	if err != nil {
		return nil, err
	}
	if req.GetWriter() == "" {
		return nil, invalid("writer is required")
	}
	err = s.e.NoteWriterMark(ctx, scope, stream, req.GetWriter(), streammodel.Cut(req.GetPosition().GetCut()),
		req.GetTimestamp())
	st := pb.TimestampResponse_SUCCESS
	switch {
	case err == nil:
	case errors.Is(err, workflow.ErrInvalidTime):
		st = pb.TimestampResponse_INVALID_TIME
	case errors.Is(err, workflow.ErrInvalidPosition):
		st = pb.TimestampResponse_INVALID_POSITION
	case errors.Is(err, workflow.ErrStreamNotFound):
		return nil, notFound("stream %s/%s not found", scope, stream)
	default:
		s.log.Warn("note timestamp failed", "stream", scope+"/"+stream, "err", err)
		st = pb.TimestampResponse_INTERNAL_ERROR
	}
	return &pb.TimestampResponse{Result: st}, nil
}

// RemoveWriter implements removeWriter.
func (s *Service) RemoveWriter(ctx context.Context, req *pb.RemoveWriterRequest) (*pb.RemoveWriterResponse, error) {
	scope, stream, err := streamOf(req.GetStream())
	if err != nil {
		return nil, err
	}
	err = s.e.RemoveWriter(ctx, scope, stream, req.GetWriter())
	st := pb.RemoveWriterResponse_SUCCESS
	switch {
	case err == nil:
	case errors.Is(err, workflow.ErrStreamNotFound):
		st = pb.RemoveWriterResponse_STREAM_DOES_NOT_EXIST
	case errors.Is(err, workflow.ErrUnknownWriter):
		st = pb.RemoveWriterResponse_UNKNOWN_WRITER
	default:
		s.log.Warn("remove writer failed", "stream", scope+"/"+stream, "err", err)
		st = pb.RemoveWriterResponse_INTERNAL_ERROR
	}
	return &pb.RemoveWriterResponse{Result: st}, nil
}
