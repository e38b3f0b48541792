package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// TruncateStream truncates a stream at a cut and returns when done:
// segments wholly before the cut are deleted, the cut's segments truncated
// at their offsets, and the cut becomes the head. Errors: ErrStreamNotFound,
// ErrStreamSealed, ErrInvalidCut (invalid or behind the head), ErrBusy.
func (e *Engine) TruncateStream(ctx context.Context, scope, stream string, cut streammodel.Cut) error {
	unlock, err := e.lockOpenStream(ctx, scope, stream)
	if err != nil {
		return err
	}
	defer unlock()
	err = e.startStreamOp(ctx, scope, stream, store.StreamTruncating, func(r *store.StreamRecord) error {
		plan, err := r.Model.PlanTruncation(cut)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidCut, err)
		}
		r.Truncation = &plan
		return nil
	})
	if err != nil {
		return err
	}
	return e.runStream(ctx, scope, stream)
}

func (e *Engine) stepTruncate(ctx context.Context, scope, stream string, rec *store.StreamRecord) error {
	plan := rec.Truncation
	if plan == nil {
		return fmt.Errorf("stream %s/%s: truncating without a plan", scope, stream)
	}
	ids := make([]int64, 0, len(plan.Truncate))
	for id := range plan.Truncate {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		err := e.ss.TruncateSegment(ctx, naming.QualifiedName(scope, stream, id), plan.Truncate[id])
		if err != nil {
			return fmt.Errorf("truncate %s/%s: %w", scope, stream, err)
		}
	}
	if err := e.fail("truncate.truncated"); err != nil {
		return err
	}
	for _, id := range plan.Delete {
		if err := e.ss.DeleteSegment(ctx, naming.QualifiedName(scope, stream, id)); err != nil {
			return fmt.Errorf("truncate %s/%s: %w", scope, stream, err)
		}
	}
	_, err := e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
		if r.State != store.StreamTruncating || r.Truncation == nil {
			return nil, nil
		}
		m := r.Model.Clone()
		if err := m.ApplyTruncation(*r.Truncation); err != nil && !errors.Is(err, streammodel.ErrCutOutOfOrder) {
			return nil, fmt.Errorf("apply truncation of %s/%s: %w", scope, stream, err)
		}
		r.Model = m
		r.Truncation = nil
		r.State = store.StreamActive
		return []metastore.Op{clearMarkerOp(store.WorkflowStream, scope, stream)}, nil
	})
	return err
}
