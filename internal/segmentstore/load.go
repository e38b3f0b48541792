package segmentstore

import (
	"cmp"
	"math"
	"time"

	"github.com/sluicestream/sluice/internal/loadreport"
)

// LoadReporting configures the measurement of segment rates for
// auto-scaling (zero fields take the defaults).
type LoadReporting struct {
	// Sink receives the reports; nil turns measurement off.
	Sink loadreport.Sink
	// Interval between reports (default 1 s).
	Interval time.Duration
	// FastWindow and SlowWindow are the time constants of the two moving
	// averages (defaults 10 s and 60 s).
	FastWindow, SlowWindow time.Duration
}

// rateTracker turns the containers' growing counters into moving-average
// rates. Only the reporting goroutine uses it.
type rateTracker struct {
	cfg  LoadReporting
	segs map[string]*segmentRates
}

type segmentRates struct {
	events, bytes uint64  // counters at the last sample
	age           float64 // seconds measured
	// Uncorrected averages, events/s and bytes/s, fast then slow.
	ev, evSlow, by, bySlow float64
}

func newRateTracker(cfg LoadReporting) *rateTracker {
	cfg.Interval = cmp.Or(cfg.Interval, time.Second)
	cfg.FastWindow = cmp.Or(cfg.FastWindow, 10*time.Second)
	cfg.SlowWindow = cmp.Or(cfg.SlowWindow, 60*time.Second)
	return &rateTracker{cfg: cfg, segs: make(map[string]*segmentRates)}
}

// sample folds the counters seen dt after the previous sample into the
// averages and returns the report. Segments absent from loads are
// forgotten. A segment first seen now starts measuring now.
func (r *rateTracker) sample(st *Store, dt time.Duration) []loadreport.Segment {
	secs := dt.Seconds()
	if secs <= 0 {
		return nil
	}
	fast := 1 - math.Exp(-secs/r.cfg.FastWindow.Seconds())
	slow := 1 - math.Exp(-secs/r.cfg.SlowWindow.Seconds())
	seen := make(map[string]bool, len(r.segs))
	var out []loadreport.Segment
	for _, ctr := range st.containers {
		if ctr == nil {
			continue
		}
		for _, l := range ctr.Loads() {
			seen[l.Name] = true
			s := r.segs[l.Name]
			if s == nil {
				r.segs[l.Name] = &segmentRates{events: l.Events, bytes: l.Bytes}
				continue
			}
			ev := float64(l.Events-s.events) / secs
			by := float64(l.Bytes-s.bytes) / secs
			s.events, s.bytes = l.Events, l.Bytes
			s.ev += fast * (ev - s.ev)
			s.evSlow += slow * (ev - s.evSlow)
			s.by += fast * (by - s.by)
			s.bySlow += slow * (by - s.bySlow)
			s.age += secs
			// Divide by the weight the averages have accumulated since the
			// segment was first seen, so early values are not biased to 0.
			cf := 1 - math.Exp(-s.age/r.cfg.FastWindow.Seconds())
			cs := 1 - math.Exp(-s.age/r.cfg.SlowWindow.Seconds())
			out = append(out, loadreport.Segment{Name: l.Name,
				EventsFast: s.ev / cf, EventsSlow: s.evSlow / cs,
				KiBFast: s.by / cf / 1024, KiBSlow: s.bySlow / cs / 1024})
		}
	}
	for name := range r.segs {
		if !seen[name] {
			delete(r.segs, name)
		}
	}
	return out
}

// reportLoads samples and reports every Interval until Close.
func (s *Store) reportLoads(cfg LoadReporting) {
	defer s.bg.Done()
	r := newRateTracker(cfg)
	tick := time.NewTicker(r.cfg.Interval)
	defer tick.Stop()
	last := time.Now()
	r.sample(s, time.Second) // start the counters
	for {
		select {
		case <-s.bgCtx.Done():
			return
		case now := <-tick.C:
			report := r.sample(s, now.Sub(last))
			last = now
			if len(report) > 0 {
				cfg.Sink.Report(s.bgCtx, report)
			}
		}
	}
}
