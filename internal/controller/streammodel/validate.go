package streammodel

import "fmt"

// Validate checks the invariants every Stream built by this package keeps;
// Unmarshal runs it on decoded records. Errors wrap ErrCorrupt.
//
//   - there is at least one epoch, and every epoch's segments, in the listed
//     order, are an exact partition of [0, 1) (ValidatePartition);
//   - segments are listed in ascending number order, numbers are unique and
//     below the next number, and every id's epoch part is the epoch in which
//     the segment first appears;
//   - a segment belongs to exactly the epochs from its creation epoch up to,
//     excluding, its SealedEpoch (or to the active epoch if NotSealed);
//   - the head, if any, is a valid, non-empty cut.
func (s *Stream) Validate() error {
	if len(s.epochs) == 0 {
		return fmt.Errorf("%w: no epochs", ErrCorrupt)
	}
	last := int32(-1)
	for _, seg := range s.segments {
		if seg.Number() <= last {
			return fmt.Errorf("%w: segment %d out of number order", ErrCorrupt, seg.ID)
		}
		last = seg.Number()
		if seg.Number() >= s.nextNumber {
			return fmt.Errorf("%w: segment %d not below next number %d", ErrCorrupt, seg.ID, s.nextNumber)
		}
		c := seg.CreationEpoch()
		if c < 0 || int(c) >= len(s.epochs) {
			return fmt.Errorf("%w: segment %d created in unknown epoch", ErrCorrupt, seg.ID)
		}
		if seg.SealedEpoch != NotSealed && (seg.SealedEpoch <= c || int(seg.SealedEpoch) >= len(s.epochs)) {
			return fmt.Errorf("%w: segment %d sealed in epoch %d", ErrCorrupt, seg.ID, seg.SealedEpoch)
		}
	}
	// Each listing of a segment must fall in [creation, sealed), and the
	// number of listings must fill that interval.
	listed := make(map[int64]int32, len(s.segments))
	for e, rec := range s.epochs {
		ranges := make([]KeyRange, len(rec.SegmentIDs))
		for i, id := range rec.SegmentIDs {
			seg, ok := s.Segment(id)
			if !ok {
				return fmt.Errorf("%w: epoch %d lists unknown segment %d", ErrCorrupt, e, id)
			}
			if int32(e) < seg.CreationEpoch() || int32(e) >= s.end(seg) {
				return fmt.Errorf("%w: epoch %d lists segment %d outside its lifetime", ErrCorrupt, e, id)
			}
			listed[id]++
			ranges[i] = seg.KeyRange
		}
		if err := ValidatePartition(ranges); err != nil {
			return fmt.Errorf("%w: epoch %d: %w", ErrCorrupt, e, err)
		}
	}
	for _, seg := range s.segments {
		if listed[seg.ID] != s.end(seg)-seg.CreationEpoch() {
			return fmt.Errorf("%w: segment %d is missing from an epoch of its lifetime", ErrCorrupt, seg.ID)
		}
	}
	if s.head != nil {
		if len(s.head) == 0 {
			return fmt.Errorf("%w: empty head", ErrCorrupt)
		}
		if err := s.ValidateCut(s.head); err != nil {
			return fmt.Errorf("%w: head: %w", ErrCorrupt, err)
		}
	}
	return nil
}

// end returns the first epoch that no longer holds seg.
func (s *Stream) end(seg Segment) int32 {
	if seg.SealedEpoch == NotSealed {
		return int32(len(s.epochs))
	}
	return seg.SealedEpoch
}
