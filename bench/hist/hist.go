// Package hist records latencies in HdrHistograms (microsecond resolution,
// three significant digits, up to ten minutes) and summarises them as the
// percentiles the reports print.
package hist

import (
	"math"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

const (
	lowest  = 1                              // µs
	highest = int64(10 * time.Minute / 1000) // µs
	digits  = 3
)

// Recorder is a latency histogram safe for concurrent use. Values above the
// trackable range are clamped to it and counted in Clamped.
type Recorder struct {
	mu      sync.Mutex
	h       *hdrhistogram.Histogram
	clamped int64
}

// New returns an empty Recorder.
func New() *Recorder { return &Recorder{h: hdrhistogram.New(lowest, highest, digits)} }

// Record adds one latency.
func (r *Recorder) Record(d time.Duration) {
	us := d.Microseconds()
	clamped := false
	if us < lowest {
		us = lowest
	}
	if us > highest {
		us, clamped = highest, true
	}
	r.mu.Lock()
	_ = r.h.RecordValue(us) // in range by construction
	if clamped {
		r.clamped++
	}
	r.mu.Unlock()
}

// Merge adds every value of other into r.
func (r *Recorder) Merge(other *Recorder) {
	other.mu.Lock()
	c := other.h.Export()
	clamped := other.clamped
	other.mu.Unlock()
	r.mu.Lock()
	r.h.Merge(hdrhistogram.Import(c))
	r.clamped += clamped
	r.mu.Unlock()
}

// Count is the number of recorded values.
func (r *Recorder) Count() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.h.TotalCount()
}

// Quantile is the value at q in [0, 100] (percent), 0 when empty.
func (r *Recorder) Quantile(q float64) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Duration(r.h.ValueAtQuantile(q)) * time.Microsecond
}

// Summary is what a report row prints about one latency distribution.
// Durations are in milliseconds so that the JSON reads without a unit table.
type Summary struct {
	Count   int64   `json:"count"`
	P50     float64 `json:"p50_ms"`
	P95     float64 `json:"p95_ms"`
	P99     float64 `json:"p99_ms"`
	P999    float64 `json:"p999_ms"`
	Max     float64 `json:"max_ms"`
	Mean    float64 `json:"mean_ms"`
	Clamped int64   `json:"clamped,omitempty"`
}

// Summary returns the percentiles of r.
func (r *Recorder) Summary() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	ms := func(us int64) float64 { return float64(us) / 1000 }
	if r.h.TotalCount() == 0 {
		return Summary{}
	}
	return Summary{
		Count: r.h.TotalCount(),
		P50:   ms(r.h.ValueAtQuantile(50)), P95: ms(r.h.ValueAtQuantile(95)),
		P99: ms(r.h.ValueAtQuantile(99)), P999: ms(r.h.ValueAtQuantile(99.9)),
		Max: ms(r.h.Max()), Mean: r.h.Mean() / 1000, Clamped: r.clamped,
	}
}

// Point is one point of a percentile spectrum: the latency (ms) at a
// percentile.
type Point struct {
	Percentile float64 `json:"p"`
	Millis     float64 `json:"ms"`
}

// Spectrum returns the latency at percentiles from 0 to 99.999 (and the
// maximum as 100), spaced evenly in "nines" (−log10(1−p)), for plots.
func (r *Recorder) Spectrum() []Point {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h.TotalCount() == 0 {
		return nil
	}
	var pts []Point
	for nines := 0.0; nines <= 5.0001; nines += 0.1 {
		p := 100 * (1 - math.Pow(10, -nines))
		pts = append(pts, Point{Percentile: p, Millis: float64(r.h.ValueAtQuantile(p)) / 1000})
	}
	return append(pts, Point{Percentile: 100, Millis: float64(r.h.Max()) / 1000})
}

// Snapshot is the histogram in HdrHistogram's exported form, kept in the
// JSON results so that runs can be merged or re-plotted later.
func (r *Recorder) Snapshot() *hdrhistogram.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.h.Export()
}
