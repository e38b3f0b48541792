package client

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Reader-group state transitions. Each runs inside tableSync.update (so it
// may run more than once and must only read u and record changes) and
// changes the state exactly as the Rust client's ReaderGroupState does, so
// Go and Rust/Python readers can share a group. Checkpoints are a Sluice
// extension kept under an outer key the Rust client never reads.

// rgOwned returns a reader's segments and offsets; ErrReaderOffline if the
// reader is not in the group.
func rgOwned(u *syncUpdate, reader string) (map[Segment]int64, error) {
	v, ok := u.get(rgAssigned, reader)
	if !ok {
		return nil, fmt.Errorf("reader %q: %w", reader, ErrReaderOffline)
	}
	m, err := decAssigned(v.data)
	if err != nil {
		return nil, fmt.Errorf("segments of reader %q: %w", reader, err)
	}
	return m, nil
}

// rgUnassigned returns the segments no reader holds, with their offsets.
func rgUnassignedSegments(u *syncUpdate) (map[Segment]int64, error) {
	out := make(map[Segment]int64)
	for _, k := range u.keys(rgUnassigned) {
		v, _ := u.get(rgUnassigned, k)
		seg, err := segmentFromName(k)
		if err != nil {
			return nil, err
		}
		if out[seg], err = decOffset(v.data); err != nil {
			return nil, fmt.Errorf("offset of %s: %w", k, err)
		}
	}
	return out, nil
}

// rgInit writes the initial state unless the group already has a config;
// it reports whether it did.
func rgInit(u *syncUpdate, cfg ReaderGroupConfig, start map[Segment]int64) bool {
	if _, ok := u.get(rgConfig, rgConfigInner); ok {
		return false
	}
	u.put(rgConfig, rgConfigInner, typeConfig, encConfig(cfg))
	for _, s := range sortedSegments(start) {
		u.put(rgUnassigned, s.Name(), typeOffset, encOffset(start[s]))
	}
	return true
}

// rgReset replaces the configuration and the positions: every reader is
// removed and reading starts again at start.
func rgReset(u *syncUpdate, cfg ReaderGroupConfig, start map[Segment]int64) {
	for _, outer := range []string{rgAssigned, rgDistance, rgUnassigned, rgFuture, rgCheckpoints} {
		for _, k := range u.keys(outer) {
			u.tombstone(outer, k)
		}
	}
	u.put(rgConfig, rgConfigInner, typeConfig, encConfig(cfg))
	for _, s := range sortedSegments(start) {
		u.put(rgUnassigned, s.Name(), typeOffset, encOffset(start[s]))
	}
}

// rgAddReader adds a reader with no segments.
func rgAddReader(u *syncUpdate, reader string) error {
	if _, ok := u.get(rgAssigned, reader); ok {
		return fmt.Errorf("reader %q: %w", reader, ErrReaderExists)
	}
	u.put(rgAssigned, reader, typeAssigned, encAssigned(nil))
	u.put(rgDistance, reader, typeU64, encU64(distanceUnknown))
	return nil
}

// rgRemoveReader puts a reader's segments back as unassigned, at the
// offsets in last where given, else at the last offsets it reported.
func rgRemoveReader(u *syncUpdate, reader string, last map[Segment]int64) error {
	owned, err := rgOwned(u, reader)
	if err != nil {
		return err
	}
	for _, s := range sortedSegments(owned) {
		off := owned[s]
		if o, ok := last[s]; ok {
			off = o
		}
		owned[s] = off
		u.put(rgUnassigned, s.Name(), typeOffset, encOffset(off))
	}
	u.tombstone(rgAssigned, reader)
	u.tombstone(rgDistance, reader)
	// A reader that leaves counts as having reached every pending checkpoint
	// at the positions it leaves its segments at.
	for _, name := range u.keys(rgCheckpoints) {
		if err := rgAckCheckpoint(u, reader, name, owned); err != nil {
			return err
		}
	}
	return nil
}

// rgAcquireCount is how many segments a reader should acquire (> 0) or
// release (< 0) for every reader to hold ceil(segments / readers).
func rgAcquireCount(u *syncUpdate, reader string) (int, error) {
	readers := u.keys(rgAssigned)
	if len(readers) == 0 {
		return 0, nil
	}
	total, mine := len(u.keys(rgUnassigned)), 0
	for _, r := range readers {
		m, err := rgOwned(u, r)
		if err != nil {
			return 0, err
		}
		total += len(m)
		if r == reader {
			mine = len(m)
		}
	}
	want := (total + len(readers) - 1) / len(readers)
	return want - mine, nil
}

// errCheckpointPending: the reader must reach a pending checkpoint before
// its segments change (else the checkpoint could miss or misplace one).
var errCheckpointPending = errors.New("checkpoint pending for the reader")

func rgCheckNoCheckpoint(u *syncUpdate, reader string) error {
	cp, err := rgPendingCheckpoint(u, reader)
	if err == nil && cp != "" {
		err = errCheckpointPending
	}
	return err
}

// rgAssign moves one unassigned segment to the reader; ok is false when
// there is none.
func rgAssign(u *syncUpdate, reader string) (seg Segment, off int64, ok bool, err error) {
	owned, err := rgOwned(u, reader)
	if err != nil {
		return Segment{}, 0, false, err
	}
	if err := rgCheckNoCheckpoint(u, reader); err != nil {
		return Segment{}, 0, false, err
	}
	free, err := rgUnassignedSegments(u)
	if err != nil || len(free) == 0 {
		return Segment{}, 0, false, err
	}
	seg = sortedSegments(free)[0]
	off = free[seg]
	owned[seg] = off
	u.put(rgAssigned, reader, typeAssigned, encAssigned(owned))
	u.tombstone(rgUnassigned, seg.Name())
	return seg, off, true, nil
}

// rgRelease gives a segment back at offset off.
func rgRelease(u *syncUpdate, reader string, seg Segment, off int64) error {
	owned, err := rgOwned(u, reader)
	if err != nil {
		return err
	}
	if _, ok := owned[seg]; !ok {
		return fmt.Errorf("release %s: %w: not held by reader %q", seg, ErrFailed, reader)
	}
	if err := rgCheckNoCheckpoint(u, reader); err != nil {
		return err
	}
	delete(owned, seg)
	u.put(rgAssigned, reader, typeAssigned, encAssigned(owned))
	u.put(rgUnassigned, seg.Name(), typeOffset, encOffset(off))
	return nil
}

// rgUpdatePositions records the reader's offsets in the segments it holds.
func rgUpdatePositions(u *syncUpdate, reader string, pos map[Segment]int64) error {
	owned, err := rgOwned(u, reader)
	if err != nil {
		return err
	}
	changed := false
	for s, off := range pos {
		if old, ok := owned[s]; ok && old != off {
			owned[s] = off
			changed = true
		}
	}
	if changed {
		u.put(rgAssigned, reader, typeAssigned, encAssigned(owned))
	}
	return nil
}

// rgCompleted records that the reader read seg to its end: seg leaves the
// reader, its successors wait in future_segments until all their
// predecessors are completed, then become unassigned at offset 0.
func rgCompleted(u *syncUpdate, reader string, seg Segment, successors []Successor) error {
	owned, err := rgOwned(u, reader)
	if err != nil {
		return err
	}
	if err := rgCheckNoCheckpoint(u, reader); err != nil {
		return err
	}
	delete(owned, seg)
	u.put(rgAssigned, reader, typeAssigned, encAssigned(owned))
	future := make(map[string][]int64)
	for _, k := range u.keys(rgFuture) {
		v, _ := u.get(rgFuture, k)
		ids, err := decSegmentSet(v.data)
		if err != nil {
			return fmt.Errorf("predecessors of %s: %w", k, err)
		}
		future[k] = ids
	}
	for _, s := range successors {
		name := s.Range.Name()
		if _, ok := future[name]; ok {
			continue
		}
		if _, ok := u.get(rgUnassigned, name); ok {
			continue // already released by an earlier completion
		}
		future[name] = slices.Clone(s.Predecessors)
		u.put(rgFuture, name, typeFuture, encSegmentSet(future[name]))
	}
	for _, name := range slices.Sorted(maps.Keys(future)) {
		ids := future[name]
		i := slices.Index(ids, seg.ID)
		if i < 0 {
			continue
		}
		ids = slices.Delete(ids, i, i+1)
		future[name] = ids
		if len(ids) > 0 {
			u.put(rgFuture, name, typeFuture, encSegmentSet(ids))
			continue
		}
		u.put(rgUnassigned, name, typeOffset, encOffset(0))
		u.tombstone(rgFuture, name)
	}
	return nil
}

// rgInitiateCheckpoint starts a checkpoint: every online reader must reach
// it; unassigned segments are recorded now.
func rgInitiateCheckpoint(u *syncUpdate, name string) error {
	if _, ok := u.get(rgCheckpoints, name); ok {
		return fmt.Errorf("checkpoint %q: %w", name, ErrCheckpointExists)
	}
	free, err := rgUnassignedSegments(u)
	if err != nil {
		return err
	}
	cp := checkpointState{pending: u.keys(rgAssigned), positions: free}
	u.retain(rgAssigned)
	u.retain(rgUnassigned)
	u.put(rgCheckpoints, name, typeCheckpoint, encCheckpoint(cp))
	return nil
}

// rgPendingCheckpoint returns the oldest checkpoint the reader has not yet
// reached ("" if none).
func rgPendingCheckpoint(u *syncUpdate, reader string) (string, error) {
	for _, name := range u.keys(rgCheckpoints) {
		v, _ := u.get(rgCheckpoints, name)
		cp, err := decCheckpoint(v.data)
		if err != nil {
			return "", fmt.Errorf("checkpoint %q: %w", name, err)
		}
		if slices.Contains(cp.pending, reader) {
			return name, nil
		}
	}
	return "", nil
}

// rgAckCheckpoint records that the reader reached checkpoint name at
// positions (segments already recorded keep their first position).
func rgAckCheckpoint(u *syncUpdate, reader, name string, positions map[Segment]int64) error {
	v, ok := u.get(rgCheckpoints, name)
	if !ok {
		return nil
	}
	cp, err := decCheckpoint(v.data)
	if err != nil {
		return fmt.Errorf("checkpoint %q: %w", name, err)
	}
	i := slices.Index(cp.pending, reader)
	if i < 0 {
		return nil
	}
	cp.pending = slices.Delete(cp.pending, i, i+1)
	for s, off := range positions {
		if _, ok := cp.positions[s]; !ok {
			cp.positions[s] = off
		}
	}
	u.put(rgCheckpoints, name, typeCheckpoint, encCheckpoint(cp))
	return nil
}
