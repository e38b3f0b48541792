// Package workload defines the benchmark suite (W1–W10 of issue #9) as
// data: every workload is a list of steps, every step the full set of
// parameters one open-loop measurement needs. The same definitions drive
// every system.
package workload

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind says how a workload is run.
type Kind string

const (
	// Write is open-loop writers; with Readers > 0 also end-to-end latency.
	Write Kind = "write"
	// CatchUp writes Bytes, then read them back from the start.
	CatchUp Kind = "catchup"
	// Recovery writes at Rate, SIGKILLs the server after KillAfter, restart
	// it, and measure the time until writes are acknowledged again and
	// whether every acknowledged event can be read.
	Recovery Kind = "recovery"
)

// Params is one measurement.
type Params struct {
	Writers     int           `json:"writers"`
	Readers     int           `json:"readers,omitempty"`
	EventSize   int           `json:"event_size"`
	Streams     int           `json:"streams"`
	Segments    int           `json:"segments"`
	Keys        int           `json:"routing_keys"`
	Rate        float64       `json:"rate"` // events/s over all writers; 0: as fast as flow control lets
	ExactlyOnce bool          `json:"exactly_once"`
	TxnEvents   int           `json:"txn_events,omitempty"`
	Duration    time.Duration `json:"duration_ns"`
	Warmup      time.Duration `json:"warmup_ns"`
	Bytes       int64         `json:"bytes,omitempty"`      // CatchUp
	KillAfter   time.Duration `json:"kill_after,omitempty"` // Recovery
}

// Step is a labelled measurement of a workload.
type Step struct {
	Label string `json:"label"`
	Params
}

// Workload is a named list of steps.
type Workload struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	Steps []Step `json:"steps"`
}

// Default measurement lengths; Override changes them.
const (
	defaultDuration = 20 * time.Second
	defaultWarmup   = 3 * time.Second
)

func base(writers, size, segments, keys int) Params {
	return Params{Writers: writers, EventSize: size, Streams: 1, Segments: segments, Keys: keys,
		ExactlyOnce: true, Duration: defaultDuration, Warmup: defaultWarmup}
}

// rateSteps makes one step per rate (0 is "max").
func rateSteps(p Params, rates ...float64) []Step {
	var out []Step
	for _, r := range rates {
		q := p
		q.Rate = r
		out = append(out, Step{Label: RateLabel(r), Params: q})
	}
	return out
}

// RateLabel names a rate: "10000/s", or "max" for 0.
func RateLabel(r float64) string {
	if r == 0 {
		return "max"
	}
	return strconv.FormatFloat(r, 'f', -1, 64) + "/s"
}

