package streammodel

import (
	"errors"
	"flag"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// Seeded property tests: random scale histories checked against brute-force
// answers. A failure prints the seed; rerun it with
//
//	go test -run TestProperties -streammodel.seed=<seed>
var (
	propSeed  = flag.Uint64("streammodel.seed", 0, "seed of the property tests (0: random)")
	propIters = flag.Int("streammodel.iters", 2000, "random histories per property test run (halved under -race)")
)

func TestProperties(t *testing.T) {
	seed := *propSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	iters := *propIters
	if raceEnabled {
		iters /= 2
	}
	if testing.Short() {
		iters /= 10
	}
	t.Logf("seed %d, %d histories", seed, iters)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	stats := map[string]int{}
	for i := range iters {
		s := randomHistory(t, rng, 1+rng.IntN(25), stats)
		if t.Failed() {
			t.Fatalf("history %d failed (seed %d)", i, seed)
		}
		checkHistory(t, rng, s, stats)
		if t.Failed() {
			data, _ := Marshal(s)
			t.Fatalf("history %d failed (seed %d): %s", i, seed, data)
		}
	}
	t.Logf("checked: %v", stats)
}

// randomPartition divides r into k ranges, either equally (Split) or at
// random interior points; it returns nil if r is too narrow.
func randomPartition(rng *rand.Rand, r KeyRange, k int) []KeyRange {
	if r.High-r.Low < 1e-6 {
		return nil
	}
	if rng.IntN(2) == 0 {
		return r.Split(k)
	}
	points := []float64{r.Low, r.High}
	for range k - 1 {
		p := r.Low + rng.Float64()*(r.High-r.Low)
		if p > r.Low && p < r.High {
			points = append(points, p)
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)
	out := make([]KeyRange, len(points)-1)
	for i := range out {
		out[i] = KeyRange{points[i], points[i+1]}
	}
	return out
}

// randomHistory builds a stream and applies random valid scales: splits,
// merges of adjacent runs, and re-partitions of adjacent runs. Every scale
// must be accepted, and copies taken before a scale must not change.
func randomHistory(t *testing.T, rng *rand.Rand, steps int, stats map[string]int) *Stream {
	s, err := New(1+rng.IntN(6), rng.Int32N(50), 0)
	if err != nil {
		t.Fatal(err)
	}
	for step := range steps {
		cur := s.CurrentSegments()
		first := rng.IntN(len(cur))
		run := 1 + rng.IntN(min(4, len(cur)-first))
		span := KeyRange{cur[first].Low, cur[first+run-1].High}
		var sealed []int64
		for _, seg := range cur[first : first+run] {
			sealed = append(sealed, seg.ID)
		}
		var ranges []KeyRange
		switch op := rng.IntN(3); {
		case op == 0 || run == 1: // split
			ranges = randomPartition(rng, span, 2+rng.IntN(3))
			stats["split"]++
		case op == 1: // merge
			ranges = []KeyRange{span}
			stats["merge"]++
		default: // re-partition
			ranges = randomPartition(rng, span, 1+rng.IntN(4))
			stats["repartition"]++
		}
		if ranges == nil {
			continue
		}
		rng.Shuffle(len(ranges), func(i, j int) { ranges[i], ranges[j] = ranges[j], ranges[i] })
		checkCorruptedScale(t, rng, s, sealed, ranges, stats)
		old, snapshot := *s, (*Stream)(nil)
		if rng.IntN(4) == 0 {
			snapshot = s.Clone()
		}
		plan, err := s.Scale(sealed, ranges, 1, int64(step))
		if err != nil {
			t.Errorf("scale %v → %v rejected: %v", sealed, ranges, err)
			return s
		}
		if !plan.Matches(sealed, ranges) {
			t.Errorf("plan does not match its own request")
		}
		if snapshot != nil && !reflect.DeepEqual(&old, snapshot) {
			t.Errorf("scale modified a copy taken before it")
		}
		stats["scales"]++
	}
	if rng.IntN(10) == 0 {
		s.Seal()
		stats["sealed streams"]++
	}
	stats["histories"]++
	return s
}

// checkCorruptedScale breaks a valid scale request in one random way and
// expects the matching refusal, leaving the stream unchanged.
func checkCorruptedScale(t *testing.T, rng *rand.Rand, s *Stream, sealed []int64, ranges []KeyRange, stats map[string]int) {
	bad := slices.Clone(ranges)
	badSealed := sealed
	var want error
	switch rng.IntN(4) {
	case 0: // move one boundary by one ulp
		i := rng.IntN(len(bad))
		if rng.IntN(2) == 0 {
			bad[i].Low = math.Nextafter(bad[i].Low, -1)
		} else {
			bad[i].High = math.Nextafter(bad[i].High, 2)
		}
		want = nil // the union changes or two ranges overlap: any FAILURE
	case 1: // drop a range
		if len(bad) < 2 {
			return
		}
		i := rng.IntN(len(bad))
		bad = slices.Delete(bad, i, i+1)
		want = ErrRangesMismatch
	case 2: // empty range
		i := rng.IntN(len(bad))
		bad[i].High = bad[i].Low
		want = ErrEmptyRange
	case 3: // seal a segment that is no longer active
		if s.ActiveEpoch() == 0 {
			return
		}
		for _, seg := range s.Segments() {
			if seg.SealedEpoch != NotSealed {
				badSealed = append(slices.Clone(sealed), seg.ID)
				break
			}
		}
		want = ErrSegmentNotActive
	}
	err := s.ValidateScale(badSealed, bad, 1)
	var se *ScaleError
	switch {
	case err == nil || !errors.As(err, &se):
		t.Errorf("corrupted scale %v → %v accepted: %v", badSealed, bad, err)
	case errors.Is(want, ErrSegmentNotActive):
		if !se.Precondition || !errors.Is(err, want) {
			t.Errorf("corrupted scale: %v, want %v", err, want)
		}
	case se.Precondition || (want != nil && !errors.Is(err, want)):
		t.Errorf("corrupted scale %v → %v: %v, want FAILURE %v", badSealed, bad, err, want)
	}
	stats["rejected scales"]++
}

func checkHistory(t *testing.T, rng *rand.Rand, s *Stream, stats map[string]int) {
	if err := s.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
		return
	}
	checkPartitions(t, s)
	checkSuccessors(t, s, stats)
	checkReach(t, s)
	checkCuts(t, rng, s, stats)
	checkBetween(t, rng, s, stats)
	checkTruncation(t, rng, s, stats)
	if rng.IntN(3) != 0 {
		return
	}
	stats["encoding round trips"]++
	data, err := Marshal(s)
	if err != nil {
		t.Errorf("Marshal: %v", err)
		return
	}
	back, err := Unmarshal(data)
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("encoding round trip: %v", err)
	}
}

