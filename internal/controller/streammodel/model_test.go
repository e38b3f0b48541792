package streammodel

import (
	"errors"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/naming"
)

func id(epoch, number int32) int64 { return naming.SegmentID(epoch, number) }

func mustNew(t *testing.T, n int, start int32) *Stream {
	t.Helper()
	s, err := New(n, start, 100)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustScale(t *testing.T, s *Stream, sealed []int64, ranges []KeyRange) ScalePlan {
	t.Helper()
	p, err := s.Scale(sealed, ranges, 1, 0)
	if err != nil {
		t.Fatalf("scale %v → %v: %v", sealed, ranges, err)
	}
	return p
}

func TestEqualRanges(t *testing.T) {
	for n := 1; n <= 1000; n++ {
		r := EqualRanges(n)
		if err := ValidatePartition(r); err != nil {
			t.Fatalf("EqualRanges(%d): %v", n, err)
		}
		if r[n-1].High != 1.0 {
			t.Fatalf("EqualRanges(%d) ends at %v", n, r[n-1].High)
		}
	}
	// The reason for forcing the end: Java's n·(1/n) falls short for 49.
	if c := 1.0 / 49; 49*c == 1.0 {
		t.Error("expected 49·(1/49) < 1")
	}
	if EqualRanges(0) != nil {
		t.Error("EqualRanges(0) != nil")
	}
	if got := EqualRanges(2); !slices.Equal(got, []KeyRange{{0, 0.5}, {0.5, 1}}) {
		t.Errorf("EqualRanges(2) = %v", got)
	}
}

func TestKeyRangeSplit(t *testing.T) {
	r := KeyRange{0.25, 0.7}
	for n := 1; n < 50; n++ {
		parts := r.Split(n)
		if parts[0].Low != r.Low || parts[n-1].High != r.High {
			t.Fatalf("Split(%d) = %v", n, parts)
		}
		for i := 1; i < n; i++ {
			if parts[i].Low != parts[i-1].High || !(parts[i].Low < parts[i].High) {
				t.Fatalf("Split(%d) = %v", n, parts)
			}
		}
	}
}

func TestValidatePartition(t *testing.T) {
	for _, bad := range [][]KeyRange{
		nil,
		{{0, 0.5}},
		{{0.1, 1}},
		{{0, 0.5}, {0.6, 1}},
		{{0, 0.6}, {0.5, 1}},
		{{0.5, 1}, {0, 0.5}},
		{{0, 0}, {0, 1}},
		{{0, 0.9999999999999999}},
		{{0, 1.5}},
	} {
		if err := ValidatePartition(bad); !errors.Is(err, ErrBadPartition) {
			t.Errorf("ValidatePartition(%v) = %v", bad, err)
		}
	}
}

func TestNew(t *testing.T) {
	s := mustNew(t, 3, 10)
	cur := s.CurrentSegments()
	if len(cur) != 3 || cur[0].ID != id(0, 10) || cur[2].ID != id(0, 12) || cur[2].High != 1 {
		t.Fatalf("CurrentSegments = %v", cur)
	}
	if s.NextNumber() != 13 || s.ActiveEpoch() != 0 || s.Sealed() || s.Truncated() {
		t.Error("fresh stream state")
	}
	if _, err := New(0, 0, 0); !errors.Is(err, ErrBadSegmentCount) {
		t.Errorf("New(0) = %v", err)
	}
	if _, err := New(1, -1, 0); !errors.Is(err, ErrBadStartNumber) {
		t.Errorf("New(start -1) = %v", err)
	}
	if _, err := NewWithRanges([]KeyRange{{0, 0.5}}, 0, 0); !errors.Is(err, ErrBadPartition) {
		t.Errorf("NewWithRanges(bad) = %v", err)
	}
	head := s.Head()
	if len(head) != 3 || head[id(0, 10)] != 0 {
		t.Errorf("Head = %v", head)
	}
}

// The examples of the fact sheet: split s0 into s1, s2; merge s1, s2 into s3.
func TestSheetExamples(t *testing.T) {
	s := mustNew(t, 1, 0)
	s0 := id(0, 0)
	p := mustScale(t, s, []int64{s0}, []KeyRange{{0, 0.5}, {0.5, 1}})
	s1, s2 := id(1, 1), id(1, 2)
	if p.Epoch != 0 || p.NewSegments[0].ID != s1 || p.NewSegments[1].ID != s2 {
		t.Fatalf("split plan = %+v", p)
	}
	succ, err := s.Successors(s0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Successor{
		{Segment: Segment{ID: s1, KeyRange: KeyRange{0, 0.5}, SealedEpoch: NotSealed}, Predecessors: []int64{s0}},
		{Segment: Segment{ID: s2, KeyRange: KeyRange{0.5, 1}, SealedEpoch: NotSealed}, Predecessors: []int64{s0}},
	}
	if !equalSuccessors(succ, want) {
		t.Fatalf("successors(s0) = %+v, want %+v", succ, want)
	}
	mustScale(t, s, []int64{s1, s2}, []KeyRange{{0, 1}})
	s3 := id(2, 3)
	for _, x := range []int64{s1, s2} {
		succ, _ := s.Successors(x)
		if len(succ) != 1 || succ[0].Segment.ID != s3 || !slices.Equal(succ[0].Predecessors, []int64{s1, s2}) {
			t.Fatalf("successors(%d) = %+v", x, succ)
		}
	}
	if succ, _ := s.Successors(s3); len(succ) != 0 {
		t.Errorf("active segment has successors %v", succ)
	}
	preds, _ := s.Predecessors(s3)
	if len(preds) != 2 || preds[0].ID != s1 || preds[1].ID != s2 {
		t.Errorf("Predecessors(s3) = %v", preds)
	}
	if !s.IsActive(s3) || s.IsActive(s1) {
		t.Error("IsActive")
	}
	s.Seal()
	if succ, _ := s.Successors(s3); len(succ) != 0 {
		t.Errorf("segment sealed with the stream has successors %v", succ)
	}
	if len(s.CurrentSegments()) != 0 || s.IsActive(s3) {
		t.Error("sealed stream still has current segments")
	}
	if segs, err := s.EpochSegments(2); err != nil || len(segs) != 1 || segs[0].ID != s3 {
		t.Errorf("EpochSegments(2) = %v, %v", segs, err)
	}
	if _, err := s.Successors(id(5, 5)); !errors.Is(err, ErrSegmentNotFound) {
		t.Errorf("Successors(unknown) = %v", err)
	}
}

// Following successors is not confined to the start segment's range: a merge
// followed by a split leads from [0, .5) to [.5, 1).
func TestSuccessorsLeaveTheRangeAfterMerge(t *testing.T) {
	s := mustNew(t, 2, 0)
	mustScale(t, s, []int64{id(0, 0), id(0, 1)}, []KeyRange{{0, 1}})
	mustScale(t, s, []int64{id(1, 2)}, []KeyRange{{0, 0.5}, {0.5, 1}})
	succ, _ := s.Successors(id(1, 2))
	if len(succ) != 2 || succ[1].Segment.KeyRange != (KeyRange{0.5, 1}) || !slices.Equal(succ[1].Predecessors, []int64{id(1, 2)}) {
		t.Fatalf("successors = %+v", succ)
	}
}

func equalSuccessors(a, b []Successor) bool {
	return slices.EqualFunc(a, b, func(x, y Successor) bool {
		return x.Segment == y.Segment && slices.Equal(x.Predecessors, y.Predecessors)
	})
}

func TestEpochQueries(t *testing.T) {
	s := mustNew(t, 2, 0)
	mustScale(t, s, []int64{id(0, 1)}, []KeyRange{{0.5, 0.75}, {0.75, 1}})
	e, err := s.Epoch(1)
	if err != nil || !slices.Equal(e.SegmentIDs, []int64{id(0, 0), id(1, 2), id(1, 3)}) {
		t.Fatalf("Epoch(1) = %v, %v", e, err)
	}
	for _, bad := range []int32{-1, 2} {
		if _, err := s.EpochSegments(bad); !errors.Is(err, ErrEpochNotFound) {
			t.Errorf("EpochSegments(%d) = %v", bad, err)
		}
	}
	seg, ok := s.Segment(id(0, 1))
	if !ok || seg.SealedEpoch != 1 || seg.Number() != 1 || seg.CreationEpoch() != 0 {
		t.Errorf("Segment = %+v %v", seg, ok)
	}
	if _, ok := s.Segment(id(1, 1)); ok {
		t.Error("found segment with wrong epoch part")
	}
	if len(s.Segments()) != 4 {
		t.Error("Segments")
	}
}
