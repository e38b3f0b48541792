package segmentstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// sweepListBatch is how many listed objects of one container are collected
// before they are handed to it.
const sweepListBatch = 1024

// SweepOrphans lists the segment objects in long-term storage and has each
// owning container delete those it no longer references (chunks and
// metadata left behind by a crash, see container.SweepOrphans). Start runs
// it once in the background; objects of containers this node does not own,
// and names outside the layout, are left alone.
func (s *Store) SweepOrphans(ctx context.Context) (container.SweepResult, error) {
	var total container.SweepResult
	pending := make([][]lts.ChunkInfo, len(s.containers))
	hand := func(id int) error {
		res, err := s.containers[id].SweepOrphans(ctx, pending[id])
		total.Checked += res.Checked
		total.Deleted += res.Deleted
		total.DeletedBytes += res.DeletedBytes
		pending[id] = pending[id][:0]
		return err
	}
	for obj, err := range s.storage.List(ctx, lts.SegmentsDir+"/") {
		if err != nil {
			return total, fmt.Errorf("list long-term storage: %w", err)
		}
		p, err := lts.ParseName(obj.Name)
		if err != nil {
			continue
		}
		id := naming.ContainerOf(p.Segment, len(s.containers))
		if s.containers[id] == nil {
			continue
		}
		pending[id] = append(pending[id], obj)
		if len(pending[id]) >= sweepListBatch {
			if err := hand(id); err != nil {
				return total, err
			}
		}
	}
	for id := range pending {
		if len(pending[id]) > 0 {
			if err := hand(id); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

// sweepInBackground runs SweepOrphans once, until Close.
func (s *Store) sweepInBackground() {
	defer s.bg.Done()
	began := time.Now()
	res, err := s.SweepOrphans(s.bgCtx)
	switch {
	case err != nil && s.bgCtx.Err() == nil:
		s.logger.Warn("long-term storage orphan sweep failed; it runs again at the next start",
			"err", err, "checked", res.Checked, "deleted", res.Deleted)
	case res.Deleted > 0:
		s.logger.Info("long-term storage orphan sweep", "checked", res.Checked, "deleted", res.Deleted,
			"deleted_bytes", res.DeletedBytes, "took", time.Since(began).Round(time.Millisecond))
	}
}
