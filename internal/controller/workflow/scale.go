package workflow

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// Scale (manual scale and the reset scale of updateStream). Steps, each
// idempotent and recorded:
//
//  1. State Scaling with the plan (StreamRecord.Scale) and a marker.
//  2. Create the new segments on the segment store.
//  3. Apply the plan to the model: the new epoch becomes active
//     (Scale.Applied). From here getCurrentSegments and successors show the
//     new segments, while the old ones still accept appends.
//  4. Park while a transaction of an older epoch is open or committing: its
//     commit merges into the old segments, which must not be sealed yet.
//     The end of that transaction resumes the scale.
//  5. Seal the old segments; back to Active, marker removed.

// ScaleStarted is the answer to an accepted scale.
type ScaleStarted struct {
	Plan streammodel.ScalePlan
}

// Scale validates and records a scale, then runs it in the background.
// Errors: ErrStreamNotFound, *streammodel.ScaleError (FAILURE or
// PRECONDITION_FAILED), ErrBusy (another workflow in flight: FAILURE).
// The same request while the scale runs is answered again with its plan.
func (e *Engine) Scale(ctx context.Context, scope, stream string, sealed []int64, ranges []streammodel.KeyRange,
	ts int64) (streammodel.ScalePlan, error) {
	unlock, err := e.locks.lock(ctx, streamLockKey(scope, stream))
	if err != nil {
		return streammodel.ScalePlan{}, err
	}
	defer unlock()
	rec, err := e.GetStream(ctx, scope, stream)
	if err != nil {
		return streammodel.ScalePlan{}, err
	}
	if rec.State == store.StreamScaling && rec.Scale != nil {
		if rec.Scale.Plan.Matches(sealed, ranges) {
			return rec.Scale.Plan, nil
		}
		return streammodel.ScalePlan{}, ErrBusy
	}
	if rec.State == store.StreamSealed || rec.State == store.StreamSealing {
		return streammodel.ScalePlan{}, &streammodel.ScaleError{Reason: streammodel.ErrStreamSealed}
	}
	if rec.State != store.StreamActive {
		return streammodel.ScalePlan{}, ErrBusy
	}
	if size := recordSize(rec); size > cmp.Or(e.cfg.MaxScaleRecordBytes, defaultMaxScaleRecordBytes) {
		return streammodel.ScalePlan{}, &streammodel.ScaleError{Reason: streammodel.ErrHistoryFull,
			Detail: fmt.Sprintf("%s/%s has %d epochs in a %d-byte record", scope, stream, rec.Model.ActiveEpoch()+1, size)}
	}
	plan, err := rec.Model.PlanScale(sealed, ranges, int(rec.Config.MinSegments))
	if err != nil {
		return streammodel.ScalePlan{}, err
	}
	if err := e.startScale(ctx, scope, stream, plan, ts); err != nil {
		return streammodel.ScalePlan{}, err
	}
	e.kickStream(scope, stream)
	return plan, nil
}

// defaultMaxScaleRecordBytes leaves the largest stream record a third of
// etcd's default 1.5 MiB request limit, so the steps of the last scale
// and of a seal or delete still fit.
const defaultMaxScaleRecordBytes = 512 << 10

// recordSize is the encoded size of a stream record.
func recordSize(rec *store.StreamRecord) int {
	b, err := json.Marshal(rec)
	if err != nil {
		return 0
	}
	return len(b)
}

func (e *Engine) startScale(ctx context.Context, scope, stream string, plan streammodel.ScalePlan, ts int64) error {
	return e.startStreamOp(ctx, scope, stream, store.StreamScaling, func(r *store.StreamRecord) error {
		r.Scale = &store.ScaleOp{Plan: plan, Timestamp: ts}
		return nil
	})
}

func (e *Engine) stepScale(ctx context.Context, scope, stream string, rec *store.StreamRecord) error {
	op := rec.Scale
	if op == nil {
		return fmt.Errorf("stream %s/%s: scaling without a plan", scope, stream)
	}
	if !op.Applied {
		pol := policyOf(rec.Config)
		for _, s := range op.Plan.NewSegments {
			if err := e.ss.CreateSegment(ctx, naming.QualifiedName(scope, stream, s.ID), pol,
				rec.Config.RolloverSizeBytes); err != nil {
				return fmt.Errorf("scale %s/%s: %w", scope, stream, err)
			}
		}
		if err := e.fail("scale.created"); err != nil {
			return err
		}
		ts := op.Timestamp
		if ts <= 0 {
			ts = e.nowMs()
		}
		_, err := e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
			if r.Scale == nil || r.Scale.Applied {
				return nil, nil
			}
			m := r.Model.Clone()
			if err := m.ApplyScale(r.Scale.Plan, ts); err != nil {
				return nil, fmt.Errorf("apply scale of %s/%s: %w", scope, stream, err)
			}
			r.Model = m
			r.Scale.Applied = true
			return nil, nil
		})
		if err != nil {
			return err
		}
		if err := e.fail("scale.applied"); err != nil {
			return err
		}
	}
	waiting, err := e.txnsBlockingSeal(ctx, scope, stream, op.Plan.Epoch)
	if err != nil {
		return err
	}
	if waiting {
		return errParked
	}
	for _, id := range op.Plan.Sealed {
		if err := e.ss.SealSegment(ctx, naming.QualifiedName(scope, stream, id)); err != nil {
			return fmt.Errorf("scale %s/%s: %w", scope, stream, err)
		}
	}
	if err := e.fail("scale.sealed"); err != nil {
		return err
	}
	_, err = e.updateStream(ctx, scope, stream, func(r *store.StreamRecord) ([]metastore.Op, error) {
		if r.State != store.StreamScaling {
			return nil, nil
		}
		r.State = store.StreamActive
		r.Scale = nil
		return []metastore.Op{clearMarkerOp(store.WorkflowStream, scope, stream)}, nil
	})
	return err
}

// txnsBlockingSeal reports whether a transaction of epoch <= epoch is still
// open or committing on the stream.
func (e *Engine) txnsBlockingSeal(ctx context.Context, scope, stream string, epoch int32) (bool, error) {
	txns, err := e.listTxns(ctx, scope, stream)
	if err != nil {
		return false, err
	}
	for _, t := range txns {
		if t.Epoch <= epoch && (t.State == store.TxnOpen || t.State == store.TxnCommitting) {
			return true, nil
		}
	}
	return false, nil
}

// ScaleStatus is checkScale's answer.
type ScaleStatus int

// Scale statuses (values as ScaleStatusResponse.ScaleStatus).
const (
	ScaleInProgress ScaleStatus = iota
	ScaleSuccess
	ScaleInvalidInput
)

// CheckScale answers checkScale for the epoch a scale reply reported.
func (e *Engine) CheckScale(ctx context.Context, scope, stream string, epoch int32) (ScaleStatus, error) {
	rec, err := e.GetStream(ctx, scope, stream)
	if err != nil {
		return ScaleInvalidInput, err
	}
	active := rec.Model.ActiveEpoch()
	switch {
	case epoch > active || epoch < 0:
		return ScaleInvalidInput, nil
	case epoch == active:
		return ScaleInProgress, nil
	case epoch+1 == active && rec.State == store.StreamScaling:
		return ScaleInProgress, nil
	}
	return ScaleSuccess, nil
}