func checkPartitions(t *testing.T, s *Stream) {
	for e := range s.ActiveEpoch() + 1 {
		segs, err := s.EpochSegments(e)
		if err != nil {
			t.Errorf("EpochSegments(%d): %v", e, err)
			continue
		}
		ranges := make([]KeyRange, len(segs))
		for i, seg := range segs {
			ranges[i] = seg.KeyRange
		}
		if err := ValidatePartition(ranges); err != nil || ranges[len(ranges)-1].High != 1.0 {
			t.Errorf("epoch %d: %v", e, err)
		}
	}
}

// bruteOverlapping lists the ids of epoch e's segments overlapping r.
func bruteOverlapping(s *Stream, e int32, r KeyRange) []int64 {
	segs, _ := s.EpochSegments(e)
	var out []int64
	for _, seg := range segs {
		if seg.Overlaps(r) {
			out = append(out, seg.ID)
		}
	}
	return out
}

func checkSuccessors(t *testing.T, s *Stream, stats map[string]int) {
	for _, seg := range s.Segments() {
		succ, err := s.Successors(seg.ID)
		if err != nil {
			t.Errorf("Successors(%d): %v", seg.ID, err)
			continue
		}
		if seg.SealedEpoch == NotSealed {
			if len(succ) != 0 {
				t.Errorf("unsealed segment %d has successors", seg.ID)
			}
			continue
		}
		E := seg.SealedEpoch
		var got []int64
		for _, x := range succ {
			got = append(got, x.Segment.ID)
			if !x.Segment.Overlaps(seg.KeyRange) || x.Segment.CreationEpoch() != E {
				t.Errorf("successor %d of %d: not overlapping or not new in epoch %d", x.Segment.ID, seg.ID, E)
			}
			if want := bruteOverlapping(s, E-1, x.Segment.KeyRange); !slices.Equal(x.Predecessors, want) {
				t.Errorf("successor %d of %d: predecessors %v, want %v", x.Segment.ID, seg.ID, x.Predecessors, want)
			}
			if !slices.Contains(x.Predecessors, seg.ID) {
				t.Errorf("successor %d does not list %d as predecessor", x.Segment.ID, seg.ID)
			}
			preds, _ := s.Predecessors(x.Segment.ID)
			if !slices.Equal(ids(preds), x.Predecessors) {
				t.Errorf("Predecessors(%d) = %v, successors say %v", x.Segment.ID, ids(preds), x.Predecessors)
			}
			stats["successor edges"]++
		}
		if want := bruteOverlapping(s, E, seg.KeyRange); !slices.Equal(got, want) {
			t.Errorf("successors of %d = %v, want %v", seg.ID, got, want)
		}
	}
}

