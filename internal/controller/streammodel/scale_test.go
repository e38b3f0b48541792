package streammodel

import (
	"errors"
	"testing"
)

func TestPlanScaleRules(t *testing.T) {
	// Epoch 1 of the base stream: s0 [0, .5), s2 [.5, .75), s3 [.75, 1).
	base := func(t *testing.T) *Stream {
		s := mustNew(t, 2, 0)
		mustScale(t, s, []int64{id(0, 1)}, []KeyRange{{0.5, 0.75}, {0.75, 1}})
		return s
	}
	s0, s1, s2, s3 := id(0, 0), id(0, 1), id(1, 2), id(1, 3)
	for _, tc := range []struct {
		name         string
		sealed       []int64
		ranges       []KeyRange
		min          int
		reason       error // nil = accepted
		precondition bool
	}{
		{"split", []int64{s0}, []KeyRange{{0, 0.25}, {0.25, 0.5}}, 1, nil, false},
		{"merge", []int64{s2, s3}, []KeyRange{{0.5, 1}}, 1, nil, false},
		{"merge all", []int64{s0, s2, s3}, []KeyRange{{0, 1}}, 1, nil, false},
		{"non-adjacent pieces", []int64{s0, s3}, []KeyRange{{0, 0.5}, {0.75, 1}}, 1, nil, false},
		{"rebalance", []int64{s0, s2}, []KeyRange{{0, 0.6}, {0.6, 0.75}}, 1, nil, false},
		{"duplicate sealed ids", []int64{s0, s0}, []KeyRange{{0, 0.5}}, 1, nil, false},
		{"sealed segment not active", []int64{s1}, []KeyRange{{0.5, 1}}, 1, ErrSegmentNotActive, true},
		{"unknown segment", []int64{id(7, 7)}, []KeyRange{{0, 1}}, 1, ErrSegmentNotActive, true},
		{"nothing sealed", nil, nil, 1, ErrNothingToSeal, false},
		{"start == end", []int64{s0}, []KeyRange{{0, 0.5}, {0.5, 0.5}}, 1, ErrEmptyRange, false},
		{"start > end", []int64{s0}, []KeyRange{{0.5, 0}}, 1, ErrEmptyRange, false},
		{"overlap", []int64{s0}, []KeyRange{{0, 0.3}, {0.2, 0.5}}, 1, ErrRangesOverlap, false},
		{"gap", []int64{s0}, []KeyRange{{0, 0.2}, {0.3, 0.5}}, 1, ErrRangesMismatch, false},
		{"too wide", []int64{s0}, []KeyRange{{0, 0.6}}, 1, ErrRangesMismatch, false},
		{"too narrow", []int64{s0}, []KeyRange{{0, 0.4999999}}, 1, ErrRangesMismatch, false},
		{"bridges unsealed", []int64{s0, s3}, []KeyRange{{0, 1}}, 1, ErrRangesMismatch, false},
		{"no new ranges", []int64{s0}, nil, 1, ErrRangesMismatch, false},
		{"below minimum", []int64{s2, s3}, []KeyRange{{0.5, 1}}, 3, ErrTooFewSegments, true},
		{"at minimum", []int64{s2, s3}, []KeyRange{{0.5, 1}}, 2, nil, false},
		{"not-active before range check", []int64{s1}, []KeyRange{{0.5, 0.5}}, 1, ErrSegmentNotActive, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base(t)
			p, err := s.PlanScale(tc.sealed, tc.ranges, tc.min)
			if tc.reason == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				if p.Epoch != 1 || len(p.NewSegments) != len(tc.ranges) || p.NewSegments[0].ID != id(2, 4) {
					t.Fatalf("plan = %+v", p)
				}
				if err := s.ApplyScale(p, 7); err != nil {
					t.Fatal(err)
				}
				if err := s.Validate(); err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *ScaleError
			if !errors.Is(err, tc.reason) || !errors.As(err, &se) || se.Precondition != tc.precondition || IsPreconditionFailed(err) != tc.precondition {
				t.Fatalf("error = %v (precondition %v), want %v (precondition %v)", err, IsPreconditionFailed(err), tc.reason, tc.precondition)
			}
		})
	}
}

func TestScaleSealedStream(t *testing.T) {
	s := mustNew(t, 1, 0)
	s.Seal()
	_, err := s.PlanScale([]int64{id(0, 0)}, []KeyRange{{0, 1}}, 1)
	if !errors.Is(err, ErrStreamSealed) || IsPreconditionFailed(err) {
		t.Fatalf("scale of sealed stream = %v", err)
	}
}

func TestApplyScaleStalePlan(t *testing.T) {
	s := mustNew(t, 2, 0)
	old := *s // shallow copy: must survive the scale below untouched
	p1, _ := s.PlanScale([]int64{id(0, 0)}, []KeyRange{{0, 0.5}}, 1)
	p2, _ := s.PlanScale([]int64{id(0, 1)}, []KeyRange{{0.5, 1}}, 1)
	if err := s.ApplyScale(p1, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyScale(p2, 1); !errors.Is(err, ErrStalePlan) {
		t.Fatalf("second plan applied: %v", err)
	}
	if err := s.ApplyScale(p1, 1); !errors.Is(err, ErrStalePlan) {
		t.Fatalf("plan applied twice: %v", err)
	}
	if old.ActiveEpoch() != 0 || !old.IsActive(id(0, 0)) || old.NextNumber() != 2 {
		t.Fatal("scale changed a copy taken before it")
	}
	if seg, _ := old.Segment(id(0, 0)); seg.SealedEpoch != NotSealed {
		t.Fatal("scale changed a segment of a copy taken before it")
	}
}

func TestScalePlanMatches(t *testing.T) {
	s := mustNew(t, 2, 0)
	p, _ := s.PlanScale([]int64{id(0, 0), id(0, 1)}, []KeyRange{{0, 0.3}, {0.3, 1}}, 1)
	if !p.Matches([]int64{id(0, 1), id(0, 0)}, []KeyRange{{0.3, 1}, {0, 0.3}}) {
		t.Error("same request, other order, not matched")
	}
	if p.Matches([]int64{id(0, 0), id(0, 1)}, []KeyRange{{0, 0.4}, {0.4, 1}}) {
		t.Error("other ranges matched")
	}
	if p.Matches([]int64{id(0, 0)}, []KeyRange{{0, 0.3}, {0.3, 1}}) {
		t.Error("other sealed set matched")
	}
	if p.NewEpoch() != 1 {
		t.Error("NewEpoch")
	}
}

func TestPlanReset(t *testing.T) {
	s := mustNew(t, 3, 5)
	p, err := s.PlanReset(49)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sealed) != 3 || len(p.NewSegments) != 49 || p.NewSegments[48].High != 1.0 || p.NewSegments[0].Number() != 8 {
		t.Fatalf("reset plan = %+v", p)
	}
	if err := s.ApplyScale(p, 1); err != nil {
		t.Fatal(err)
	}
	if len(s.CurrentSegments()) != 49 || s.NextNumber() != 57 {
		t.Error("after reset")
	}
}
