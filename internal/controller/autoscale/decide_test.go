package autoscale

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func events(target float64, scaleFactor, minSegments int) Policy {
	return Policy{Unit: EventsPerSecond, TargetRate: target, ScaleFactor: scaleFactor, MinSegments: minSegments}
}

func TestSplitAfterHotFor(t *testing.T) {
	p := events(100, 4, 1)
	st := &State{LastScale: t0}
	segs := []Segment{{ID: 0, Low: 0, High: 1, Rate: 350, SlowRate: 350}}
	now := t0.Add(time.Minute)
	for i := range 5 {
		if d := Decide(Config{}, p, segs, st, now.Add(time.Duration(i)*time.Second)); d != nil {
			t.Fatalf("split after %d s of load, before HotFor: %+v", i, d)
		}
	}
	d := Decide(Config{}, p, segs, st, now.Add(5*time.Second))
	if d == nil || len(d.Seal) != 1 || d.Seal[0] != 0 || len(d.Ranges) != 4 {
		t.Fatalf("decision %+v, want a split of segment 0 into ceil(350/100) = 4", d)
	}
	if d.Ranges[0][0] != 0 || d.Ranges[3][1] != 1 || d.Ranges[1][0] != d.Ranges[0][1] {
		t.Fatalf("ranges %v do not tile [0, 1)", d.Ranges)
	}
	// The scale factor caps the parts.
	st = &State{LastScale: t0}
	segs[0].Rate = 10_000
	Decide(Config{}, events(100, 3, 1), segs, st, now)
	if d := Decide(Config{}, events(100, 3, 1), segs, st, now.Add(5*time.Second)); d == nil || len(d.Ranges) != 3 {
		t.Fatalf("decision %+v, want 3 parts (scale factor)", d)
	}
}

func TestShortSpikeIsIgnored(t *testing.T) {
	p := events(100, 2, 1)
	st := &State{LastScale: t0}
	now := t0.Add(time.Minute)
	for i := range 60 {
		rate := 50.0
		if i%5 < 4 { // hot for 4 s of every 5
			rate = 500
		}
		segs := []Segment{{ID: 0, Low: 0, High: 1, Rate: rate, SlowRate: 400}}
		if d := Decide(Config{}, p, segs, st, now.Add(time.Duration(i)*time.Second)); d != nil {
			t.Fatalf("split on spikes shorter than HotFor at %d s: %+v", i, d)
		}
	}
}

func TestMergeRespectsColdForCooldownAndMinimum(t *testing.T) {
	p := events(100, 2, 2)
	segs := []Segment{
		{ID: 1, Low: 0, High: 0.25, SlowRate: 10}, {ID: 2, Low: 0.25, High: 0.5, SlowRate: 20},
		{ID: 3, Low: 0.5, High: 1, SlowRate: 90},
	}
	st := &State{LastScale: t0}
	// Within MergeCooldown of the last scale: nothing.
	for s := 0; s < 60; s++ {
		if d := Decide(Config{}, p, segs, st, t0.Add(time.Duration(s)*time.Second)); d != nil {
			t.Fatalf("merge %v after the last scale: %+v", time.Duration(s)*time.Second, d)
		}
	}
	// Cold since t0, past ColdFor and MergeCooldown: merge the coldest pair.
	d := Decide(Config{}, p, segs, st, t0.Add(60*time.Second))
	if d == nil || len(d.Seal) != 2 || d.Seal[0] != 1 || d.Seal[1] != 2 || d.Ranges[0] != [2]float64{0, 0.5} {
		t.Fatalf("decision %+v, want segments 1 and 2 merged into [0, 0.5)", d)
	}
	// At the minimum, never.
	two := []Segment{{ID: 4, Low: 0, High: 0.5}, {ID: 5, Low: 0.5, High: 1}}
	st = &State{LastScale: t0}
	for s := 0; s < 600; s += 10 {
		if d := Decide(Config{}, p, two, st, t0.Add(time.Duration(s)*time.Second)); d != nil {
			t.Fatalf("merge below the minimum: %+v", d)
		}
	}
	// Not adjacent (a gap in key space means not neighbours): no merge.
	apart := []Segment{{ID: 6, Low: 0, High: 0.3}, {ID: 7, Low: 0.6, High: 1}, {ID: 8, Low: 0.3, High: 0.6, SlowRate: 500}}
	st = &State{LastScale: t0}
	for s := 0; s < 600; s += 10 {
		if d := Decide(Config{}, events(100, 2, 1), apart, st, t0.Add(time.Duration(s)*time.Second)); d != nil && len(d.Seal) == 2 {
			if d.Seal[0] == 6 && d.Seal[1] == 7 {
				t.Fatalf("merged non-adjacent segments: %+v", d)
			}
		}
	}
}