// checkReach follows successors from every epoch-0 segment, stepping only to
// successors that overlap the start segment's range, and expects to reach
// exactly the segments of the history that overlap that range.
func checkReach(t *testing.T, s *Stream) {
	start, _ := s.EpochSegments(0)
	for _, root := range start {
		seen := map[int64]bool{root.ID: true}
		queue := []int64{root.ID}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			succ, _ := s.Successors(cur)
			for _, x := range succ {
				if x.Segment.Overlaps(root.KeyRange) && !seen[x.Segment.ID] {
					seen[x.Segment.ID] = true
					queue = append(queue, x.Segment.ID)
				}
			}
		}
		var want []int64
		for _, seg := range s.Segments() {
			if seg.Overlaps(root.KeyRange) {
				want = append(want, seg.ID)
			}
		}
		got := slices.Sorted(maps.Keys(seen))
		if !slices.Equal(got, want) {
			t.Errorf("reach from %d = %v, want %v", root.ID, got, want)
		}
	}
}

func randomEpoch(rng *rand.Rand, s *Stream) int32 { return rng.Int32N(s.ActiveEpoch() + 1) }

// epochCut returns epoch e's segments at random offsets.
func epochCut(rng *rand.Rand, s *Stream, e int32) Cut {
	segs, _ := s.EpochSegments(e)
	c := Cut{}
	for _, seg := range segs {
		c[seg.ID] = rng.Int64N(1000)
	}
	return c
}

func checkCuts(t *testing.T, rng *rand.Rand, s *Stream, stats map[string]int) {
	e := randomEpoch(rng, s)
	base := epochCut(rng, s, e)
	if err := s.ValidateCut(base); err != nil {
		t.Errorf("epoch %d cut %v: %v", e, base, err)
	}
	inEpoch := func(id int64) bool { _, ok := base[id]; return ok }
	all := s.Segments()

	// Finished segments replaced by their successors as future entries.
	adv := base.Clone()
	for id := range base {
		succ, _ := s.Successors(id)
		if len(succ) == 0 || rng.IntN(2) == 0 {
			continue
		}
		delete(adv, id)
		for _, x := range succ {
			adv[x.Segment.ID] = -1
		}
	}
	if err := s.ValidateCut(adv); err != nil {
		t.Errorf("advanced cut %v: %v", adv, err)
	}
	stats["valid cuts"] += 2

	reject := func(what string, c Cut) {
		if s.ValidateCut(c) == nil {
			t.Errorf("%s: cut %v accepted", what, c)
		}
		stats["rejected cuts"]++
	}
	if len(base) >= 2 {
		c := base.Clone()
		delete(c, slices.Collect(maps.Keys(c))[rng.IntN(len(c))])
		reject("dropped segment", c)
	}
	c := base.Clone()
	c[int64(s.NextNumber())+int64(rng.IntN(5))] = 0
	reject("unknown id", c)
	for _, x := range all {
		if inEpoch(x.ID) {
			continue
		}
		c := base.Clone()
		c[x.ID] = rng.Int64N(10)
		reject("second in-cut segment over the same keys", c)
		c[x.ID] = -1
		if x.CreationEpoch() < e {
			reject("future segment older than the in-cut one", c)
		} else if err := s.ValidateCut(c); err != nil {
			t.Errorf("newer future segment %d added to %v: %v", x.ID, base, err)
		}
		break
	}
}

