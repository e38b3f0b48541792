package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// CreateScope creates a scope (ErrScopeExists if it exists).
func (e *Engine) CreateScope(ctx context.Context, scope string) error {
	_, err := e.st.Put(ctx, store.ScopeKey(scope), store.ScopeRecord{State: store.ScopeActive, CreatedAt: e.nowMs()},
		metastore.MustNotExist())
	if errors.Is(err, metastore.ErrConflict) {
		return ErrScopeExists
	}
	return err
}

// activeScope returns the revision of an active scope, or ErrScopeNotFound
// if it is missing or being deleted.
func (e *Engine) activeScope(ctx context.Context, scope string) (int64, error) {
	var rec store.ScopeRecord
	rev, err := e.st.Get(ctx, store.ScopeKey(scope), &rec)
	if errors.Is(err, metastore.ErrNotFound) {
		return 0, ErrScopeNotFound
	}
	if err != nil {
		return 0, err
	}
	if rec.State != store.ScopeActive {
		return 0, ErrScopeNotFound
	}
	return rev, nil
}

// ScopeExists reports whether a scope exists (also while being deleted).
func (e *Engine) ScopeExists(ctx context.Context, scope string) (bool, error) {
	return e.st.Exists(ctx, store.ScopeKey(scope))
}

// ListScopes returns up to limit scope names after the given one.
func (e *Engine) ListScopes(ctx context.Context, after string, limit int) ([]string, error) {
	return e.st.Keys(ctx, "scopes/", after, limit)
}

// DeleteScope deletes an empty scope: ErrScopeNotFound, ErrScopeNotEmpty.
func (e *Engine) DeleteScope(ctx context.Context, scope string) error {
	var rec store.ScopeRecord
	rev, err := e.st.Get(ctx, store.ScopeKey(scope), &rec)
	if errors.Is(err, metastore.ErrNotFound) {
		return ErrScopeNotFound
	}
	if err != nil {
		return err
	}
	for _, prefix := range []string{store.StreamsPrefix(scope), store.KVTsPrefix(scope), store.ReaderGroupsPrefix(scope)} {
		keys, err := e.st.Keys(ctx, prefix, "", 1)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return ErrScopeNotEmpty
		}
	}
	err = e.st.Delete(ctx, store.ScopeKey(scope), metastore.AtRevision(rev))
	if errors.Is(err, metastore.ErrConflict) {
		return ErrScopeNotEmpty // something was created meanwhile
	}
	return err
}

// DeleteScopeRecursive marks the scope as deleting (new creations then see
// SCOPE_NOT_FOUND), deletes its reader groups, key-value tables and streams
// (sealing them first), then the scope. A missing scope is success.
func (e *Engine) DeleteScopeRecursive(ctx context.Context, scope string) error {
	_, err := store.Update(ctx, e.st, store.ScopeKey(scope), func(r *store.ScopeRecord) ([]metastore.Op, error) {
		r.State = store.ScopeDeleting
		return nil, nil
	})
	if errors.Is(err, metastore.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	groups, err := e.st.Keys(ctx, store.ReaderGroupsPrefix(scope), "", 0)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := e.DeleteReaderGroup(ctx, scope, g, ""); err != nil && !errors.Is(err, ErrRGNotFound) {
			return fmt.Errorf("delete reader group %s: %w", g, err)
		}
	}
	kvts, err := e.st.Keys(ctx, store.KVTsPrefix(scope), "", 0)
	if err != nil {
		return err
	}
	for _, k := range kvts {
		if err := e.DeleteKVT(ctx, scope, k); err != nil && !errors.Is(err, ErrKVTNotFound) {
			return fmt.Errorf("delete key-value table %s: %w", k, err)
		}
	}
	for {
		streams, err := e.st.Keys(ctx, store.StreamsPrefix(scope), "", 100)
		if err != nil {
			return err
		}
		if len(streams) == 0 {
			break
		}
		for _, s := range streams {
			if err := e.sealAndDelete(ctx, scope, s); err != nil {
				return fmt.Errorf("delete stream %s: %w", s, err)
			}
		}
	}
	return e.st.Delete(ctx, store.ScopeKey(scope), metastore.Unconditional())
}

// sealAndDelete seals and deletes a stream; a missing stream is success.
func (e *Engine) sealAndDelete(ctx context.Context, scope, stream string) error {
	if err := e.SealStream(ctx, scope, stream); err != nil {
		if errors.Is(err, ErrStreamNotFound) {
			return nil
		}
		return err
	}
	if err := e.DeleteStream(ctx, scope, stream); err != nil && !errors.Is(err, ErrStreamNotFound) {
		return err
	}
	return nil
}

// isUserStream reports whether a stream gets a watermark stream and tag
// index entries: internal ("_...") streams do not.
func isUserStream(stream string) bool { return !naming.IsInternalName(stream) }