func TestCooldownAfterScale(t *testing.T) {
	p := events(100, 2, 1)
	st := &State{LastScale: t0}
	segs := []Segment{{ID: 0, Low: 0, High: 1, Rate: 1000}}
	for s := 0; s < 10; s++ {
		if d := Decide(Config{}, p, segs, st, t0.Add(time.Duration(s)*time.Second)); d != nil {
			t.Fatalf("decision within the cooldown: %+v", d)
		}
	}
	if d := Decide(Config{}, p, segs, st, t0.Add(10*time.Second)); d == nil {
		t.Fatal("no split after the cooldown of a segment hot for 10 s")
	}
}

// plant simulates a stream under a total load spread evenly over the key
// space, measured with exponentially weighted rates as the segment store
// does, and applies every decision at once.
type plant struct {
	cfg     Config
	p       Policy
	segs    []Segment
	raw     map[int64][3]float64 // per segment: fast and slow averages, age in seconds
	st      State
	nextID  int64
	now     time.Time
	scales  int
	history []int // segment count per second
}

func newPlant(cfg Config, p Policy, n int) *plant {
	pl := &plant{cfg: cfg, p: p, now: t0, st: State{LastScale: t0}, raw: map[int64][3]float64{}}
	for i := range n {
		pl.segs = append(pl.segs, Segment{ID: int64(i), Low: float64(i) / float64(n), High: float64(i+1) / float64(n)})
	}
	pl.segs[n-1].High = 1
	pl.nextID = int64(n)
	return pl
}

// step advances one second with the given total load.
func (pl *plant) step(load float64) *Decision {
	pl.now = pl.now.Add(time.Second)
	// Bias-corrected moving averages (as the segment store reports them):
	// a new segment's rate is the average of what was seen so far.
	for i := range pl.segs {
		s := &pl.segs[i]
		actual := load * (s.High - s.Low)
		r := pl.raw[s.ID]
		r[0] += (1 - math.Exp(-1.0/10)) * (actual - r[0])
		r[1] += (1 - math.Exp(-1.0/60)) * (actual - r[1])
		r[2]++
		pl.raw[s.ID] = r
		s.Rate = r[0] / (1 - math.Exp(-r[2]/10))
		s.SlowRate = r[1] / (1 - math.Exp(-r[2]/60))
	}
	d := Decide(pl.cfg, pl.p, pl.segs, &pl.st, pl.now)
	if d != nil {
		pl.apply(d)
	}
	pl.history = append(pl.history, len(pl.segs))
	return d
}

func (pl *plant) apply(d *Decision) {
	sealed := map[int64]bool{}
	for _, id := range d.Seal {
		sealed[id] = true
	}
	kept := pl.segs[:0]
	for _, s := range pl.segs {
		if !sealed[s.ID] {
			kept = append(kept, s)
		}
	}
	pl.segs = kept
	for _, r := range d.Ranges {
		pl.segs = append(pl.segs, Segment{ID: pl.nextID, Low: r[0], High: r[1]}) // measured from zero
		pl.nextID++
	}
	pl.st.LastScale = pl.now
	pl.scales++
}

// checkTiling asserts the segments cover [0, 1) exactly.
func (pl *plant) checkTiling(t *testing.T) {
	t.Helper()
	total := 0.0
	for _, s := range pl.segs {
		if s.Low >= s.High {
			t.Fatalf("empty range %+v", s)
		}
		total += s.High - s.Low
	}
	if math.Abs(total-1) > 1e-9 {
		t.Fatalf("segments cover %v of the key space: %+v", total, pl.segs)
	}
}

