package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/metastore"
)

// Errors callers branch on; metastore's sentinels pass through as well.
var (
	// ErrNotFound: the record does not exist.
	ErrNotFound = metastore.ErrNotFound
	// ErrConflict: a revision-checked write lost a race.
	ErrConflict = metastore.ErrConflict
)

// Store reads and writes the controller's records on a metastore.Store.
type Store struct {
	ms metastore.Store
}

// New returns a Store on ms.
func New(ms metastore.Store) *Store { return &Store{ms: ms} }

// Meta returns the underlying metadata store.
func (s *Store) Meta() metastore.Store { return s.ms }

// Get reads key into v and returns its ModRevision (ErrNotFound if absent).
func (s *Store) Get(ctx context.Context, key string, v any) (int64, error) {
	kv, err := s.ms.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(kv.Value, v); err != nil {
		return 0, fmt.Errorf("decode %s: %w", key, err)
	}
	return kv.ModRevision, nil
}

// Exists reports whether key exists.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	_, err := s.ms.Get(ctx, key)
	if errors.Is(err, metastore.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Put writes v under key if cond holds.
func (s *Store) Put(ctx context.Context, key string, v any, cond metastore.Cond) (int64, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", key, err)
	}
	return s.ms.Put(ctx, key, b, cond)
}

// Delete removes key if cond holds.
func (s *Store) Delete(ctx context.Context, key string, cond metastore.Cond) error {
	return s.ms.Delete(ctx, key, cond)
}

// PutOp encodes v as a Txn put. Encoding our own record types cannot fail;
// a failure is a programming error and panics.
func PutOp(key string, v any, cond metastore.Cond) metastore.Op {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %s: %v", key, err))
	}
	return metastore.PutOp(key, b, cond)
}

// Txn applies ops atomically.
func (s *Store) Txn(ctx context.Context, ops ...metastore.Op) error {
	_, err := s.ms.Txn(ctx, ops...)
	return err
}

// Keys lists up to limit key names (without prefix) under prefix after
// startAfter (also without prefix).
func (s *Store) Keys(ctx context.Context, prefix, startAfter string, limit int) ([]string, error) {
	after := ""
	if startAfter != "" {
		after = prefix + startAfter
	}
	kvs, err := s.ms.List(ctx, prefix, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv.Key[len(prefix):]
	}
	return out, nil
}

// List lists up to limit entries under prefix.
func (s *Store) List(ctx context.Context, prefix string, limit int) ([]metastore.KV, error) {
	return s.ms.List(ctx, prefix, "", limit)
}

// Update runs a revision-checked read-modify-write of the record under key:
// fn changes *v (read at the current revision) and returns extra ops for
// the same Txn; on a lost race it starts again. fn returning an error
// aborts without writing.
func Update[T any](ctx context.Context, s *Store, key string, fn func(v *T) ([]metastore.Op, error)) (*T, error) {
	for {
		v := new(T)
		rev, err := s.Get(ctx, key, v)
		if err != nil {
			return nil, err
		}
		extra, err := fn(v)
		if err != nil {
			return nil, err
		}
		ops := append([]metastore.Op{PutOp(key, v, metastore.AtRevision(rev))}, extra...)
		err = s.Txn(ctx, ops...)
		if errors.Is(err, metastore.ErrConflict) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

// NextTxnCounter reserves the next value of the transaction id counter.
func (s *Store) NextTxnCounter(ctx context.Context) (uint64, error) {
	for {
		var c CounterRecord
		rev, err := s.Get(ctx, txnCounterKey, &c)
		if err != nil && !errors.Is(err, metastore.ErrNotFound) {
			return 0, err
		}
		n := c.Next + 1
		_, err = s.Put(ctx, txnCounterKey, CounterRecord{Next: n}, metastore.AtRevision(rev))
		if errors.Is(err, metastore.ErrConflict) {
			continue
		}
		if err != nil {
			return 0, err
		}
		return n, nil
	}
}
