package container

import (
	"context"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// sweepBatch bounds the deletions made while the storage writer is held
// off.
const sweepBatch = 128

// SweepResult counts what SweepOrphans did.
type SweepResult struct {
	Checked      int
	Deleted      int
	DeletedBytes int64
}

// SweepOrphans deletes the objects among candidates that nothing of this
// container references any more: chunks no segment's extents name,
// metadata objects of an earlier segment of the same name, index snapshots
// of segments that no longer exist. Such objects are left behind when the
// process dies between writing a chunk and journaling it, or before a
// deleted segment's chunks are collected (the garbage list lives only in
// memory).
//
// candidates must be objects of this container's segments, listed from
// long-term storage before the call. Each batch is checked and deleted while
// the storage writer is held off: a chunk it writes is journaled (and so
// referenced) before it lets go, and a chunk name it writes again after a
// crash is never deleted under it.
func (c *Container) SweepOrphans(ctx context.Context, candidates []lts.ChunkInfo) (SweepResult, error) {
	var res SweepResult
	if c.storage == nil {
		return res, nil
	}
	for len(candidates) > 0 {
		n := min(len(candidates), sweepBatch)
		if err := c.sweep(ctx, candidates[:n], &res); err != nil {
			return res, err
		}
		candidates = candidates[n:]
	}
	return res, nil
}

func (c *Container) sweep(ctx context.Context, batch []lts.ChunkInfo, res *SweepResult) error {
	c.tierMu.Lock()
	defer c.tierMu.Unlock()
	c.mu.Lock()
	if err := c.checkLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	referenced := c.referencedLocked()
	c.mu.Unlock()
	for _, obj := range batch {
		res.Checked++
		if referenced[obj.Name] {
			continue
		}
		if err := c.storage.Delete(ctx, obj.Name); err != nil {
			return err
		}
		res.Deleted++
		res.DeletedBytes += obj.Size
	}
	return nil
}

// referencedLocked returns the names of every long-term storage object the
// container's segments use, including segments whose deletion is not yet
// durable.
func (c *Container) referencedLocked() map[string]bool {
	refs := make(map[string]bool)
	for _, s := range c.mu.byID {
		for _, x := range []extents{s.accepted.extents, s.durable.extents} {
			for _, e := range x {
				refs[e.chunk] = true
			}
		}
		refs[lts.MetaName(s.name, s.id)] = true
		refs[lts.IndexName(s.name)] = true
	}
	return refs
}
