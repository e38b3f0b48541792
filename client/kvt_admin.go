package client

import (
	"context"
	"fmt"
	"iter"

	pb "github.com/sluicestream/sluice/api/controller"
)

// Key-value table administration through the controller:
// createKeyValueTable, deleteKeyValueTable, listKeyValueTablesInScope and
// getKeyValueTableConfiguration (the Java KeyValueTableManager's calls).

// KVTConfig is a key-value table's configuration. Every key of the table
// is a primary key of exactly PrimaryKeyLength bytes followed by a
// secondary key of exactly SecondaryKeyLength bytes (0: none).
type KVTConfig struct {
	// Partitions is the number of table segments (at least 1); keys are
	// spread over them by a hash of their primary key.
	Partitions int32
	// PrimaryKeyLength is the length of every primary key (at least 1).
	PrimaryKeyLength int32
	// SecondaryKeyLength is the length of every secondary key (0: none).
	SecondaryKeyLength int32
	// RolloverSizeBytes is the chunk size in long-term storage (0: server
	// default).
	RolloverSizeBytes int64
}

// KeyLength is the length of a whole key: primary and secondary.
func (c KVTConfig) KeyLength() int { return int(c.PrimaryKeyLength) + int(c.SecondaryKeyLength) }

// CreateKeyValueTable creates a key-value table: ErrKVTExists if it is
// already there, ErrScopeNotFound without the scope, ErrInvalidArgument for
// a bad name or configuration.
func (m *StreamManager) CreateKeyValueTable(ctx context.Context, scope, name string, cfg KVTConfig) error {
	if cfg.Partitions <= 0 || cfg.PrimaryKeyLength <= 0 || cfg.SecondaryKeyLength < 0 || cfg.RolloverSizeBytes < 0 {
		return fmt.Errorf("create key-value table %s/%s: %w: need partitions > 0, primary key length > 0, "+
			"secondary key length >= 0 and rollover size >= 0; got %d, %d, %d, %d", scope, name, ErrInvalidArgument,
			cfg.Partitions, cfg.PrimaryKeyLength, cfg.SecondaryKeyLength, cfg.RolloverSizeBytes)
	}
	r, err := call(ctx, m.c.ctl, "createKeyValueTable", nil, func(ctx context.Context) (*pb.CreateKeyValueTableStatus, error) {
		return m.c.ctl.rpc.CreateKeyValueTable(ctx, &pb.KeyValueTableConfig{Scope: scope, KvtName: name,
			PartitionCount: cfg.Partitions, PrimaryKeyLength: cfg.PrimaryKeyLength,
			SecondaryKeyLength: cfg.SecondaryKeyLength, RolloverSizeBytes: cfg.RolloverSizeBytes})
	})
	if err != nil {
		return fmt.Errorf("create key-value table %s/%s: %w", scope, name, err)
	}
	switch r.GetStatus() {
	case pb.CreateKeyValueTableStatus_SUCCESS:
		return nil
	case pb.CreateKeyValueTableStatus_TABLE_EXISTS:
		return fmt.Errorf("create key-value table %s/%s: %w", scope, name, ErrKVTExists)
	case pb.CreateKeyValueTableStatus_SCOPE_NOT_FOUND:
		return fmt.Errorf("create key-value table %s/%s: %w", scope, name, ErrScopeNotFound)
	case pb.CreateKeyValueTableStatus_INVALID_TABLE_NAME:
		return fmt.Errorf("create key-value table %s/%s: %w: invalid table name", scope, name, ErrInvalidArgument)
	}
	return fmt.Errorf("create key-value table %s/%s: %w: %v", scope, name, ErrFailed, r.GetStatus())
}

