package service

import (
	"context"
	"errors"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
)

// Key-value tables: createKeyValueTable, getCurrentSegmentsKeyValueTable,
// listKeyValueTablesInScope, getKeyValueTableConfiguration,
// deleteKeyValueTable (controller-api §2.13).

// CreateKeyValueTable implements createKeyValueTable.
func (s *Service) CreateKeyValueTable(ctx context.Context, req *pb.KeyValueTableConfig) (*pb.CreateKeyValueTableStatus, error) {
	if req.GetPartitionCount() <= 0 || req.GetPartitionCount() > MaxSegments || req.GetPrimaryKeyLength() <= 0 ||
		req.GetSecondaryKeyLength() < 0 || req.GetRolloverSizeBytes() < 0 {
		return nil, invalid("key-value table needs 0 < partitionCount <= %d, primaryKeyLength > 0, "+
			"secondaryKeyLength >= 0 and rolloverSizeBytes >= 0; got %d, %d, %d, %d", MaxSegments, req.GetPartitionCount(),
			req.GetPrimaryKeyLength(), req.GetSecondaryKeyLength(), req.GetRolloverSizeBytes())
	}
	if naming.ValidateUserName(naming.KindKVTable, req.GetKvtName()) != nil {
		return &pb.CreateKeyValueTableStatus{Status: pb.CreateKeyValueTableStatus_INVALID_TABLE_NAME}, nil
	}
	err := s.e.CreateKVT(ctx, req.GetScope(), req.GetKvtName(), workflow.KVTConfig{Partitions: req.GetPartitionCount(),
		PrimaryKeyLength: req.GetPrimaryKeyLength(), SecondaryKeyLength: req.GetSecondaryKeyLength(),
		RolloverSizeBytes: req.GetRolloverSizeBytes()})
	switch {
	case err == nil:
		return &pb.CreateKeyValueTableStatus{Status: pb.CreateKeyValueTableStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrScopeNotFound):
		return &pb.CreateKeyValueTableStatus{Status: pb.CreateKeyValueTableStatus_SCOPE_NOT_FOUND}, nil
	case errors.Is(err, workflow.ErrKVTExists):
		return &pb.CreateKeyValueTableStatus{Status: pb.CreateKeyValueTableStatus_TABLE_EXISTS}, nil
	}
	return nil, s.internal("create key-value table", err)
}

// GetCurrentSegmentsKeyValueTable implements getCurrentSegmentsKeyValueTable:
// the stream name in each SegmentId is the table's name.
func (s *Service) GetCurrentSegmentsKeyValueTable(ctx context.Context, req *pb.KeyValueTableInfo) (*pb.SegmentRanges, error) {
	rec, err := s.e.GetKVT(ctx, req.GetScope(), req.GetKvtName())
	if errors.Is(err, workflow.ErrKVTNotFound) {
		return nil, notFound("key-value table %s/%s not found", req.GetScope(), req.GetKvtName())
	}
	if err != nil {
		return nil, s.internal("get key-value table segments", err)
	}
	out := &pb.SegmentRanges{SegmentRanges: segmentRanges(req.GetScope(), req.GetKvtName(), rec.Model.CurrentSegments())}
	if out.DelegationToken, err = s.token(req.GetScope(), req.GetKvtName(), true); err != nil {
		return nil, err
	}
	return out, nil
}

// ListKeyValueTablesInScope implements listKeyValueTablesInScope.
func (s *Service) ListKeyValueTablesInScope(ctx context.Context, req *pb.KVTablesInScopeRequest) (*pb.KVTablesInScopeResponse, error) {
	scope := req.GetScope().GetScope()
	after := req.GetContinuationToken().GetToken()
	ok, err := s.e.ScopeExists(ctx, scope)
	if err != nil {
		return nil, s.internal("list key-value tables", err)
	}
	if !ok || scope == "" {
		return &pb.KVTablesInScopeResponse{Status: pb.KVTablesInScopeResponse_SCOPE_NOT_FOUND,
			ContinuationToken: &pb.ContinuationToken{Token: after}}, nil
	}
	names, err := s.e.ListKVTs(ctx, scope, after, PageSize)
	if err != nil {
		return nil, s.internal("list key-value tables", err)
	}
	out := &pb.KVTablesInScopeResponse{ContinuationToken: page(names, after)}
	for _, n := range names {
		out.Kvtables = append(out.Kvtables, &pb.KeyValueTableInfo{Scope: scope, KvtName: n})
	}
	return out, nil
}

// GetKeyValueTableConfiguration implements getKeyValueTableConfiguration.
func (s *Service) GetKeyValueTableConfiguration(ctx context.Context, req *pb.KeyValueTableInfo) (*pb.KeyValueTableConfigResponse, error) {
	rec, err := s.e.GetKVT(ctx, req.GetScope(), req.GetKvtName())
	if errors.Is(err, workflow.ErrKVTNotFound) {
		return &pb.KeyValueTableConfigResponse{Status: pb.KeyValueTableConfigResponse_TABLE_NOT_FOUND}, nil
	}
	if err != nil {
		return nil, s.internal("get key-value table configuration", err)
	}
	return &pb.KeyValueTableConfigResponse{Status: pb.KeyValueTableConfigResponse_SUCCESS,
		Config: &pb.KeyValueTableConfig{Scope: req.GetScope(), KvtName: req.GetKvtName(),
			PartitionCount: rec.PartitionCount, PrimaryKeyLength: rec.PrimaryKeyLength,
			SecondaryKeyLength: rec.SecondaryKeyLength, RolloverSizeBytes: rec.RolloverSizeBytes}}, nil
}

// DeleteKeyValueTable implements deleteKeyValueTable.
func (s *Service) DeleteKeyValueTable(ctx context.Context, req *pb.KeyValueTableInfo) (*pb.DeleteKVTableStatus, error) {
	err := s.e.DeleteKVT(ctx, req.GetScope(), req.GetKvtName())
	switch {
	case err == nil:
		return &pb.DeleteKVTableStatus{Status: pb.DeleteKVTableStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrKVTNotFound):
		return &pb.DeleteKVTableStatus{Status: pb.DeleteKVTableStatus_TABLE_NOT_FOUND}, nil
	}
	return nil, s.internal("delete key-value table", err)
}
