package workflow

import (
	"context"
	"fmt"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// SealStream seals a stream and returns when done; sealed already is
// success. Open transactions are aborted and committing ones completed
// first, so that a parked scale can finish before the seal.
func (e *Engine) SealStream(ctx context.Context, scope, stream string) error {
	unlock, err := e.locks.lock(ctx, streamLockKey(scope, stream))
	if err != nil {
		return err
	}
	defer unlock()
	rec, err := e.GetStream(ctx, scope, stream)
	if err != nil {
		return err
	}
	if rec.State == store.StreamSealed {
		return nil
	}
	if err := e.settleTxns(ctx, scope, stream); err != nil {
		return err
	}
	rec, err = e.finishPending(ctx, scope, stream)
	if err != nil {
		return err
	}
	if rec.State == store.StreamActive {
		if err := e.startStreamOp(ctx, scope, stream, store.StreamSealing, nil); err != nil {
			return err
		}
	}
	return e.runStream(ctx, scope, stream)
}

// settleTxns aborts the stream's open transactions and completes the
// committing and aborting ones. The caller holds the stream lock.
func (e *Engine) settleTxns(ctx context.Context, scope, stream string) error {
	txns, err := e.listTxns(ctx, scope, stream)
	if err != nil {
		return err
	}
	for _, t := range txns {
		id := naming.UUID{MSB: t.MSB, LSB: t.LSB}
		if t.State == store.TxnOpen {
			if err := e.markTxn(ctx, scope, stream, id, store.TxnAborting); err != nil {
				return err
			}
		}
		if err := e.completeTxn(ctx, scope, stream, id.Hex()); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) stepSeal(ctx context.Context, scope, stream string, rec *store.StreamRecord) error {
	for _, s := range rec.Model.CurrentSegments() {
		if err := e.ss.SealSegment(ctx, naming.QualifiedName(scope, stream, s.ID)); err != nil {
			return fmt.Errorf("seal %s/%s: %w", scope, stream, err)
		}
	}
	if err := e.fail("seal.sealed"); err != nil {
		return err
	}
	_, err := e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
		if r.State != store.StreamSealing {
			return nil, nil
		}
		m := r.Model.Clone()
		m.Seal()
		r.Model = m
		r.State = store.StreamSealed
		return []metastore.Op{clearMarkerOp(store.WorkflowStream, scope, stream)}, nil
	})
	return err
}
