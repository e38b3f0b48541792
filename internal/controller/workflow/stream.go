package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Stream life cycle: create, and the driver that runs whatever stream
// workflow is recorded (runStream). The other stream workflows live in
// scale.go, seal.go, truncate.go, update.go and delete.go.

// getRecord reads the record at key into a new T; a missing key is
// notFound.
func getRecord[T any](ctx context.Context, st *store.Store, key string, notFound error) (*T, error) {
	rec := new(T)
	if _, err := st.Get(ctx, key, rec); err != nil {
		if errors.Is(err, metastore.ErrNotFound) && notFound != nil {
			return nil, notFound
		}
		return nil, err
	}
	return rec, nil
}

// GetStream reads a stream record (ErrStreamNotFound).
func (e *Engine) GetStream(ctx context.Context, scope, stream string) (*store.StreamRecord, error) {
	return getRecord[store.StreamRecord](ctx, e.st, store.StreamKey(scope, stream), ErrStreamNotFound)
}

// ListStreams returns up to limit stream names of a scope after the given one.
func (e *Engine) ListStreams(ctx context.Context, scope, after string, limit int) ([]string, error) {
	return e.st.Keys(ctx, store.StreamsPrefix(scope), after, limit)
}

// ListStreamsByTag returns up to limit names of the scope's streams with tag.
func (e *Engine) ListStreamsByTag(ctx context.Context, scope, tag, after string, limit int) ([]string, error) {
	return e.st.Keys(ctx, store.TagPrefix(scope, tag), after, limit)
}

func (e *Engine) updateStream(ctx context.Context, scope, stream string,
	fn func(r *store.StreamRecord) ([]metastore.Op, error)) (*store.StreamRecord, error) {
	rec, err := store.Update(ctx, e.st, store.StreamKey(scope, stream), fn)
	if errors.Is(err, metastore.ErrNotFound) {
		return nil, ErrStreamNotFound
	}
	return rec, err
}

// policyOf converts a stream's scaling policy to the segment store's.
func policyOf(c store.StreamConfig) segments.Policy {
	switch c.ScaleType {
	case 1:
		return segments.Policy{Type: wire.ScaleThroughput, Rate: c.TargetRate}
	case 2:
		return segments.Policy{Type: wire.ScaleEventRate, Rate: c.TargetRate}
	}
	return segments.Policy{Type: wire.ScaleNoScaling}
}

// CreateStream creates a stream and returns once it is active: segments on
// the segment store, the watermark stream "_MARK<stream>" for user streams,
// the tag index. ErrScopeNotFound, ErrStreamExists.
func (e *Engine) CreateStream(ctx context.Context, scope, stream string, cfg store.StreamConfig) error {
	unlock, err := e.locks.lock(ctx, streamLockKey(scope, stream))
	if err != nil {
		return err
	}
	defer unlock()
	scopeRev, err := e.activeScope(ctx, scope)
	if err != nil {
		return err
	}
	if existing, err := e.GetStream(ctx, scope, stream); err == nil {
		if existing.State == store.StreamCreating {
			if err := e.runStream(ctx, scope, stream); err != nil && !errors.Is(err, errParked) {
				return err
			}
		}
		return ErrStreamExists
	} else if !errors.Is(err, ErrStreamNotFound) {
		return err
	}
	var del store.DeletedRecord
	if _, err := e.st.Get(ctx, store.DeletedKey(scope, stream), &del); err != nil && !errors.Is(err, metastore.ErrNotFound) {
		return err
	}
	model, err := streammodel.New(int(cfg.MinSegments), del.NextNumber, e.nowMs())
	if err != nil {
		return err
	}
	rec := store.StreamRecord{Config: cfg, State: store.StreamCreating, Model: model, CreatedAt: e.nowMs()}
	err = e.st.Txn(ctx,
		metastore.CheckOp(store.ScopeKey(scope), metastore.AtRevision(scopeRev)),
		store.PutOp(store.StreamKey(scope, stream), &rec, metastore.MustNotExist()),
		markerOp("create", store.WorkflowStream, scope, stream))
	if errors.Is(err, metastore.ErrConflict) {
		return ErrStreamExists // or the scope changed under us; the client retries
	}
	if err != nil {
		return err
	}
	return e.runStream(ctx, scope, stream)
}

// kickStream resumes a stream's recorded workflow in the background.
func (e *Engine) kickStream(scope, stream string) {
	e.kick("stream "+scope+"/"+stream, streamLockKey(scope, stream), func(ctx context.Context) error {
		return e.runStream(ctx, scope, stream)
	})
}

// kick resumes a recorded workflow in the background, holding its lock.
func (e *Engine) kick(what, lockKey string, run func(context.Context) error) {
	e.spawn(what, func(ctx context.Context) error {
		unlock, err := e.locks.lock(ctx, lockKey)
		if err != nil {
			return err
		}
		defer unlock()
		return run(ctx)
	})
}

