package metrics

import (
	"math"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// NewRegistry returns a registry with the Go runtime and process
// collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Handler serves reg in the Prometheus text and OpenMetrics formats.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, EnableOpenMetrics: true})
}

// LatencyBuckets are the upper bounds, in seconds, of Histogram's buckets:
// 50 µs to about 3.3 s, doubling.
var LatencyBuckets = func() []float64 {
	b := make([]float64, 17)
	for i := range b {
		b[i] = 50e-6 * math.Pow(2, float64(i))
	}
	return b
}()

// Histogram counts durations in LatencyBuckets with atomics only: Observe
// takes no lock and allocates nothing. The zero value is ready to use.
type Histogram struct {
	counts [18]atomic.Uint64 // one per bucket, the last for +Inf
	sumNs  atomic.Int64
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(LatencyBuckets) && s > LatencyBuckets[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

// HistogramSnapshot is a Histogram's state at one moment.
type HistogramSnapshot struct {
	Count   uint64
	Sum     float64            // seconds
	Buckets map[float64]uint64 // cumulative counts by upper bound
}

// Snapshot reads the histogram. Buckets read during Observe calls may be
// off by the observations in flight; Count is their sum, so it is
// consistent with Buckets.
func (h *Histogram) Snapshot() HistogramSnapshot {
	s := HistogramSnapshot{Buckets: make(map[float64]uint64, len(LatencyBuckets))}
	for i, ub := range LatencyBuckets {
		s.Count += h.counts[i].Load()
		s.Buckets[ub] = s.Count
	}
	s.Count += h.counts[len(LatencyBuckets)].Load()
	s.Sum = time.Duration(h.sumNs.Load()).Seconds()
	return s
}

// ConstHistogram turns a snapshot into a Prometheus sample.
func ConstHistogram(desc *prometheus.Desc, s HistogramSnapshot, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstHistogram(desc, s.Count, s.Sum, s.Buckets, labels...)
}