// betweenByTraversal starts at from's segments and follows successors up to
// the segments created by epoch b.
func betweenByTraversal(s *Stream, from Cut, b int32) []int64 {
	seen := map[int64]bool{}
	var queue []int64
	for id := range from {
		seen[id] = true
		queue = append(queue, id)
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		succ, _ := s.Successors(cur)
		for _, x := range succ {
			if x.Segment.CreationEpoch() <= b && !seen[x.Segment.ID] {
				seen[x.Segment.ID] = true
				queue = append(queue, x.Segment.ID)
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// epochsUnion lists the ids of the segments of epochs a..b.
func epochsUnion(s *Stream, a, b int32) []int64 {
	set := map[int64]bool{}
	for e := a; e <= b; e++ {
		segs, _ := s.EpochSegments(e)
		for _, seg := range segs {
			set[seg.ID] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func checkBetween(t *testing.T, rng *rand.Rand, s *Stream, stats map[string]int) {
	a := randomEpoch(rng, s)
	b := a + rng.Int32N(s.ActiveEpoch()-a+1)
	from, to := epochCut(rng, s, a), epochCut(rng, s, b)
	for id, off := range from {
		if o, ok := to[id]; ok && o < off {
			to[id] = off
		}
	}
	want := epochsUnion(s, a, b)
	got, err := s.SegmentsBetween(from, to)
	if err != nil || !slices.Equal(ids(got), want) {
		t.Errorf("between epochs %d and %d = %v, %v; want %v", a, b, ids(got), err, want)
	}
	if trav := betweenByTraversal(s, from, b); !slices.Equal(trav, want) {
		t.Errorf("traversal between epochs %d and %d = %v; want %v", a, b, trav, want)
	}
	if got, err := s.SegmentsBetween(from, nil); err != nil || !slices.Equal(ids(got), epochsUnion(s, a, s.ActiveEpoch())) {
		t.Errorf("between epoch %d and tail = %v, %v", a, ids(got), err)
	}
	if got, err := s.SegmentsBetween(nil, to); err != nil || !slices.Equal(ids(got), epochsUnion(s, 0, b)) {
		t.Errorf("between head and epoch %d = %v, %v", b, ids(got), err)
	}
	if a < b {
		if _, err := s.SegmentsBetween(to, from); err == nil {
			t.Errorf("between epoch %d and earlier epoch %d accepted", b, a)
		}
	}
	stats["between queries"] += 3
}

// checkTruncation truncates a copy at epoch a, then at epoch b >= a, and
// expects exactly the segments sealed by epoch a, then those sealed after a
// and by b, to be deleted.
func checkTruncation(t *testing.T, rng *rand.Rand, s *Stream, stats map[string]int) {
	if s.Sealed() {
		return
	}
	c := s.Clone()
	a := randomEpoch(rng, c)
	b := a + rng.Int32N(c.ActiveEpoch()-a+1)
	sealedBetween := func(lo, hi int32) []int64 {
		var out []int64
		for _, seg := range c.Segments() {
			if seg.SealedEpoch != NotSealed && seg.SealedEpoch > lo && seg.SealedEpoch <= hi {
				out = append(out, seg.ID)
			}
		}
		return out
	}
	first := epochCut(rng, c, a)
	p, err := c.Truncate(first)
	if err != nil || !slices.Equal(p.Delete, sealedBetween(-1, a)) {
		t.Errorf("truncate at epoch %d: delete %v, %v; want %v", a, p.Delete, err, sealedBetween(-1, a))
		return
	}
	second := epochCut(rng, c, b)
	for id, off := range first {
		if o, ok := second[id]; ok && o < off {
			second[id] = off
		}
	}
	p, err = c.Truncate(second)
	if err != nil || !slices.Equal(p.Delete, sealedBetween(a, b)) {
		t.Errorf("truncate at epoch %d after %d: delete %v, %v; want %v", b, a, p.Delete, err, sealedBetween(a, b))
	}
	if !maps.Equal(c.Head(), second) {
		t.Errorf("head %v, want %v", c.Head(), second)
	}
	if a < b {
		if _, err := c.PlanTruncation(first); err == nil {
			t.Errorf("truncation back to epoch %d accepted", a)
		}
	}
	stats["truncations"] += 2
}