// TestLoadStepSplitsAndDropMerges: a 10× step on a one-segment stream is
// split within 30 s and settles with every segment under its target; when
// the load drops, merges bring it back to the minimum.
func TestLoadStepSplitsAndDropMerges(t *testing.T) {
	pl := newPlant(Config{}, events(100, 2, 1), 1)
	for range 120 {
		pl.step(80)
	}
	if pl.scales != 0 {
		t.Fatalf("%d scales under a load below the target", pl.scales)
	}
	first := time.Duration(0)
	for s := 1; s <= 300; s++ {
		if pl.step(1000) != nil && first == 0 {
			first = time.Duration(s) * time.Second
		}
		pl.checkTiling(t)
	}
	if first == 0 || first > 30*time.Second {
		t.Fatalf("first split after %v, want within 30 s", first)
	}
	for _, s := range pl.segs {
		if 1000*(s.High-s.Low) > 100 {
			t.Fatalf("segment %+v still above the target after 5 minutes", s)
		}
	}
	last := 0
	for i, n := range pl.history[120:] {
		if i > 0 && n != pl.history[120+i-1] {
			last = i + 1
		}
	}
	t.Logf("10x step (scale factor 2): first split after %v, final count %d reached after %d s", first, len(pl.segs), last)
	for range 1200 {
		pl.step(50)
		pl.checkTiling(t)
	}
	if len(pl.segs) != 1 {
		t.Fatalf("%d segments 20 minutes after the load dropped, want the minimum 1", len(pl.segs))
	}
}

// TestNoOscillationAtThreshold: a load hovering around the target (±10%
// noise) for an hour causes at most one split and no merge back.
func TestNoOscillationAtThreshold(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, target := range []float64{100, 1000} {
		pl := newPlant(Config{}, events(target, 2, 1), 1)
		for range 3600 {
			pl.step(target * (1 + 0.1*(2*rng.Float64()-1)))
			pl.checkTiling(t)
		}
		if pl.scales > 1 {
			t.Fatalf("target %v: %d scales in an hour at the threshold (segment counts %v...)", target, pl.scales, pl.history[:20])
		}
	}
	// And at the merge threshold of a two-segment stream.
	pl := newPlant(Config{}, events(100, 2, 1), 2)
	for range 3600 {
		pl.step(75 * (1 + 0.1*(2*rng.Float64()-1)))
	}
	if pl.scales > 1 {
		t.Fatalf("%d scales in an hour at the merge threshold", pl.scales)
	}
}

// TestDecisionsKeepInvariants: under random loads, every decision seals
// active segments and replaces them with ranges that tile exactly their
// key space, never goes below the minimum, and splits into at most
// max(scaleFactor, 2) parts.
func TestDecisionsKeepInvariants(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, seed))
		p := events(100, 1+rng.IntN(5), 1+rng.IntN(3))
		pl := newPlant(Config{HotFor: time.Second, ColdFor: 5 * time.Second, Cooldown: time.Second,
			MergeCooldown: 5 * time.Second}, p, p.MinSegments)
		load := 100.0
		for range 2000 {
			if rng.IntN(50) == 0 {
				load = rng.Float64() * 2000
			}
			before := map[int64]Segment{}
			for _, s := range pl.segs {
				before[s.ID] = s
			}
			d := pl.step(load)
			pl.checkTiling(t)
			if len(pl.segs) < p.MinSegments {
				t.Fatalf("seed %d: %d segments, minimum %d", seed, len(pl.segs), p.MinSegments)
			}
			if d == nil {
				continue
			}
			sealedWidth, newWidth := 0.0, 0.0
			for _, id := range d.Seal {
				s, ok := before[id]
				if !ok {
					t.Fatalf("seed %d: sealed %d, not an active segment", seed, id)
				}
				sealedWidth += s.High - s.Low
			}
			for _, r := range d.Ranges {
				newWidth += r[1] - r[0]
			}
			if math.Abs(sealedWidth-newWidth) > 1e-9 {
				t.Fatalf("seed %d: ranges %v replace %v of key space with %v", seed, d.Ranges, sealedWidth, newWidth)
			}
			if len(d.Ranges) > len(d.Seal) && len(d.Ranges) > len(d.Seal)*max(p.ScaleFactor, 2) {
				t.Fatalf("seed %d: %d segments split into %d parts, scale factor %d", seed, len(d.Seal), len(d.Ranges), p.ScaleFactor)
			}
		}
	}
}
