package streammodel

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/sluicestream/sluice/internal/naming"
)

// ScalePlan is an accepted scale: what the controller stores while the scale
// runs (create the new segments, seal the old ones) and applies at the end.
type ScalePlan struct {
	// Epoch is the active epoch when the scale was accepted; the ScaleResponse
	// reports it, and the scale creates epoch Epoch+1.
	Epoch int32
	// Sealed lists the ids of the segments to seal, ascending, without
	// duplicates.
	Sealed []int64
	// NewSegments are the segments to create, in request order, with ids
	// naming.SegmentID(Epoch+1, n) for consecutive fresh numbers n.
	NewSegments []Segment
}

// NewEpoch returns the epoch the scale creates.
func (p ScalePlan) NewEpoch() int32 { return p.Epoch + 1 }

// NewRanges returns the key ranges of the new segments, in request order.
func (p ScalePlan) NewRanges() []KeyRange {
	out := make([]KeyRange, len(p.NewSegments))
	for i, seg := range p.NewSegments {
		out[i] = seg.KeyRange
	}
	return out
}

// Matches reports whether a scale request asks for the same scale as p: the
// same set of segment numbers to seal and the same new key ranges. A client
// retrying a manual scale while it is in flight sends the same request, and
// the controller then answers as for the first one.
func (p ScalePlan) Matches(sealed []int64, newRanges []KeyRange) bool {
	nums := func(ids []int64) []int32 {
		out := make([]int32, len(ids))
		for i, id := range ids {
			out[i] = naming.NumberOf(id)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	if !slices.Equal(nums(p.Sealed), nums(sealed)) {
		return false
	}
	a, b := p.NewRanges(), slices.Clone(newRanges)
	sortRanges(a)
	sortRanges(b)
	return slices.Equal(a, b)
}

// ValidateScale checks a scale request against the stream; see PlanScale.
func (s *Stream) ValidateScale(sealed []int64, newRanges []KeyRange, minSegments int) error {
	_, err := s.PlanScale(sealed, newRanges, minSegments)
	return err
}

// PlanScale validates a scale request and returns the plan that carries it
// out. Errors are *ScaleError values, checked in this order:
//
//   - the stream is sealed: FAILURE (ErrStreamSealed);
//   - a segment to seal is not in the active epoch: PRECONDITION_FAILED
//     (ErrSegmentNotActive);
//   - nothing to seal: FAILURE (ErrNothingToSeal);
//   - a new range has start >= end: FAILURE (ErrEmptyRange);
//   - new ranges overlap: FAILURE (ErrRangesOverlap);
//   - the union of the new ranges, after merging adjacent ranges, differs
//     from the union of the sealed ranges (exact float comparison): FAILURE
//     (ErrRangesMismatch);
//   - fewer than minSegments segments would remain: PRECONDITION_FAILED
//     (ErrTooFewSegments).
//
// Duplicate ids in sealed count once.
func (s *Stream) PlanScale(sealed []int64, newRanges []KeyRange, minSegments int) (ScalePlan, error) {
	if s.sealed {
		return ScalePlan{}, failure(ErrStreamSealed, "")
	}
	active := s.epochs[len(s.epochs)-1].SegmentIDs
	ids := slices.Clone(sealed)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var old []KeyRange
	for _, id := range ids {
		if !slices.Contains(active, id) {
			return ScalePlan{}, precondition(ErrSegmentNotActive, "segment %d is not in active epoch %d", id, s.ActiveEpoch())
		}
		seg, _ := s.Segment(id)
		old = append(old, seg.KeyRange)
	}
	if len(ids) == 0 {
		return ScalePlan{}, failure(ErrNothingToSeal, "")
	}
	for _, r := range newRanges {
		if !(r.Low < r.High) {
			return ScalePlan{}, failure(ErrEmptyRange, "%v", r)
		}
	}
	sorted := slices.Clone(newRanges)
	sortRanges(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Low < sorted[i-1].High {
			return ScalePlan{}, failure(ErrRangesOverlap, "%v and %v", sorted[i-1], sorted[i])
		}
	}
	if got, want := union(newRanges), union(old); !slices.Equal(got, want) {
		return ScalePlan{}, failure(ErrRangesMismatch, "new ranges cover %v, sealed segments cover %v", got, want)
	}
	if n := len(active) - len(ids) + len(newRanges); n < minSegments {
		return ScalePlan{}, precondition(ErrTooFewSegments, "%d segments left, minimum %d", n, minSegments)
	}
	epoch := s.ActiveEpoch()
	if epoch == math.MaxInt32 || int64(s.nextNumber)+int64(len(newRanges)) > math.MaxInt32 {
		return ScalePlan{}, failure(ErrNumbersExhausted, "")
	}
	p := ScalePlan{Epoch: epoch, Sealed: ids, NewSegments: make([]Segment, len(newRanges))}
	for i, r := range newRanges {
		p.NewSegments[i] = Segment{
			ID:          naming.SegmentID(epoch+1, s.nextNumber+int32(i)),
			KeyRange:    r,
			SealedEpoch: NotSealed,
		}
	}
	return p, nil
}

// ApplyScale completes a planned scale: it creates epoch p.Epoch+1 with the
// surviving and the new segments, marks the sealed segments as sealed in it
// and advances the next segment number. The plan must still fit the stream
// (ErrStalePlan otherwise, or ErrStreamSealed).
func (s *Stream) ApplyScale(p ScalePlan, creationTime int64) error {
	if s.sealed {
		return fmt.Errorf("apply scale: %w", ErrStreamSealed)
	}
	fresh, err := s.PlanScale(p.Sealed, p.NewRanges(), 0)
	if err != nil || fresh.Epoch != p.Epoch || !slices.EqualFunc(fresh.NewSegments, p.NewSegments, func(a, b Segment) bool {
		return a.ID == b.ID && a.KeyRange == b.KeyRange
	}) {
		return fmt.Errorf("apply scale to epoch %d (active %d): %w", p.Epoch, s.ActiveEpoch(), ErrStalePlan)
	}
	newEpoch := p.Epoch + 1
	segments := slices.Clone(s.segments)
	for _, id := range p.Sealed {
		i, _ := s.index(id)
		segments[i].SealedEpoch = newEpoch
	}
	segments = append(segments, p.NewSegments...)

	var current []Segment
	for _, id := range s.epochs[len(s.epochs)-1].SegmentIDs {
		if !slices.Contains(p.Sealed, id) {
			seg, _ := s.Segment(id)
			current = append(current, seg)
		}
	}
	current = append(current, p.NewSegments...)
	slices.SortFunc(current, func(a, b Segment) int { return cmp.Compare(a.Low, b.Low) })
	ids := make([]int64, len(current))
	for i, seg := range current {
		ids[i] = seg.ID
	}

	s.segments = segments
	s.epochs = append(slices.Clip(s.epochs), Epoch{CreationTime: creationTime, SegmentIDs: ids})
	s.nextNumber += int32(len(p.NewSegments))
	return nil
}

// Scale plans and applies a scale in one step.
func (s *Stream) Scale(sealed []int64, newRanges []KeyRange, minSegments int, creationTime int64) (ScalePlan, error) {
	p, err := s.PlanScale(sealed, newRanges, minSegments)
	if err != nil {
		return ScalePlan{}, err
	}
	return p, s.ApplyScale(p, creationTime)
}

// PlanReset plans the scale that updateStream performs when the segment
// count must change to n: seal every active segment and create n equal
// ranges (EqualRanges).
func (s *Stream) PlanReset(n int) (ScalePlan, error) {
	if n < 1 {
		return ScalePlan{}, failure(ErrTooFewSegments, "%d segments", n)
	}
	if s.sealed {
		return ScalePlan{}, failure(ErrStreamSealed, "")
	}
	return s.PlanScale(s.epochs[len(s.epochs)-1].SegmentIDs, EqualRanges(n), n)
}
