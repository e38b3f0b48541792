package service

import (
	"context"
	"crypto/rand"
	"errors"

	"google.golang.org/protobuf/proto"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Reader groups: createReaderGroup, getReaderGroupConfig,
// updateReaderGroup, deleteReaderGroup (controller-api §2.9). The
// configuration is stored as the message the client sent (with the
// assigned readerGroupId and the generation), so it is echoed exactly.

const zeroUUID = "00000000-0000-0000-0000-000000000000"

func randomUUID() string {
	var u wire.UUID
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// subscribedStreams lists "<scope>/<stream>" of the starting cuts when the
// group retains data for its readers.
func subscribedStreams(c *pb.ReaderGroupConfiguration) []string {
	if c.GetRetentionType() == int32(pb.ReaderGroupConfiguration_NONE) {
		return nil
	}
	var out []string
	for _, sc := range c.GetStartingStreamCuts() {
		si := sc.GetStreamInfo()
		if si.GetScope() != "" && si.GetStream() != "" {
			out = append(out, si.GetScope()+"/"+si.GetStream())
		}
	}
	return out
}

func marshalConfig(c *pb.ReaderGroupConfiguration) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		panic("marshal reader group configuration: " + err.Error()) // cannot fail for a valid message
	}
	return b
}

func unmarshalConfig(b []byte) (*pb.ReaderGroupConfiguration, error) {
	c := &pb.ReaderGroupConfiguration{}
	return c, proto.Unmarshal(b, c)
}

// CreateReaderGroup implements createReaderGroup.
func (s *Service) CreateReaderGroup(ctx context.Context, req *pb.ReaderGroupConfiguration) (*pb.CreateReaderGroupResponse, error) {
	if naming.ValidateUserName(naming.KindReaderGroup, req.GetReaderGroupName()) != nil {
		return &pb.CreateReaderGroupResponse{Status: pb.CreateReaderGroupResponse_INVALID_RG_NAME}, nil
	}
	cfg := proto.Clone(req).(*pb.ReaderGroupConfiguration)
	if cfg.GetReaderGroupId() == "" || cfg.GetReaderGroupId() == zeroUUID {
		cfg.ReaderGroupId = randomUUID()
	} else if _, err := wire.ParseUUID(cfg.GetReaderGroupId()); err != nil {
		return nil, invalid("readerGroupId %q is not a UUID", cfg.GetReaderGroupId())
	}
	rec, err := s.e.CreateReaderGroup(ctx, req.GetScope(), req.GetReaderGroupName(), workflow.ReaderGroupSpec{
		ID: cfg.GetReaderGroupId(), Generation: cfg.GetGeneration(), Config: marshalConfig(cfg),
		Subscribed: subscribedStreams(cfg)})
	switch {
	case errors.Is(err, workflow.ErrScopeNotFound):
		return &pb.CreateReaderGroupResponse{Status: pb.CreateReaderGroupResponse_SCOPE_NOT_FOUND}, nil
	case err != nil:
		return nil, s.internal("create reader group", err)
	}
	stored, err := unmarshalConfig(rec.Config)
	if err != nil {
		return nil, s.internal("create reader group", err)
	}
	return &pb.CreateReaderGroupResponse{Status: pb.CreateReaderGroupResponse_SUCCESS, Config: stored}, nil
}

// GetReaderGroupConfig implements getReaderGroupConfig.
func (s *Service) GetReaderGroupConfig(ctx context.Context, req *pb.ReaderGroupInfo) (*pb.ReaderGroupConfigResponse, error) {
	rec, err := s.e.GetReaderGroup(ctx, req.GetScope(), req.GetReaderGroup())
	if errors.Is(err, workflow.ErrRGNotFound) {
		return &pb.ReaderGroupConfigResponse{Status: pb.ReaderGroupConfigResponse_RG_NOT_FOUND,
			Config: &pb.ReaderGroupConfiguration{Scope: req.GetScope(), ReaderGroupName: req.GetReaderGroup(),
				ReaderGroupId: zeroUUID, Generation: -1}}, nil
	}
	if err != nil {
		return nil, s.internal("get reader group", err)
	}
	cfg, err := unmarshalConfig(rec.Config)
	if err != nil {
		return nil, s.internal("get reader group", err)
	}
	return &pb.ReaderGroupConfigResponse{Status: pb.ReaderGroupConfigResponse_SUCCESS, Config: cfg}, nil
}

// UpdateReaderGroup implements updateReaderGroup.
func (s *Service) UpdateReaderGroup(ctx context.Context, req *pb.ReaderGroupConfiguration) (*pb.UpdateReaderGroupResponse, error) {
	gen, err := s.e.UpdateReaderGroup(ctx, req.GetScope(), req.GetReaderGroupName(), req.GetReaderGroupId(),
		req.GetGeneration(), subscribedStreams(req), func(newGen int64) []byte {
			c := proto.Clone(req).(*pb.ReaderGroupConfiguration)
			c.Generation = newGen
			return marshalConfig(c)
		})
	switch {
	case err == nil:
		return &pb.UpdateReaderGroupResponse{Status: pb.UpdateReaderGroupResponse_SUCCESS, Generation: gen}, nil
	case errors.Is(err, workflow.ErrRGNotFound):
		return &pb.UpdateReaderGroupResponse{Status: pb.UpdateReaderGroupResponse_RG_NOT_FOUND,
			Generation: req.GetGeneration()}, nil
	case errors.Is(err, workflow.ErrInvalidConfig):
		return &pb.UpdateReaderGroupResponse{Status: pb.UpdateReaderGroupResponse_INVALID_CONFIG,
			Generation: req.GetGeneration()}, nil
	}
	return nil, s.internal("update reader group", err)
}

// DeleteReaderGroup implements deleteReaderGroup.
func (s *Service) DeleteReaderGroup(ctx context.Context, req *pb.ReaderGroupInfo) (*pb.DeleteReaderGroupStatus, error) {
	id := req.GetReaderGroupId()
	if id == "" {
		id = zeroUUID // never matches an assigned id
	}
	err := s.e.DeleteReaderGroup(ctx, req.GetScope(), req.GetReaderGroup(), id)
	switch {
	case err == nil:
		return &pb.DeleteReaderGroupStatus{Status: pb.DeleteReaderGroupStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrRGNotFound):
		return &pb.DeleteReaderGroupStatus{Status: pb.DeleteReaderGroupStatus_RG_NOT_FOUND}, nil
	}
	return nil, s.internal("delete reader group", err)
}
