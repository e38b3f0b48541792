package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// UpdateStream stores a new configuration and returns when it is applied:
// tags re-indexed, UpdateSegmentPolicy sent to the active segments, and, if
// the segment count no longer fits the policy (FIXED with a different
// count, or fewer than the minimum), a scale that replaces every active
// segment with MinSegments equal ranges. Errors: ErrStreamNotFound,
// ErrStreamSealed, ErrBusy.
func (e *Engine) UpdateStream(ctx context.Context, scope, stream string, cfg store.StreamConfig) error {
	unlock, err := e.lockOpenStream(ctx, scope, stream)
	if err != nil {
		return err
	}
	defer unlock()
	err = e.startStreamOp(ctx, scope, stream, store.StreamUpdating, func(r *store.StreamRecord) error {
		r.OldTags = r.Config.Tags
		r.Config = cfg
		r.PolicyUpdated = false
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.runStream(ctx, scope, stream); err != nil && !errors.Is(err, errParked) {
		return err
	}
	return nil
}

func (e *Engine) stepUpdate(ctx context.Context, scope, stream string, rec *store.StreamRecord) error {
	if isUserStream(stream) {
		if err := e.indexTags(ctx, scope, stream, rec.OldTags, rec.Config.Tags); err != nil {
			return err
		}
	}
	if !rec.PolicyUpdated {
		pol := policyOf(rec.Config)
		for _, s := range rec.Model.CurrentSegments() {
			if err := e.ss.UpdateSegmentPolicy(ctx, naming.QualifiedName(scope, stream, s.ID), pol); err != nil {
				return fmt.Errorf("update %s/%s: %w", scope, stream, err)
			}
		}
	}
	n := int(rec.Config.MinSegments)
	active := len(rec.Model.CurrentSegments())
	reset := (rec.Config.ScaleType == 0 && active != n) || active < n
	_, err := e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
		if r.State != store.StreamUpdating {
			return nil, nil
		}
		r.OldTags = nil
		r.PolicyUpdated = false
		if reset {
			plan, err := r.Model.PlanReset(n)
			if err != nil {
				return nil, fmt.Errorf("plan reset of %s/%s: %w", scope, stream, err)
			}
			r.State = store.StreamScaling
			r.Scale = &store.ScaleOp{Plan: plan, Timestamp: e.nowMs()}
			return nil, nil // the marker stays: the scale continues the workflow
		}
		r.State = store.StreamActive
		return []metastore.Op{clearMarkerOp(store.WorkflowStream, scope, stream)}, nil
	})
	return err
}