// Suite is every workload, in order.
func Suite() []Workload {
	w4 := base(4, 1024, 0, 100_000)
	w4.Rate = 5000
	var w4steps []Step
	for _, n := range []int{1, 10, 100, 1000, 10_000} {
		p := w4
		p.Segments = n
		if n > 1000 {
			// A Sluice stream has at most 1,000 segments (its record holds
			// them all): 10,000 are 10 streams of 1,000, a writer each.
			p.Streams, p.Segments = n/1000, 1000
			p.Writers = p.Streams
		}
		w4steps = append(w4steps, Step{Label: fmt.Sprintf("%d segments", n), Params: p})
	}
	e2e := base(4, 1024, 16, 1024)
	e2e.Readers = 4
	txn := base(1, 1024, 16, 1024)
	txn.TxnEvents = 100
	eo := base(1, 1024, 4, 1024)
	var w8steps []Step
	for _, r := range []float64{10_000, 0} {
		for _, on := range []bool{false, true} {
			p := eo
			p.Rate, p.ExactlyOnce = r, on
			w8steps = append(w8steps, Step{Label: fmt.Sprintf("eo=%s %s", onOff(on), RateLabel(r)), Params: p})
		}
	}
	cu := base(1, 1024, 4, 1024)
	cu.Bytes = 1 << 30
	rec := base(1, 1024, 1, 16)
	rec.Rate, rec.KillAfter, rec.Duration, rec.Warmup = 1000, 5*time.Second, 15*time.Second, 0
	return []Workload{
		{ID: "W1", Title: "1 writer → 1 segment, 100 B events: rate sweep and maximum", Kind: Write,
			Steps: rateSteps(base(1, 100, 1, 1), 1000, 10_000, 50_000, 100_000, 200_000, 0)},
		{ID: "W2", Title: "4 writers → 16 segments, 1 KiB events", Kind: Write,
			Steps: rateSteps(base(4, 1024, 16, 1024), 5000, 20_000, 0)},
		{ID: "W3", Title: "4 writers → 16 segments, 10 KiB events", Kind: Write,
			Steps: rateSteps(base(4, 10240, 16, 1024), 500, 2000, 0)},
		{ID: "W4", Title: "4 writers, 1 → 10,000 segments (10 streams × 1,000, 10 writers) at 5,000 events/s of 1 KiB", Kind: Write, Steps: w4steps},
		{ID: "W5", Title: "end to end: 4 writers → 16 segments → a group of 4 readers, 1 KiB", Kind: Write,
			Steps: rateSteps(e2e, 5000, 20_000)},
		{ID: "W6", Title: "catch-up read from long-term storage (1 GiB unless -catchup-mb)", Kind: CatchUp,
			Steps: []Step{{Label: "1 GiB", Params: cu}}},
		{ID: "W7", Title: "transactions of 100 events, 1 writer → 16 segments, 1 KiB", Kind: Write,
			Steps: rateSteps(txn, 5000)},
		{ID: "W8", Title: "exactly-once overhead: 1 writer → 4 segments, 1 KiB", Kind: Write, Steps: w8steps},
		{ID: "W10", Title: "SIGKILL recovery time and loss check, 1,000 events/s of 1 KiB", Kind: Recovery,
			Steps: []Step{{Label: "kill at 5 s", Params: rec}}},
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Select returns the workloads named in spec: "all" or a comma-separated
// list of ids (case-insensitive), in suite order.
func Select(spec string) ([]Workload, error) {
	all := Suite()
	if strings.EqualFold(strings.TrimSpace(spec), "all") || strings.TrimSpace(spec) == "" {
		return all, nil
	}
	want := map[string]bool{}
	for _, id := range strings.Split(spec, ",") {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" {
			continue
		}
		found := false
		for _, w := range all {
			found = found || w.ID == id
		}
		if !found {
			return nil, fmt.Errorf("unknown workload %q (have %s)", id, ids(all))
		}
		want[id] = true
	}
	var out []Workload
	for _, w := range all {
		if want[w.ID] {
			out = append(out, w)
		}
	}
	return out, nil
}

func ids(ws []Workload) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.ID)
	}
	return strings.Join(s, ",")
}

// Override changes every step of the selected workloads: zero fields keep
// the definition's value.
type Override struct {
	Duration time.Duration
	Warmup   time.Duration
	Rates    []float64 // replaces the rate sweep of Write workloads whose steps differ only by rate
	Bytes    int64
}

// Apply returns w with o applied.
func (o Override) Apply(w Workload) Workload {
	steps := w.Steps
	if len(o.Rates) > 0 && w.Kind == Write && rateOnly(steps) {
		steps = rateSteps(steps[0].Params, o.Rates...)
	}
	out := make([]Step, len(steps))
	for i, s := range steps {
		// A recovery step's length is set by its kill time: a shorter
		// window would end the writes before the kill.
		if o.Duration > 0 && w.Kind != Recovery {
			s.Duration = o.Duration
		}
		if o.Warmup > 0 && s.Warmup > 0 {
			s.Warmup = o.Warmup
		}
		if o.Bytes > 0 && s.Bytes > 0 {
			s.Bytes = o.Bytes
			s.Label = fmt.Sprintf("%d MiB", o.Bytes>>20)
		}
		out[i] = s
	}
	w.Steps = out
	return w
}

// rateOnly reports whether steps differ in nothing but Rate.
func rateOnly(steps []Step) bool {
	for _, s := range steps[1:] {
		a, b := s.Params, steps[0].Params
		a.Rate, b.Rate = 0, 0
		if a != b {
			return false
		}
	}
	return true
}

// ParseRates reads "1000,20k,1.5m,max" into events/s (max is 0).
func ParseRates(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if f == "max" {
			out = append(out, 0)
			continue
		}
		mult := 1.0
		switch {
		case strings.HasSuffix(f, "k"):
			mult, f = 1e3, strings.TrimSuffix(f, "k")
		case strings.HasSuffix(f, "m"):
			mult, f = 1e6, strings.TrimSuffix(f, "m")
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("bad rate %q: want a positive number of events/s, 10k, 1m or max", f)
		}
		out = append(out, v*mult)
	}
	return out, nil
}
