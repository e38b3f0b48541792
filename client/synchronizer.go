package client

import (
	"context"
	"errors"
	"fmt"
)

// Synchronizer keeps a state of type S in step among processes: every
// change is an update appended to a revisioned stream only if no other
// update came first, and every process applies the same updates in the
// same order (Pravega's state synchronizer). Updates are bytes the caller
// encodes; apply must be deterministic. Not safe for concurrent use: give
// each goroutine its own, or lock around it.
type Synchronizer[S any] struct {
	rs    *RevisionedStream
	state S
	rev   Revision
	apply func(state S, update []byte) (S, error)
}

// NewSynchronizer starts from initial at the stream's head; Fetch brings
// it up to date.
func NewSynchronizer[S any](ctx context.Context, rs *RevisionedStream, initial S,
	apply func(state S, update []byte) (S, error)) (*Synchronizer[S], error) {
	head, err := rs.Head(ctx)
	if err != nil {
		return nil, err
	}
	return &Synchronizer[S]{rs: rs, state: initial, rev: head, apply: apply}, nil
}

// State is the state as of the last Fetch or Update.
func (s *Synchronizer[S]) State() S { return s.state }

// Revision is the revision the state reflects.
func (s *Synchronizer[S]) Revision() Revision { return s.rev }

// Fetch applies the updates appended since the state's revision.
func (s *Synchronizer[S]) Fetch(ctx context.Context) error {
	entries, err := s.rs.ReadFrom(ctx, s.rev)
	if err != nil {
		return err
	}
	for _, e := range entries {
		next, err := s.apply(s.state, e.Data)
		if err != nil {
			return fmt.Errorf("apply the update ending at revision %d: %w", e.Revision, err)
		}
		s.state, s.rev = next, e.Revision
	}
	return nil
}

// Update brings the state up to date, asks change for an update (nil:
// nothing to do) and appends it if no other update came first; otherwise
// it fetches and asks again, until the update lands or change returns an
// error. change must not keep the state it is given.
func (s *Synchronizer[S]) Update(ctx context.Context, change func(state S) ([]byte, error)) error {
	for {
		if err := s.Fetch(ctx); err != nil {
			return err
		}
		update, err := change(s.state)
		if err != nil || update == nil {
			return err
		}
		rev, err := s.rs.WriteConditionally(ctx, s.rev, update)
		if errors.Is(err, ErrRevisionConflict) {
			continue
		}
		if err != nil {
			return err
		}
		next, err := s.apply(s.state, update)
		if err != nil {
			return fmt.Errorf("apply the update ending at revision %d: %w", rev, err)
		}
		s.state, s.rev = next, rev
		return nil
	}
}
