package autoscale

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Unit is what a policy's rates count.
type Unit int

// Units of a rate policy.
const (
	EventsPerSecond Unit = iota + 1
	KiBPerSecond
)

func (u Unit) String() string {
	if u == KiBPerSecond {
		return "KiB/s"
	}
	return "events/s"
}

// Policy is a stream's scaling policy.
type Policy struct {
	Unit        Unit
	TargetRate  float64 // per segment, in Unit
	ScaleFactor int
	MinSegments int
}

// Segment is one active segment of a stream with its measured load.
type Segment struct {
	ID        int64
	Low, High float64 // key range [Low, High)
	Rate      float64 // short-window rate, in the policy's unit
	SlowRate  float64 // long-window rate
}

// Config tunes the rules (doc.go); zero fields take the defaults.
type Config struct {
	HotFor        time.Duration // default 5 s
	ColdFor       time.Duration // default 60 s
	MergeRatio    float64       // default 0.75
	Cooldown      time.Duration // default 10 s
	MergeCooldown time.Duration // default 60 s
}

// WithDefaults fills the zero fields.
func (c Config) WithDefaults() Config {
	c.HotFor = cmp.Or(c.HotFor, 5*time.Second)
	c.ColdFor = cmp.Or(c.ColdFor, 60*time.Second)
	c.MergeRatio = cmp.Or(c.MergeRatio, 0.75)
	c.Cooldown = cmp.Or(c.Cooldown, 10*time.Second)
	c.MergeCooldown = cmp.Or(c.MergeCooldown, 60*time.Second)
	return c
}

// State is what Decide remembers about one stream between calls. The zero
// value is a stream never scaled; set LastScale to its creation time.
type State struct {
	LastScale time.Time
	hotSince  map[int64]time.Time
	coldSince map[[2]int64]time.Time // adjacent pair → since when cold
}

// Decision is a scale to run: seal Seal, create Ranges in their place.
type Decision struct {
	Seal   []int64
	Ranges [][2]float64
	Reason string
}

// Decide updates st with the latest loads and returns the scale to run
// now, or nil. segs are the stream's active segments (any order). The
// caller records a scale it ran in st.LastScale.
func Decide(cfg Config, p Policy, segs []Segment, st *State, now time.Time) *Decision {
	if p.TargetRate <= 0 || len(segs) == 0 {
		return nil
	}
	cfg = cfg.WithDefaults()
	segs = slices.SortedFunc(slices.Values(segs), func(a, b Segment) int { return cmp.Compare(a.Low, b.Low) })
	st.track(cfg, p, segs, now)
	if now.Sub(st.LastScale) < cfg.Cooldown {
		return nil
	}
	if d := split(cfg, p, segs, st, now); d != nil {
		return d
	}
	if now.Sub(st.LastScale) < cfg.MergeCooldown || len(segs) <= max(p.MinSegments, 1) {
		return nil
	}
	return merge(cfg, p, segs, st, now)
}

// track updates since when each segment has been hot and each adjacent
// pair cold, forgetting segments and pairs that no longer are.
func (st *State) track(cfg Config, p Policy, segs []Segment, now time.Time) {
	hot := make(map[int64]time.Time, len(segs))
	cold := make(map[[2]int64]time.Time)
	for i, s := range segs {
		if s.Rate > p.TargetRate {
			hot[s.ID] = sinceOr(st.hotSince[s.ID], now)
		}
		if i+1 < len(segs) && segs[i+1].Low == s.High &&
			s.SlowRate+segs[i+1].SlowRate < cfg.MergeRatio*p.TargetRate {
			pair := [2]int64{s.ID, segs[i+1].ID}
			cold[pair] = sinceOr(st.coldSince[pair], now)
		}
	}
	st.hotSince, st.coldSince = hot, cold
}

func sinceOr(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// split splits every segment hot for HotFor, each into
// ceil(Rate/target) parts capped by the scale factor.
func split(cfg Config, p Policy, segs []Segment, st *State, now time.Time) *Decision {
	d := &Decision{}
	var why []string
	for _, s := range segs {
		since, ok := st.hotSince[s.ID]
		if !ok || now.Sub(since) < cfg.HotFor {
			continue
		}
		parts := int(math.Ceil(s.Rate / p.TargetRate))
		parts = min(max(parts, 2), max(p.ScaleFactor, 2))
		step := (s.High - s.Low) / float64(parts)
		low := s.Low
		for i := range parts {
			high := s.Low + float64(i+1)*step
			if i == parts-1 {
				high = s.High
			}
			d.Ranges = append(d.Ranges, [2]float64{low, high})
			low = high
		}
		d.Seal = append(d.Seal, s.ID)
		why = append(why, fmt.Sprintf("segment %d at %.0f %s (for %v) into %d", int32(s.ID), s.Rate, p.Unit,
			now.Sub(since).Round(time.Second), parts))
	}
	if len(d.Seal) == 0 {
		return nil
	}
	d.Reason = fmt.Sprintf("above the target %.0f %s: split %s", p.TargetRate, p.Unit, strings.Join(why, ", "))
	return d
}

// merge merges cold adjacent pairs, coldest first, as many disjoint pairs
// as the minimum allows.
func merge(cfg Config, p Policy, segs []Segment, st *State, now time.Time) *Decision {
	type pair struct {
		at   int
		rate float64
	}
	var cold []pair
	for i := 0; i+1 < len(segs); i++ {
		since, ok := st.coldSince[[2]int64{segs[i].ID, segs[i+1].ID}]
		if ok && now.Sub(since) >= cfg.ColdFor {
			cold = append(cold, pair{i, segs[i].SlowRate + segs[i+1].SlowRate})
		}
	}
	slices.SortFunc(cold, func(a, b pair) int { return cmp.Compare(a.rate, b.rate) })
	d := &Decision{}
	var why []string
	used := make(map[int]bool)
	room := len(segs) - max(p.MinSegments, 1)
	for _, c := range cold {
		if room == 0 {
			break
		}
		if used[c.at] || used[c.at+1] {
			continue
		}
		used[c.at], used[c.at+1] = true, true
		room--
		a, b := segs[c.at], segs[c.at+1]
		d.Seal = append(d.Seal, a.ID, b.ID)
		d.Ranges = append(d.Ranges, [2]float64{a.Low, b.High})
		why = append(why, fmt.Sprintf("%d and %d (%.0f %s together)", int32(a.ID), int32(b.ID), c.rate, p.Unit))
	}
	if len(d.Seal) == 0 {
		return nil
	}
	d.Reason = fmt.Sprintf("below %.0f %s for %v: merge %s", cfg.MergeRatio*p.TargetRate, p.Unit, cfg.ColdFor,
		strings.Join(why, ", "))
	return d
}
