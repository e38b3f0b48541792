package streammodel

import (
	"errors"
	"slices"
	"testing"
)

// cutStream builds:
//
//	epoch 0: s0 [0, .5)  s1 [.5, 1)
//	epoch 1: s0 [0, .5)  s2 [.5, .75)  s3 [.75, 1)    (s1 split)
//	epoch 2: s4 [0, .75)               s3 [.75, 1)    (s0 and s2 merged)
func cutStream(t *testing.T) *Stream {
	s := mustNew(t, 2, 0)
	mustScale(t, s, []int64{id(0, 1)}, []KeyRange{{0.5, 0.75}, {0.75, 1}})
	mustScale(t, s, []int64{id(0, 0), id(1, 2)}, []KeyRange{{0, 0.75}})
	return s
}

var (
	c0, c1, c2, c3, c4 = id(0, 0), id(0, 1), id(1, 2), id(1, 3), id(2, 4)
)

func TestValidateCut(t *testing.T) {
	s := cutStream(t)
	for _, tc := range []struct {
		name  string
		cut   Cut
		valid bool
	}{
		{"empty", Cut{}, true},
		{"nil", nil, true},
		{"epoch 0", Cut{c0: 0, c1: 10}, true},
		{"epoch 1", Cut{c0: 5, c2: 0, c3: 7}, true},
		{"epoch 2", Cut{c4: 1, c3: 2}, true},
		{"mixed epochs", Cut{c0: 5, c2: 3, c3: 0}, true},
		{"s1 done, successors future", Cut{c0: 5, c2: -1, c3: -1}, true},
		{"s0 and s2 done, merge future", Cut{c0: 5, c4: -1, c3: 4}, true},
		{"redundant future over older in-cut", Cut{c0: 5, c1: 3, c2: -1}, true},
		{"all future", Cut{c4: -1, c3: -1}, true},
		{"unknown id", Cut{c0: 0, c1: 0, id(0, 9): 0}, false},
		{"wrong epoch part", Cut{c0: 0, id(1, 1): 0}, false},
		{"gap", Cut{c0: 0}, false},
		{"gap in middle", Cut{c0: 0, c3: 0}, false},
		{"overlapping in-cut", Cut{c0: 0, c1: 0, c2: 0}, false},
		{"overlap across epochs", Cut{c4: 0, c0: 0, c1: 0}, false},
		{"future older than in-cut", Cut{c0: 0, c2: 0, c3: 0, c1: -1}, false},
		{"future does not cover gap", Cut{c0: 0, c3: -1}, false},
	} {
		err := s.ValidateCut(tc.cut)
		if tc.valid != (err == nil) {
			t.Errorf("%s: ValidateCut(%v) = %v", tc.name, tc.cut, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidCut) {
			t.Errorf("%s: error %v does not wrap ErrInvalidCut", tc.name, err)
		}
	}
}

func ids(segs []Segment) []int64 {
	out := make([]int64, len(segs))
	for i, s := range segs {
		out[i] = s.ID
	}
	return out
}

func TestSegmentsBefore(t *testing.T) {
	s := cutStream(t)
	for _, tc := range []struct {
		cut  Cut
		want []int64
	}{
		{Cut{}, nil},
		{Cut{c0: 0, c1: 0}, nil},
		{Cut{c0: 3, c2: 0, c3: 0}, []int64{c1}},
		{Cut{c4: 0, c3: 0}, []int64{c0, c1, c2}},
		{Cut{c0: 5, c2: -1, c3: -1}, []int64{c1}},
		{Cut{c0: 5, c4: -1, c3: 4}, []int64{c1, c2}},
	} {
		got, err := s.SegmentsBefore(tc.cut)
		if err != nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("SegmentsBefore(%v) = %v, %v; want %v", tc.cut, ids(got), err, tc.want)
		}
	}
}

