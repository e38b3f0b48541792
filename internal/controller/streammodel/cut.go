package streammodel

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

// Cut is a stream cut: segment id → offset. An offset >= 0 puts the segment
// "in" the cut at that offset; a negative offset (-1) marks a "future"
// segment that has not been started. An empty or nil Cut is unbounded: the
// head or the tail of the stream, depending on where it is used.
type Cut map[int64]int64

// Clone returns a copy; the clone of nil is nil.
func (c Cut) Clone() Cut { return maps.Clone(c) }

// Unbounded reports whether the cut is empty.
func (c Cut) Unbounded() bool { return len(c) == 0 }

// cutEntry is a cut entry resolved against the history.
type cutEntry struct {
	seg    Segment
	offset int64
}

func (e cutEntry) future() bool { return e.offset < 0 }

// resolveCut looks up every id of c, in ascending id order.
func (s *Stream) resolveCut(c Cut) ([]cutEntry, error) {
	out := make([]cutEntry, 0, len(c))
	for _, id := range slices.Sorted(maps.Keys(c)) {
		seg, ok := s.Segment(id)
		if !ok {
			return nil, fmt.Errorf("%w: segment %d does not exist", ErrInvalidCut, id)
		}
		out = append(out, cutEntry{seg: seg, offset: c[id]})
	}
	return out, nil
}

// ValidateCut checks the rules for stream cuts (truncateStream,
// isStreamCutValid); it returns nil for an empty cut and otherwise an error
// wrapping ErrInvalidCut when:
//
//   - an id names no segment of the history;
//   - a future segment (offset < 0) overlaps an in-cut segment (offset >= 0)
//     whose id is not smaller;
//   - in-cut segments overlap each other;
//   - a key of [0, 1) is covered neither by an in-cut segment nor by a
//     future segment.
func (s *Stream) ValidateCut(c Cut) error {
	_, err := s.checkedCut(c)
	return err
}

func (s *Stream) checkedCut(c Cut) ([]cutEntry, error) {
	entries, err := s.resolveCut(c)
	if err != nil || len(entries) == 0 {
		return entries, err
	}
	var in []Segment
	var futures []KeyRange
	for _, e := range entries {
		if e.future() {
			futures = append(futures, e.seg.KeyRange)
		} else {
			in = append(in, e.seg)
		}
	}
	for _, f := range entries {
		if !f.future() {
			continue
		}
		for _, i := range in {
			if i.Overlaps(f.seg.KeyRange) && i.ID > f.seg.ID {
				return nil, fmt.Errorf("%w: future segment %d overlaps newer in-cut segment %d", ErrInvalidCut, f.seg.ID, i.ID)
			}
		}
	}
	slices.SortFunc(in, func(a, b Segment) int { return cmp.Compare(a.Low, b.Low) })
	var gaps []KeyRange
	cursor := 0.0
	for _, seg := range in {
		if seg.Low < cursor {
			return nil, fmt.Errorf("%w: in-cut segment %d %v overlaps another one", ErrInvalidCut, seg.ID, seg.KeyRange)
		}
		if seg.Low > cursor {
			gaps = append(gaps, KeyRange{Low: cursor, High: seg.Low})
		}
		cursor = seg.High
	}
	if cursor < 1 {
		gaps = append(gaps, KeyRange{Low: cursor, High: 1})
	}
	for _, g := range gaps {
		if !covered(g, futures) {
			return nil, fmt.Errorf("%w: keys %v are not covered", ErrInvalidCut, g)
		}
	}
	return entries, nil
}

// before reports whether seg lies wholly before the cut: it is not itself in
// the cut, and every cut entry overlapping it is newer (has a larger id).
func before(seg Segment, cut []cutEntry) bool {
	overlaps := false
	for _, e := range cut {
		if e.seg.ID == seg.ID {
			return false
		}
		if e.seg.Overlaps(seg.KeyRange) {
			if e.seg.ID < seg.ID {
				return false
			}
			overlaps = true
		}
	}
	return overlaps
}

// after reports whether seg lies wholly after the cut: it is a future entry
// of the cut, or it is not in the cut and every cut entry overlapping it is
// older.
func after(seg Segment, cut []cutEntry) bool {
	overlaps := false
	for _, e := range cut {
		if e.seg.ID == seg.ID {
			return e.future()
		}
		if e.seg.Overlaps(seg.KeyRange) {
			if e.seg.ID > seg.ID {
				return false
			}
			overlaps = true
		}
	}
	return overlaps
}

// notBehind reports whether next is at or past prev everywhere: for every
// pair of entries with overlapping ranges, either they are the same segment
// and next's offset is not smaller (a future entry counts as offset -1), or
// next's segment is the newer one.
func notBehind(prev, next []cutEntry) bool {
	for _, p := range prev {
		for _, n := range next {
			switch {
			case p.seg.ID == n.seg.ID:
				if max(n.offset, -1) < max(p.offset, -1) {
					return false
				}
			case p.seg.Overlaps(n.seg.KeyRange) && n.seg.ID < p.seg.ID:
				return false
			}
		}
	}
	return true
}

// SegmentsBefore returns the segments that lie wholly before a valid cut, in
// creation order: every cut entry overlapping such a segment is newer than
// it. Truncating at the cut deletes them. An empty cut has none.
func (s *Stream) SegmentsBefore(c Cut) ([]Segment, error) {
	entries, err := s.checkedCut(c)
	if err != nil {
		return nil, err
	}
	var out []Segment
	for _, seg := range s.segments {
		if len(entries) > 0 && before(seg, entries) {
			out = append(out, seg)
		}
	}
	return out, nil
}

// SegmentsBetween answers getSegmentsBetween: the segments, in creation
// order, that are neither wholly before from nor wholly after to. An empty
// from means the start of the history (epoch 0), an empty to the active
// epoch; both empty is ErrUnboundedRange. Either cut invalid gives
// ErrInvalidCut; to behind from gives ErrCutOutOfOrder.
func (s *Stream) SegmentsBetween(from, to Cut) ([]Segment, error) {
	if from.Unbounded() && to.Unbounded() {
		return nil, ErrUnboundedRange
	}
	fromEntries, err := s.checkedCut(from)
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	toEntries, err := s.checkedCut(to)
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if !notBehind(fromEntries, toEntries) {
		return nil, fmt.Errorf("segments between: %w", ErrCutOutOfOrder)
	}
	var out []Segment
	for _, seg := range s.segments {
		if len(fromEntries) > 0 && before(seg, fromEntries) {
			continue
		}
		if len(toEntries) > 0 && after(seg, toEntries) {
			continue
		}
		out = append(out, seg)
	}
	return out, nil
}
