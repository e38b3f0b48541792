package service

import (
	"context"

	pb "github.com/sluicestream/sluice/api/controller"
)

// Discovery and tokens: getControllerServerList, getDelegationToken,
// getControllerToBucketMapping (controller-api §2.14, §5.4).

// GetControllerServerList implements getControllerServerList.
func (s *Service) GetControllerServerList(context.Context, *pb.ServerRequest) (*pb.ServerResponse, error) {
	out := &pb.ServerResponse{}
	for _, addr := range s.cfg.Controllers {
		uri, err := nodeURI(addr)
		if err != nil {
			return nil, s.internal("server list", err)
		}
		out.NodeURI = append(out.NodeURI, uri)
	}
	return out, nil
}

// GetDelegationToken implements getDelegationToken: READ for READ
// requests, READ_UPDATE otherwise; "" while auth is off.
func (s *Service) GetDelegationToken(_ context.Context, req *pb.StreamInfo) (*pb.DelegationToken, error) {
	scope, stream, err := streamOf(req)
	if err != nil {
		return nil, err
	}
	if req.GetAccessOperation() == pb.StreamInfo_ANY {
		return nil, invalid("accessOperation ANY is not allowed for a delegation token")
	}
	t, err := s.token(scope, stream, req.GetAccessOperation() != pb.StreamInfo_READ)
	if err != nil {
		return nil, err
	}
	return &pb.DelegationToken{DelegationToken: t}, nil
}

// GetControllerToBucketMapping implements the post-0.13 RPC: no buckets.
func (s *Service) GetControllerToBucketMapping(context.Context, *pb.ControllerToBucketMappingRequest) (*pb.ControllerToBucketMappingResponse, error) {
	return &pb.ControllerToBucketMappingResponse{}, nil
}