func TestSegmentsBetween(t *testing.T) {
	s := cutStream(t)
	for _, tc := range []struct {
		name     string
		from, to Cut
		want     []int64
		err      error
	}{
		{"all from head", nil, Cut{c4: 0, c3: 0}, []int64{c0, c1, c2, c3, c4}, nil},
		{"head to epoch 0", nil, Cut{c0: 1, c1: 1}, []int64{c0, c1}, nil},
		{"epoch 1 to tail", Cut{c0: 0, c2: 0, c3: 0}, nil, []int64{c0, c2, c3, c4}, nil},
		{"epoch 0 to epoch 1", Cut{c0: 0, c1: 0}, Cut{c0: 9, c2: 0, c3: 0}, []int64{c0, c1, c2, c3}, nil},
		{"same cut", Cut{c0: 0, c1: 0}, Cut{c0: 0, c1: 0}, []int64{c0, c1}, nil},
		{"future in to excluded", Cut{c0: 0, c1: 0}, Cut{c0: 5, c2: -1, c3: -1}, []int64{c0, c1}, nil},
		{"future in from included", Cut{c0: 5, c2: -1, c3: -1}, Cut{c4: 0, c3: 0}, []int64{c0, c2, c3, c4}, nil},
		{"both unbounded", nil, Cut{}, nil, ErrUnboundedRange},
		{"out of order", Cut{c4: 0, c3: 0}, Cut{c0: 0, c1: 0}, nil, ErrCutOutOfOrder},
		{"offset going back", Cut{c0: 5, c1: 5}, Cut{c0: 4, c1: 5}, nil, ErrCutOutOfOrder},
		{"invalid from", Cut{c0: 0}, nil, nil, ErrInvalidCut},
		{"invalid to", nil, Cut{c1: 0}, nil, ErrInvalidCut},
	} {
		got, err := s.SegmentsBetween(tc.from, tc.to)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, ids(got), err, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	s := cutStream(t)
	p, err := s.Truncate(Cut{c0: 3, c2: 4, c3: 0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Delete, []int64{c1}) || len(p.Truncate) != 3 || p.Truncate[c2] != 4 {
		t.Fatalf("plan = %+v", p)
	}
	if !s.Truncated() || s.Head()[c2] != 4 || !s.IsDeleted(c1) || s.IsDeleted(c0) {
		t.Fatal("head after truncation")
	}
	// Going back is refused; the same cut again is fine and deletes nothing.
	if _, err := s.PlanTruncation(Cut{c0: 0, c1: 0}); !errors.Is(err, ErrCutOutOfOrder) {
		t.Errorf("truncation behind head = %v", err)
	}
	if _, err := s.PlanTruncation(Cut{c0: 2, c2: 4, c3: 0}); !errors.Is(err, ErrCutOutOfOrder) {
		t.Errorf("offset behind head = %v", err)
	}
	if p, err := s.PlanTruncation(Cut{c0: 3, c2: 4, c3: 0}); err != nil || len(p.Delete) != 0 {
		t.Errorf("same cut again = %+v, %v", p, err)
	}
	// Moving on to the last epoch deletes only what the head still held.
	p, err = s.PlanTruncation(Cut{c4: 0, c3: 10})
	if err != nil || !slices.Equal(p.Delete, []int64{c0, c2}) {
		t.Fatalf("second plan = %+v, %v", p, err)
	}
	stale := p
	if err := s.ApplyTruncation(p); err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyTruncation(stale); err == nil {
		t.Error("stale truncation plan applied")
	}
	for _, bad := range []Cut{nil, {c4: 0}} {
		if _, err := s.PlanTruncation(bad); !errors.Is(err, ErrInvalidCut) {
			t.Errorf("PlanTruncation(%v) = %v", bad, err)
		}
	}
	s.Seal()
	if _, err := s.PlanTruncation(Cut{c4: 1, c3: 10}); !errors.Is(err, ErrStreamSealed) {
		t.Errorf("truncating sealed stream = %v", err)
	}
}