// runStream drives the stream's recorded workflow until the stream is
// Active, Sealed or gone, or a scale parks waiting for transactions
// (errParked). The caller holds the stream lock.
func (e *Engine) runStream(ctx context.Context, scope, stream string) error {
	for {
		rec, err := e.GetStream(ctx, scope, stream)
		if errors.Is(err, ErrStreamNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		switch rec.State {
		case store.StreamActive, store.StreamSealed:
			return nil
		case store.StreamCreating:
			err = e.stepCreate(ctx, scope, stream, rec)
		case store.StreamScaling:
			err = e.stepScale(ctx, scope, stream, rec)
		case store.StreamUpdating:
			err = e.stepUpdate(ctx, scope, stream, rec)
		case store.StreamTruncating:
			err = e.stepTruncate(ctx, scope, stream, rec)
		case store.StreamSealing:
			err = e.stepSeal(ctx, scope, stream, rec)
		case store.StreamDeleting:
			err = e.stepDelete(ctx, scope, stream, rec)
		default:
			return fmt.Errorf("stream %s/%s: unknown state %q", scope, stream, rec.State)
		}
		if err != nil {
			return err
		}
	}
}

// stepCreate creates the segments, the watermark stream and the tag index,
// then activates the stream.
func (e *Engine) stepCreate(ctx context.Context, scope, stream string, rec *store.StreamRecord) error {
	pol := policyOf(rec.Config)
	for _, s := range rec.Model.CurrentSegments() {
		if err := e.ss.CreateSegment(ctx, naming.QualifiedName(scope, stream, s.ID), pol, rec.Config.RolloverSizeBytes); err != nil {
			return fmt.Errorf("create stream %s/%s: %w", scope, stream, err)
		}
	}
	if err := e.fail("create.segments"); err != nil {
		return err
	}
	if isUserStream(stream) {
		err := e.createInternalStream(ctx, scope, naming.MarkStreamName(stream))
		if err != nil {
			return fmt.Errorf("create watermark stream of %s/%s: %w", scope, stream, err)
		}
		if err := e.indexTags(ctx, scope, stream, nil, rec.Config.Tags); err != nil {
			return err
		}
	}
	_, err := e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
		if r.State != store.StreamCreating {
			return nil, nil
		}
		r.State = store.StreamActive
		return []metastore.Op{clearMarkerOp(store.WorkflowStream, scope, stream)}, nil
	})
	return err
}

// createInternalStream creates a FIXED 1 internal stream ("_MARK...",
// "_RG..."); an existing one is fine. It works even while the scope is
// being deleted only if the stream exists already.
func (e *Engine) createInternalStream(ctx context.Context, scope, stream string) error {
	err := e.CreateStream(ctx, scope, stream, store.StreamConfig{MinSegments: 1})
	if errors.Is(err, ErrStreamExists) {
		return nil
	}
	return err
}

// indexTags moves a stream's tag index entries from old to new tags.
func (e *Engine) indexTags(ctx context.Context, scope, stream string, old, tags []string) error {
	for _, t := range old {
		if !slices.Contains(tags, t) {
			if err := e.st.Delete(ctx, store.TagKey(scope, t, stream), metastore.Unconditional()); err != nil {
				return err
			}
		}
	}
	for _, t := range tags {
		if _, err := e.st.Meta().Put(ctx, store.TagKey(scope, t, stream), nil, metastore.Unconditional()); err != nil {
			return err
		}
	}
	return nil
}

// finishPending runs whatever workflow the stream has recorded, so that a
// new operation starts from a quiet state. A parked scale makes it ErrBusy.
// lockOpenStream takes the stream's lock for an operation that needs the
// stream open: it fails with ErrStreamSealed if the stream is sealed or
// being sealed, and first finishes whatever operation is still pending on
// the stream. The caller must call unlock.
func (e *Engine) lockOpenStream(ctx context.Context, scope, stream string) (unlock func(), err error) {
	unlock, err = e.locks.lock(ctx, streamLockKey(scope, stream))
	if err != nil {
		return nil, err
	}
	rec, err := e.GetStream(ctx, scope, stream)
	if err == nil && (rec.State == store.StreamSealed || rec.State == store.StreamSealing) {
		err = ErrStreamSealed
	}
	if err == nil {
		rec, err = e.finishPending(ctx, scope, stream)
	}
	if err == nil && rec.State == store.StreamSealed {
		err = ErrStreamSealed
	}
	if err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

func (e *Engine) finishPending(ctx context.Context, scope, stream string) (*store.StreamRecord, error) {
	if err := e.runStream(ctx, scope, stream); err != nil {
		if errors.Is(err, errParked) {
			return nil, ErrBusy
		}
		return nil, err
	}
	return e.GetStream(ctx, scope, stream)
}

// startStreamOp moves an Active stream into state with a workflow marker;
// fn may fill in the plan.
func (e *Engine) startStreamOp(ctx context.Context, scope, stream string, state store.StreamState,
	fn func(r *store.StreamRecord) error) error {
	_, err := e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
		if r.State != store.StreamActive && (state != store.StreamDeleting || r.State != store.StreamSealed) {
			return nil, ErrBusy
		}
		if fn != nil {
			if err := fn(r); err != nil {
				return nil, err
			}
		}
		r.State = state
		return []metastore.Op{markerOp(string(state), store.WorkflowStream, scope, stream)}, nil
	})
	return err
}
