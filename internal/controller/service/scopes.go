package service

import (
	"context"
	"errors"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
)

// Scopes: createScope, listScopes, checkScopeExists, deleteScope,
// deleteScopeRecursive (controller-api §2.4).

// CreateScope implements createScope.
func (s *Service) CreateScope(ctx context.Context, req *pb.ScopeInfo) (*pb.CreateScopeStatus, error) {
	if naming.ValidateScopeName(req.GetScope()) != nil {
		return &pb.CreateScopeStatus{Status: pb.CreateScopeStatus_INVALID_SCOPE_NAME}, nil
	}
	err := s.e.CreateScope(ctx, req.GetScope())
	switch {
	case err == nil:
		return &pb.CreateScopeStatus{Status: pb.CreateScopeStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrScopeExists):
		return &pb.CreateScopeStatus{Status: pb.CreateScopeStatus_SCOPE_EXISTS}, nil
	}
	return nil, s.internal("create scope", err)
}

// ListScopes implements listScopes.
func (s *Service) ListScopes(ctx context.Context, req *pb.ScopesRequest) (*pb.ScopesResponse, error) {
	after := req.GetContinuationToken().GetToken()
	names, err := s.e.ListScopes(ctx, after, PageSize)
	if err != nil {
		return nil, s.internal("list scopes", err)
	}
	return &pb.ScopesResponse{Scopes: names, ContinuationToken: page(names, after)}, nil
}

// CheckScopeExists implements checkScopeExists.
func (s *Service) CheckScopeExists(ctx context.Context, req *pb.ScopeInfo) (*pb.ExistsResponse, error) {
	if req.GetScope() == "" {
		return &pb.ExistsResponse{}, nil
	}
	ok, err := s.e.ScopeExists(ctx, req.GetScope())
	if err != nil {
		return nil, s.internal("check scope", err)
	}
	return &pb.ExistsResponse{Exists: ok}, nil
}

// DeleteScope implements deleteScope.
func (s *Service) DeleteScope(ctx context.Context, req *pb.ScopeInfo) (*pb.DeleteScopeStatus, error) {
	if req.GetScope() == "" {
		return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_SCOPE_NOT_FOUND}, nil
	}
	err := s.e.DeleteScope(ctx, req.GetScope())
	switch {
	case err == nil:
		return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrScopeNotFound):
		return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_SCOPE_NOT_FOUND}, nil
	case errors.Is(err, workflow.ErrScopeNotEmpty):
		return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_SCOPE_NOT_EMPTY}, nil
	}
	return nil, s.internal("delete scope", err)
}

// DeleteScopeRecursive implements deleteScopeRecursive.
func (s *Service) DeleteScopeRecursive(ctx context.Context, req *pb.ScopeInfo) (*pb.DeleteScopeStatus, error) {
	if req.GetScope() == "" {
		return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_SUCCESS}, nil
	}
	if err := s.e.DeleteScopeRecursive(ctx, req.GetScope()); err != nil {
		s.log.Warn("recursive scope delete failed", "scope", req.GetScope(), "err", err)
		return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_FAILURE}, nil
	}
	return &pb.DeleteScopeStatus{Status: pb.DeleteScopeStatus_SUCCESS}, nil
}
