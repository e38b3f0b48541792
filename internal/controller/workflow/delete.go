package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// DeleteStream deletes a sealed stream: its segments, its watermark stream,
// its transaction, writer and subscriber records and its tag index
// entries, then the record; the next segment number is kept for a
// re-created stream. Errors: ErrStreamNotFound, ErrStreamNotSealed.
func (e *Engine) DeleteStream(ctx context.Context, scope, stream string) error {
	unlock, err := e.locks.lock(ctx, streamLockKey(scope, stream))
	if err != nil {
		return err
	}
	defer unlock()
	rec, err := e.GetStream(ctx, scope, stream)
	if err != nil {
		return err
	}
	if rec.State != store.StreamDeleting {
		if rec.State != store.StreamSealed {
			return ErrStreamNotSealed
		}
		if err := e.startStreamOp(ctx, scope, stream, store.StreamDeleting, nil); err != nil {
			return err
		}
	}
	return e.runStream(ctx, scope, stream)
}

func (e *Engine) stepDelete(ctx context.Context, scope, stream string, rec *store.StreamRecord) error {
	for _, s := range rec.Model.Segments() {
		if err := e.ss.DeleteSegment(ctx, naming.QualifiedName(scope, stream, s.ID)); err != nil {
			return fmt.Errorf("delete %s/%s: %w", scope, stream, err)
		}
	}
	if err := e.fail("delete.segments"); err != nil {
		return err
	}
	if isUserStream(stream) {
		if err := e.sealAndDelete(ctx, scope, naming.MarkStreamName(stream)); err != nil {
			return err
		}
		if err := e.indexTags(ctx, scope, stream, rec.Config.Tags, nil); err != nil {
			return err
		}
	}
	for _, prefix := range []string{store.TxnsPrefix(scope, stream), store.CompletedTxnsPrefix(scope, stream),
		store.WritersPrefix(scope, stream), store.SubscribersPrefix(scope, stream)} {
		if err := e.deletePrefix(ctx, prefix); err != nil {
			return err
		}
	}
	next := rec.Model.NextNumber()
	err := e.st.Txn(ctx,
		metastore.DeleteOp(store.StreamKey(scope, stream), metastore.Unconditional()),
		clearMarkerOp(store.WorkflowStream, scope, stream),
		store.PutOp(store.DeletedKey(scope, stream), store.DeletedRecord{NextNumber: next}, metastore.Unconditional()))
	return err
}

// deletePrefix deletes every key under prefix (and the txn markers of a
// txns/ prefix are left to their workflows, which find no record).
func (e *Engine) deletePrefix(ctx context.Context, prefix string) error {
	for {
		kvs, err := e.st.List(ctx, prefix, 100)
		if err != nil {
			return err
		}
		if len(kvs) == 0 {
			return nil
		}
		for _, kv := range kvs {
			if err := e.st.Delete(ctx, kv.Key, metastore.Unconditional()); err != nil && !errors.Is(err, metastore.ErrNotFound) {
				return err
			}
		}
	}
}
