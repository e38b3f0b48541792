package streammodel

import (
	"fmt"
	"maps"
	"slices"
)

// TruncationPlan is what truncating a stream at a cut does on the segment
// store: delete the segments wholly before the cut that the previous head
// had not yet removed, and truncate every in-cut segment at its offset.
type TruncationPlan struct {
	// Cut becomes the stream's head.
	Cut Cut
	// Delete lists the ids of segments to delete, ascending.
	Delete []int64
	// Truncate maps each in-cut segment (offset >= 0) to its offset.
	Truncate map[int64]int64
}

// PlanTruncation validates a truncation cut: the stream must not be sealed
// (ErrStreamSealed), the cut must be non-empty and valid (ErrInvalidCut), and
// it must not lie behind the current head (ErrCutOutOfOrder).
func (s *Stream) PlanTruncation(c Cut) (TruncationPlan, error) {
	if s.sealed {
		return TruncationPlan{}, fmt.Errorf("truncate: %w", ErrStreamSealed)
	}
	if c.Unbounded() {
		return TruncationPlan{}, fmt.Errorf("truncate: %w: empty cut", ErrInvalidCut)
	}
	entries, err := s.checkedCut(c)
	if err != nil {
		return TruncationPlan{}, fmt.Errorf("truncate: %w", err)
	}
	var headEntries []cutEntry
	if s.head != nil {
		headEntries, _ = s.checkedCut(s.head)
		if !notBehind(headEntries, entries) {
			return TruncationPlan{}, fmt.Errorf("truncate: %w", ErrCutOutOfOrder)
		}
	}
	p := TruncationPlan{Cut: c.Clone(), Truncate: make(map[int64]int64)}
	for _, seg := range s.segments {
		if before(seg, entries) && (headEntries == nil || !before(seg, headEntries)) {
			p.Delete = append(p.Delete, seg.ID)
		}
	}
	for _, e := range entries {
		if !e.future() {
			p.Truncate[e.seg.ID] = e.offset
		}
	}
	return p, nil
}

// ApplyTruncation makes the plan's cut the stream's head. The plan is checked
// again against the stream, so a stale plan fails as PlanTruncation would.
func (s *Stream) ApplyTruncation(p TruncationPlan) error {
	fresh, err := s.PlanTruncation(p.Cut)
	if err != nil {
		return err
	}
	if !slices.Equal(fresh.Delete, p.Delete) || !maps.Equal(fresh.Truncate, p.Truncate) {
		return fmt.Errorf("apply truncation: %w", ErrStalePlan)
	}
	s.head = fresh.Cut
	return nil
}

// Truncate plans and applies a truncation in one step.
func (s *Stream) Truncate(c Cut) (TruncationPlan, error) {
	p, err := s.PlanTruncation(c)
	if err != nil {
		return TruncationPlan{}, err
	}
	s.head = p.Cut
	return p, nil
}

// Truncated reports whether the stream was ever truncated.
func (s *Stream) Truncated() bool { return s.head != nil }

// Head returns the stream's head (getSegments): the last truncation cut, or
// every epoch-0 segment at offset 0 if the stream was never truncated.
func (s *Stream) Head() Cut {
	if s.head != nil {
		return s.head.Clone()
	}
	c := make(Cut, len(s.epochs[0].SegmentIDs))
	for _, id := range s.epochs[0].SegmentIDs {
		c[id] = 0
	}
	return c
}

// IsDeleted reports whether truncation has removed segment id: it lies wholly
// before the head.
func (s *Stream) IsDeleted(id int64) bool {
	seg, ok := s.Segment(id)
	if !ok || s.head == nil {
		return false
	}
	entries, err := s.checkedCut(s.head)
	return err == nil && before(seg, entries)
}
