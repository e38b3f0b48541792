package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// Key-value tables: partitionCount fixed-key-length table segments
// "<scope>/<kvt>_kvtable/<i>.#epoch.0" with equal key ranges.

// KVTConfig is a key-value table's configuration.
type KVTConfig struct {
	Partitions         int32
	PrimaryKeyLength   int32
	SecondaryKeyLength int32
	RolloverSizeBytes  int64
}

func kvtLockKey(scope, kvt string) string { return "kvt/" + scope + "/" + kvt }

// CreateKVT creates a key-value table and returns when its segments exist.
// Errors: ErrScopeNotFound, ErrKVTExists.
func (e *Engine) CreateKVT(ctx context.Context, scope, kvt string, cfg KVTConfig) error {
	unlock, err := e.locks.lock(ctx, kvtLockKey(scope, kvt))
	if err != nil {
		return err
	}
	defer unlock()
	scopeRev, err := e.activeScope(ctx, scope)
	if err != nil {
		return err
	}
	if rec, err := e.GetKVT(ctx, scope, kvt); err == nil {
		if rec.State == store.ObjectCreating {
			if err := e.runKVT(ctx, scope, kvt); err != nil {
				return err
			}
		}
		return ErrKVTExists
	} else if !errors.Is(err, ErrKVTNotFound) {
		return err
	}
	model, err := streammodel.New(int(cfg.Partitions), 0, e.nowMs())
	if err != nil {
		return err
	}
	rec := store.KVTRecord{State: store.ObjectCreating, PartitionCount: cfg.Partitions,
		PrimaryKeyLength: cfg.PrimaryKeyLength, SecondaryKeyLength: cfg.SecondaryKeyLength,
		RolloverSizeBytes: cfg.RolloverSizeBytes, Model: model, CreatedAt: e.nowMs()}
	err = e.st.Txn(ctx, metastore.CheckOp(store.ScopeKey(scope), metastore.AtRevision(scopeRev)),
		store.PutOp(store.KVTKey(scope, kvt), &rec, metastore.MustNotExist()),
		markerOp("create", store.WorkflowKVT, scope, kvt))
	if errors.Is(err, metastore.ErrConflict) {
		return ErrKVTExists
	}
	if err != nil {
		return err
	}
	return e.runKVT(ctx, scope, kvt)
}

// GetKVT reads a key-value table record (ErrKVTNotFound).
func (e *Engine) GetKVT(ctx context.Context, scope, kvt string) (*store.KVTRecord, error) {
	return getRecord[store.KVTRecord](ctx, e.st, store.KVTKey(scope, kvt), ErrKVTNotFound)
}

// ListKVTs returns up to limit table names of a scope after the given one.
func (e *Engine) ListKVTs(ctx context.Context, scope, after string, limit int) ([]string, error) {
	return e.st.Keys(ctx, store.KVTsPrefix(scope), after, limit)
}

// DeleteKVT deletes a key-value table and its segments (ErrKVTNotFound).
func (e *Engine) DeleteKVT(ctx context.Context, scope, kvt string) error {
	unlock, err := e.locks.lock(ctx, kvtLockKey(scope, kvt))
	if err != nil {
		return err
	}
	defer unlock()
	_, err = store.Update(ctx, e.st, store.KVTKey(scope, kvt), func(r *store.KVTRecord) ([]metastore.Op, error) {
		r.State = store.ObjectDeleting
		return []metastore.Op{markerOp("delete", store.WorkflowKVT, scope, kvt)}, nil
	})
	if errors.Is(err, metastore.ErrNotFound) {
		return ErrKVTNotFound
	}
	if err != nil {
		return err
	}
	return e.runKVT(ctx, scope, kvt)
}

func (e *Engine) kickKVT(scope, kvt string) {
	e.kick("kvt "+scope+"/"+kvt, kvtLockKey(scope, kvt), func(ctx context.Context) error {
		return e.runKVT(ctx, scope, kvt)
	})
}

// runKVT completes a table's create or delete workflow.
func (e *Engine) runKVT(ctx context.Context, scope, kvt string) error {
	rec, err := e.GetKVT(ctx, scope, kvt)
	if errors.Is(err, ErrKVTNotFound) {
		return e.st.Delete(ctx, store.WorkflowKey(store.WorkflowKVT, scope, kvt), metastore.Unconditional())
	}
	if err != nil {
		return err
	}
	switch rec.State {
	case store.ObjectCreating:
		keyLen := rec.PrimaryKeyLength + rec.SecondaryKeyLength
		for _, s := range rec.Model.CurrentSegments() {
			if err := e.ss.CreateTableSegment(ctx, naming.KVTableSegmentName(scope, kvt, s.ID), keyLen,
				rec.RolloverSizeBytes); err != nil {
				return fmt.Errorf("create key-value table %s/%s: %w", scope, kvt, err)
			}
		}
		_, err = store.Update(ctx, e.st, store.KVTKey(scope, kvt), func(r *store.KVTRecord) ([]metastore.Op, error) {
			r.State = store.ObjectActive
			return []metastore.Op{clearMarkerOp(store.WorkflowKVT, scope, kvt)}, nil
		})
		return err
	case store.ObjectDeleting:
		for _, s := range rec.Model.Segments() {
			if err := e.ss.DeleteTableSegment(ctx, naming.KVTableSegmentName(scope, kvt, s.ID), false); err != nil {
				return fmt.Errorf("delete key-value table %s/%s: %w", scope, kvt, err)
			}
		}
		return e.st.Txn(ctx, metastore.DeleteOp(store.KVTKey(scope, kvt), metastore.Unconditional()),
			clearMarkerOp(store.WorkflowKVT, scope, kvt))
	}
	return nil
}
