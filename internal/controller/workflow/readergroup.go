package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// Reader groups (Java): a record holding the configuration as sent, the
// state stream "_RG<group>" (FIXED 1) and, for groups with retention, a
// subscriber "<scope>/<group>" on each stream of the configuration.

// ReaderGroupSpec is what createReaderGroup stores.
type ReaderGroupSpec struct {
	ID         string
	Generation int64
	Config     []byte   // the configuration message, encoded by the caller
	Subscribed []string // "<scope>/<stream>" to subscribe to; nil for retention NONE
}

func rgLockKey(scope, group string) string { return "rg/" + scope + "/" + group }

// SubscriberName is the subscriber a reader group registers on its streams.
func SubscriberName(scope, group string) string { return scope + "/" + group }

// CreateReaderGroup creates the group if it does not exist and returns the
// stored record either way. Errors: ErrScopeNotFound.
func (e *Engine) CreateReaderGroup(ctx context.Context, scope, group string, spec ReaderGroupSpec) (*store.ReaderGroupRecord, error) {
	unlock, err := e.locks.lock(ctx, rgLockKey(scope, group))
	if err != nil {
		return nil, err
	}
	defer unlock()
	scopeRev, err := e.activeScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	if _, err := e.GetReaderGroup(ctx, scope, group); errors.Is(err, ErrRGNotFound) {
		rec := store.ReaderGroupRecord{State: store.ObjectCreating, ID: spec.ID, Generation: spec.Generation,
			Config: spec.Config, Subscribed: spec.Subscribed}
		err = e.st.Txn(ctx, metastore.CheckOp(store.ScopeKey(scope), metastore.AtRevision(scopeRev)),
			store.PutOp(store.ReaderGroupKey(scope, group), &rec, metastore.MustNotExist()),
			markerOp("create", store.WorkflowRG, scope, group))
		if err != nil && !errors.Is(err, metastore.ErrConflict) {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if err := e.runRG(ctx, scope, group); err != nil {
		return nil, err
	}
	return e.GetReaderGroup(ctx, scope, group)
}

// GetReaderGroup reads a reader group (ErrRGNotFound; also while deleting).
func (e *Engine) GetReaderGroup(ctx context.Context, scope, group string) (*store.ReaderGroupRecord, error) {
	rec, err := getRecord[store.ReaderGroupRecord](ctx, e.st, store.ReaderGroupKey(scope, group), ErrRGNotFound)
	if err == nil && rec.State == store.ObjectDeleting {
		return nil, ErrRGNotFound
	}
	return rec, err
}

// UpdateReaderGroup stores a new configuration if id and generation match
// the stored ones (ErrRGNotFound, ErrInvalidConfig), with generation+1,
// and moves the subscriptions. build encodes the configuration for the new
// generation. It returns the new generation.
func (e *Engine) UpdateReaderGroup(ctx context.Context, scope, group, id string, generation int64, subscribed []string,
	build func(newGen int64) []byte) (int64, error) {
	unlock, err := e.locks.lock(ctx, rgLockKey(scope, group))
	if err != nil {
		return 0, err
	}
	defer unlock()
	var old []string
	rec, err := store.Update(ctx, e.st, store.ReaderGroupKey(scope, group), func(r *store.ReaderGroupRecord) ([]metastore.Op, error) {
		if r.State != store.ObjectActive {
			return nil, ErrRGNotFound
		}
		if r.Generation != generation || r.ID != id {
			return nil, ErrInvalidConfig
		}
		old = r.Subscribed
		r.Generation++
		r.Config = build(r.Generation)
		r.Subscribed = subscribed
		return nil, nil
	})
	if errors.Is(err, metastore.ErrNotFound) {
		return 0, ErrRGNotFound
	}
	if err != nil {
		return 0, err
	}
	for _, s := range old {
		if !slices.Contains(subscribed, s) {
			if err := e.unsubscribe(ctx, scope, group, s); err != nil {
				return 0, err
			}
		}
	}
	if err := e.subscribe(ctx, scope, group, rec); err != nil {
		return 0, err
	}
	return rec.Generation, nil
}

// DeleteReaderGroup deletes a group whose id matches (any id if id is "").
func (e *Engine) DeleteReaderGroup(ctx context.Context, scope, group, id string) error {
	unlock, err := e.locks.lock(ctx, rgLockKey(scope, group))
	if err != nil {
		return err
	}
	defer unlock()
	_, err = store.Update(ctx, e.st, store.ReaderGroupKey(scope, group), func(r *store.ReaderGroupRecord) ([]metastore.Op, error) {
		if id != "" && r.ID != id {
			return nil, ErrRGNotFound
		}
		r.State = store.ObjectDeleting
		return []metastore.Op{markerOp("delete", store.WorkflowRG, scope, group)}, nil
	})
	if errors.Is(err, metastore.ErrNotFound) {
		return ErrRGNotFound
	}
	if err != nil {
		return err
	}
	return e.runRG(ctx, scope, group)
}

func (e *Engine) kickRG(scope, group string) {
	e.kick("reader group "+scope+"/"+group, rgLockKey(scope, group), func(ctx context.Context) error {
		return e.runRG(ctx, scope, group)
	})
}

// runRG completes a group's create or delete workflow.
func (e *Engine) runRG(ctx context.Context, scope, group string) error {
	var rec store.ReaderGroupRecord
	_, err := e.st.Get(ctx, store.ReaderGroupKey(scope, group), &rec)
	if errors.Is(err, metastore.ErrNotFound) {
		return e.st.Delete(ctx, store.WorkflowKey(store.WorkflowRG, scope, group), metastore.Unconditional())
	}
	if err != nil {
		return err
	}
	switch rec.State {
	case store.ObjectCreating:
		err := e.CreateStream(ctx, scope, naming.ReaderGroupStreamName(group), store.StreamConfig{MinSegments: 1})
		if err != nil && !errors.Is(err, ErrStreamExists) {
			return fmt.Errorf("create state stream of reader group %s/%s: %w", scope, group, err)
		}
		if err := e.subscribe(ctx, scope, group, &rec); err != nil {
			return err
		}
		_, err = store.Update(ctx, e.st, store.ReaderGroupKey(scope, group), func(r *store.ReaderGroupRecord) ([]metastore.Op, error) {
			r.State = store.ObjectActive
			return []metastore.Op{clearMarkerOp(store.WorkflowRG, scope, group)}, nil
		})
		return err
	case store.ObjectDeleting:
		for _, s := range rec.Subscribed {
			if err := e.unsubscribe(ctx, scope, group, s); err != nil {
				return err
			}
		}
		if err := e.sealAndDelete(ctx, scope, naming.ReaderGroupStreamName(group)); err != nil {
			return err
		}
		return e.st.Txn(ctx, metastore.DeleteOp(store.ReaderGroupKey(scope, group), metastore.Unconditional()),
			clearMarkerOp(store.WorkflowRG, scope, group))
	}
	return nil
}

func splitStream(qualified string) (string, string) {
	scope, stream, _ := strings.Cut(qualified, "/")
	return scope, stream
}

// subscribe registers (or refreshes the generation of) the group's
// subscriber on each of its streams.
func (e *Engine) subscribe(ctx context.Context, scope, group string, rec *store.ReaderGroupRecord) error {
	name := SubscriberName(scope, group)
	for _, s := range rec.Subscribed {
		sc, st := splitStream(s)
		key := store.SubscriberKey(sc, st, name)
		var sub store.SubscriberRecord
		_, err := e.st.Get(ctx, key, &sub)
		if err != nil && !errors.Is(err, metastore.ErrNotFound) {
			return err
		}
		sub.Subscriber, sub.GroupID, sub.Generation = name, rec.ID, rec.Generation
		if _, err := e.st.Put(ctx, key, &sub, metastore.Unconditional()); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) unsubscribe(ctx context.Context, scope, group, qualified string) error {
	sc, st := splitStream(qualified)
	return e.st.Delete(ctx, store.SubscriberKey(sc, st, SubscriberName(scope, group)), metastore.Unconditional())
}
