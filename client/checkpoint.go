package client

import (
	"context"
	"fmt"
	"time"
)

// Checkpoints: InitiateCheckpoint records the readers online; each of them
// returns a checkpoint marker from ReadNext at its next state refresh and
// records its positions at that moment (the position after the last event
// it returned). Segments nobody holds are recorded at initiation. When
// every reader has reached it (or left the group), the checkpoint is
// complete and its positions form a stream cut per stream from which a
// group can be restarted (ReaderGroup.Update with From cuts).
//
// Checkpoints are a Sluice extension of the Rust state format: Rust and
// Python readers ignore them, so a checkpoint taken while such a reader is
// online completes only when that reader leaves the group.

// InitiateCheckpoint starts a checkpoint named name (ErrCheckpointExists
// if that name was used).
func (g *ReaderGroup) InitiateCheckpoint(ctx context.Context, name string) error {
	if name == "" {
		return fmt.Errorf("initiate checkpoint: %w: empty name", ErrInvalidArgument)
	}
	if err := g.state.fetch(ctx); err != nil {
		return fmt.Errorf("initiate checkpoint %q: %w", name, err)
	}
	if err := g.state.update(ctx, func(u *syncUpdate) error { return rgInitiateCheckpoint(u, name) }); err != nil {
		return fmt.Errorf("initiate checkpoint %q: %w", name, err)
	}
	return nil
}

// CheckpointStatus returns the readers that have not reached checkpoint
// name yet and the positions recorded so far.
func (g *ReaderGroup) CheckpointStatus(ctx context.Context, name string) (pending []string, cuts map[string]StreamCut, err error) {
	var cp checkpointState
	var found bool
	var derr error
	err = g.state.view(ctx, true, func(u *syncUpdate) {
		v, ok := u.get(rgCheckpoints, name)
		if found = ok; ok {
			cp, derr = decCheckpoint(v.data)
		}
	})
	if err == nil {
		err = derr
	}
	if err == nil && !found {
		err = ErrCheckpointNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint %q of %s/%s: %w", name, g.scope, g.name, err)
	}
	return cp.pending, cutsOf(cp.positions), nil
}

// Checkpoint waits until checkpoint name is complete and returns its
// positions as stream cuts keyed "scope/stream". Readers reach it while
// they read, so keep them reading meanwhile.
func (g *ReaderGroup) Checkpoint(ctx context.Context, name string) (map[string]StreamCut, error) {
	backoff := 5 * time.Millisecond
	for {
		pending, cuts, err := g.CheckpointStatus(ctx, name)
		if err != nil {
			return nil, err
		}
		if len(pending) == 0 {
			return cuts, nil
		}
		if err := sleep(ctx, backoff); err != nil {
			return nil, fmt.Errorf("checkpoint %q: waiting for %v: %w", name, pending, err)
		}
		backoff = min(2*backoff, 250*time.Millisecond)
	}
}

// DeleteCheckpoint forgets a checkpoint.
func (g *ReaderGroup) DeleteCheckpoint(ctx context.Context, name string) error {
	if err := g.state.fetch(ctx); err != nil {
		return fmt.Errorf("delete checkpoint %q: %w", name, err)
	}
	err := g.state.update(ctx, func(u *syncUpdate) error {
		u.tombstone(rgCheckpoints, name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete checkpoint %q: %w", name, err)
	}
	return nil
}