// DeleteKeyValueTable deletes a key-value table and its data:
// ErrKVTNotFound if it does not exist.
func (m *StreamManager) DeleteKeyValueTable(ctx context.Context, scope, name string) error {
	r, err := call(ctx, m.c.ctl, "deleteKeyValueTable", ErrKVTNotFound, func(ctx context.Context) (*pb.DeleteKVTableStatus, error) {
		return m.c.ctl.rpc.DeleteKeyValueTable(ctx, &pb.KeyValueTableInfo{Scope: scope, KvtName: name})
	})
	if err != nil {
		return fmt.Errorf("delete key-value table %s/%s: %w", scope, name, err)
	}
	switch r.GetStatus() {
	case pb.DeleteKVTableStatus_SUCCESS:
		return nil
	case pb.DeleteKVTableStatus_TABLE_NOT_FOUND:
		return fmt.Errorf("delete key-value table %s/%s: %w", scope, name, ErrKVTNotFound)
	}
	return fmt.Errorf("delete key-value table %s/%s: %w: %v", scope, name, ErrFailed, r.GetStatus())
}

// KeyValueTableConfig returns a key-value table's configuration:
// ErrKVTNotFound if it does not exist.
func (m *StreamManager) KeyValueTableConfig(ctx context.Context, scope, name string) (KVTConfig, error) {
	r, err := call(ctx, m.c.ctl, "getKeyValueTableConfiguration", ErrKVTNotFound,
		func(ctx context.Context) (*pb.KeyValueTableConfigResponse, error) {
			return m.c.ctl.rpc.GetKeyValueTableConfiguration(ctx, &pb.KeyValueTableInfo{Scope: scope, KvtName: name})
		})
	if err != nil {
		return KVTConfig{}, fmt.Errorf("configuration of key-value table %s/%s: %w", scope, name, err)
	}
	switch r.GetStatus() {
	case pb.KeyValueTableConfigResponse_SUCCESS:
		c := r.GetConfig()
		return KVTConfig{Partitions: c.GetPartitionCount(), PrimaryKeyLength: c.GetPrimaryKeyLength(),
			SecondaryKeyLength: c.GetSecondaryKeyLength(), RolloverSizeBytes: c.GetRolloverSizeBytes()}, nil
	case pb.KeyValueTableConfigResponse_TABLE_NOT_FOUND:
		return KVTConfig{}, fmt.Errorf("configuration of key-value table %s/%s: %w", scope, name, ErrKVTNotFound)
	}
	return KVTConfig{}, fmt.Errorf("configuration of key-value table %s/%s: %w: %v", scope, name, ErrFailed, r.GetStatus())
}

// ListKeyValueTables iterates over the key-value tables of a scope,
// fetching pages as it goes. A missing scope yields ErrScopeNotFound; an
// error ends the iteration.
func (m *StreamManager) ListKeyValueTables(ctx context.Context, scope string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		token := ""
		for {
			r, err := call(ctx, m.c.ctl, "listKeyValueTablesInScope", nil, func(ctx context.Context) (*pb.KVTablesInScopeResponse, error) {
				return m.c.ctl.rpc.ListKeyValueTablesInScope(ctx, &pb.KVTablesInScopeRequest{
					Scope: &pb.ScopeInfo{Scope: scope}, ContinuationToken: &pb.ContinuationToken{Token: token}})
			})
			if err != nil {
				yield("", fmt.Errorf("list key-value tables of %q: %w", scope, err))
				return
			}
			switch r.GetStatus() {
			case pb.KVTablesInScopeResponse_SUCCESS:
			case pb.KVTablesInScopeResponse_SCOPE_NOT_FOUND:
				yield("", fmt.Errorf("list key-value tables of %q: %w", scope, ErrScopeNotFound))
				return
			default:
				yield("", fmt.Errorf("list key-value tables of %q: %w: %v", scope, ErrFailed, r.GetStatus()))
				return
			}
			if len(r.GetKvtables()) == 0 {
				return
			}
			for _, t := range r.GetKvtables() {
				if !yield(t.GetKvtName(), nil) {
					return
				}
			}
			token = r.GetContinuationToken().GetToken()
		}
	}
}
