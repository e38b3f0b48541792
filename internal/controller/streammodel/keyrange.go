package streammodel

import (
	"cmp"
	"fmt"
	"slices"
)

// KeyRange is the half-open interval [Low, High) of the routing key space
// [0, 1) that a segment owns.
type KeyRange struct {
	Low  float64
	High float64
}

// Valid reports whether 0 <= Low < High <= 1. NaN bounds are never valid.
func (r KeyRange) Valid() bool {
	return r.Low >= 0 && r.Low < r.High && r.High <= 1
}

// Overlaps reports whether r and o share any key.
func (r KeyRange) Overlaps(o KeyRange) bool {
	return r.Low < o.High && o.Low < r.High
}

// Contains reports whether key lies in [Low, High).
func (r KeyRange) Contains(key float64) bool {
	return r.Low <= key && key < r.High
}

// String formats the range as "[low, high)".
func (r KeyRange) String() string {
	return fmt.Sprintf("[%v, %v)", r.Low, r.High)
}

// Split divides r into n ranges of equal width; the last one ends exactly at
// r.High. It returns nil if n < 1.
func (r KeyRange) Split(n int) []KeyRange {
	if n < 1 {
		return nil
	}
	out := make([]KeyRange, n)
	step := (r.High - r.Low) / float64(n)
	for i := range out {
		out[i] = KeyRange{Low: r.Low + float64(i)*step, High: r.Low + float64(i+1)*step}
		if i > 0 {
			out[i].Low = out[i-1].High
		}
	}
	out[n-1].High = r.High
	return out
}

// EqualRanges divides [0, 1) into n ranges: range i is [i·c, (i+1)·c) with
// c = 1/n, as Java computes them, except that the last range ends at exactly
// 1.0. (Java's n·(1/n) is 0.9999999999999999 for some n, e.g. 49, which both
// clients reject.) It returns nil if n < 1.
func EqualRanges(n int) []KeyRange {
	if n < 1 {
		return nil
	}
	c := 1.0 / float64(n)
	out := make([]KeyRange, n)
	for i := range out {
		out[i] = KeyRange{Low: float64(i) * c, High: float64(i+1) * c}
	}
	out[n-1].High = 1.0
	return out
}

// ValidatePartition checks that ranges, in the given order, are an exact
// partition of [0, 1): the first starts at 0, each starts where the previous
// one ends (exact float equality), none is empty, and the last ends at
// exactly 1.0. It returns an error wrapping ErrBadPartition.
func ValidatePartition(ranges []KeyRange) error {
	if len(ranges) == 0 {
		return fmt.Errorf("%w: no ranges", ErrBadPartition)
	}
	want := 0.0
	for i, r := range ranges {
		if r.Low != want {
			return fmt.Errorf("%w: range %d %v starts at %v, want %v", ErrBadPartition, i, r, r.Low, want)
		}
		if !r.Valid() {
			return fmt.Errorf("%w: range %d %v is empty or outside [0, 1]", ErrBadPartition, i, r)
		}
		want = r.High
	}
	if want != 1.0 {
		return fmt.Errorf("%w: ranges end at %v, want 1", ErrBadPartition, want)
	}
	return nil
}

// sortRanges sorts ranges by Low, then High.
func sortRanges(ranges []KeyRange) {
	slices.SortFunc(ranges, func(a, b KeyRange) int {
		if c := cmp.Compare(a.Low, b.Low); c != 0 {
			return c
		}
		return cmp.Compare(a.High, b.High)
	})
}

// union returns the union of non-overlapping ranges as sorted, disjoint,
// non-adjacent ranges: adjacent ranges (one's High equal to the next one's
// Low) are merged. The input is not modified.
func union(ranges []KeyRange) []KeyRange {
	sorted := slices.Clone(ranges)
	sortRanges(sorted)
	var out []KeyRange
	for _, r := range sorted {
		if n := len(out); n > 0 && out[n-1].High >= r.Low {
			out[n-1].High = max(out[n-1].High, r.High)
			continue
		}
		out = append(out, r)
	}
	return out
}

// covered reports whether every key of r lies in the union of ranges.
func covered(r KeyRange, ranges []KeyRange) bool {
	for _, u := range union(ranges) {
		if u.Low <= r.Low && r.High <= u.High {
			return true
		}
	}
	return false
}
