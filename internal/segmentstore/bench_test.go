package segmentstore_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

const (
	benchEventSize = 100
	benchBlockCap  = 64 << 10 // bytes of event records per AppendBlockEnd
	benchInflight  = 32       // blocks in flight per writer
)

// benchStore starts the segment store under test: in this process, or with
// SLUICE_BENCH_CHILD=1 in a child process (the store is nil then), so that
// the load generator's allocations and goroutines do not share its runtime.
func benchStore(b *testing.B) (*segmentstore.Store, *sstest.Conn, string) {
	b.Helper()
	var st *segmentstore.Store
	addr := ""
	if os.Getenv("SLUICE_BENCH_CHILD") != "" {
		ch := startChild(b, b.TempDir(), childDefaultsEnv+"=1")
		b.Cleanup(ch.kill9)
		addr = ch.addr
	} else {
		var err error
		st, err = segmentstore.Start(context.Background(), segmentstore.Config{DataDir: b.TempDir(), Address: "127.0.0.1:0",
			NoSync: os.Getenv("SLUICE_BENCH_NOSYNC") != "", Tiering: benchTiering()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		addr = st.Addr().String()
	}
	c := sstest.Dial(b, addr)
	seg := "bench/s/0.#epoch.0"
	c.Create(seg)
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: wire.UUID{1}, Segment: seg})
	sstest.Expect[*wire.AppendSetup](c)
	return st, c, seg
}

// sentBlock is a block waiting for its acknowledgement.
type sentBlock struct {
	last   int64     // event number of its last event
	events int       // events in it
	since  time.Time // intended send time of its oldest event
}

// BenchmarkAppend100BMax: one writer, one segment, 100-byte events, fsync
// on, as fast as the server acknowledges. b.N is the number of events.
func BenchmarkAppend100BMax(b *testing.B) {
	st, c, _ := benchStore(b)
	payload := bytes.Repeat([]byte{'e'}, benchEventSize)
	perBlock := benchBlockCap / (benchEventSize + wire.EventHeaderSize)
	block := make([]byte, 0, benchBlockCap)
	for range perBlock {
		block = wire.AppendEvent(block, payload)
	}
	slots := make(chan struct{}, benchInflight)
	var mu sync.Mutex
	var pending []sentBlock
	var lat []time.Duration
	done := make(chan struct{})
	total := int64(b.N)
	go func() {
		defer close(done)
		for {
			a := sstest.Expect[*wire.DataAppended](c)
			now := time.Now()
			mu.Lock()
			for len(pending) > 0 && pending[0].last <= a.EventNumber {
				lat = append(lat, now.Sub(pending[0].since))
				pending = pending[1:]
				<-slots
			}
			mu.Unlock()
			if a.EventNumber >= total {
				return
			}
		}
	}()
	before := journalStats(st)
	b.SetBytes(benchEventSize)
	b.ResetTimer()
	start := time.Now()
	for n := int64(0); n < total; {
		k := min(int64(perBlock), total-n)
		n += k
		slots <- struct{}{}
		mu.Lock()
		pending = append(pending, sentBlock{last: n, events: int(k), since: time.Now()})
		mu.Unlock()
		data := block[:int(k)*(benchEventSize+wire.EventHeaderSize)]
		c.Send(&wire.AppendBlockEnd{WriterID: wire.UUID{1}, Data: data, NumEvents: int32(k), LastEventNumber: n, RequestID: 1})
	}
	<-done
	elapsed := time.Since(start)
	b.StopTimer()
	reportJournal(b, st, before, elapsed, total)
	reportLatency(b, "block-ack", lat)
}

// BenchmarkAppend100BAtRate: the same writer at a fixed rate (open loop):
// every millisecond the events due are sent as one block, and latency is
// measured from each block's intended send time, so a stalled server shows
// up as latency instead of a lower send rate.
func BenchmarkAppend100BAtRate(b *testing.B) {
	for _, rate := range []int{50_000, 150_000} {
		b.Run(rateName(rate), func(b *testing.B) { benchAtRate(b, rate) })
	}
}

func rateName(r int) string { return fmt.Sprintf("rate=%dk", r/1000) }

func benchAtRate(b *testing.B, rate int) {
	st, c, _ := benchStore(b)
	payload := bytes.Repeat([]byte{'e'}, benchEventSize)
	var mu sync.Mutex
	var pending []sentBlock
	var lat []time.Duration
	total := int64(max(b.N, rate)) // at least one second of load
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			a := sstest.Expect[*wire.DataAppended](c)
			now := time.Now()
			mu.Lock()
			for len(pending) > 0 && pending[0].last <= a.EventNumber {
				lat = append(lat, now.Sub(pending[0].since))
				pending = pending[1:]
			}
			mu.Unlock()
			if a.EventNumber >= total {
				return
			}
		}
	}()
	before := journalStats(st)
	b.SetBytes(benchEventSize)
	b.ResetTimer()
	start := time.Now()
	var block []byte
	for n := int64(0); n < total; {
		due := min(int64(time.Since(start).Seconds()*float64(rate)), total)
		if due <= n {
			time.Sleep(200 * time.Microsecond)
			continue
		}
		intended := start.Add(time.Duration(float64(n) / float64(rate) * float64(time.Second)))
		k := due - n
		block = block[:0]
		for range k {
			block = wire.AppendEvent(block, payload)
		}
		n = due
		mu.Lock()
		pending = append(pending, sentBlock{last: n, events: int(k), since: intended})
		mu.Unlock()
		c.Send(&wire.AppendBlockEnd{WriterID: wire.UUID{1}, Data: block, NumEvents: int32(k), LastEventNumber: n, RequestID: 1})
	}
	<-done
	elapsed := time.Since(start)
	b.StopTimer()
	reportJournal(b, st, before, elapsed, total)
	reportLatency(b, "ack", lat)
}

func reportJournal(b *testing.B, st *segmentstore.Store, before journal.Stats, elapsed time.Duration, events int64) {
	b.Helper()
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(events*benchEventSize)/elapsed.Seconds()/1e6, "MB/s")
	if st == nil {
		return // the store runs in a child process
	}
	after := journalStats(st)
	b.ReportMetric(float64(after.Fsyncs-before.Fsyncs)/elapsed.Seconds(), "fsyncs/s")
	b.ReportMetric(float64(events)/float64(max(after.Fsyncs-before.Fsyncs, 1)), "events/fsync")
	b.ReportMetric(bucketQuantile(after.CommitLatency, 0.99)*1000, "commit-p99-ms")
	b.ReportMetric(bucketQuantile(after.CommitLatency, 1)*1000, "commit-max-ms")
}

// bucketQuantile is the upper bound of the histogram bucket holding
// quantile q (1 = the largest observation's bucket).
func bucketQuantile(h metrics.HistogramSnapshot, q float64) float64 {
	want := uint64(q * float64(h.Count))
	bounds := slices.Sorted(maps.Keys(h.Buckets))
	for _, ub := range bounds {
		if h.Buckets[ub] >= want {
			return ub
		}
	}
	return math.Inf(1)
}

func reportLatency(b *testing.B, name string, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), name+"-p50-ms")
	b.ReportMetric(q(0.99), name+"-p99-ms")
}

// benchTiering: SLUICE_BENCH_NOTIER=1 keeps the storage writer idle during
// the run, to separate the journal's latency from that of LTS writes sharing
// the disk.
func benchTiering() container.Tiering {
	if os.Getenv("SLUICE_BENCH_NOTIER") == "" {
		return container.Tiering{}
	}
	return container.Tiering{FlushInterval: time.Hour, MinFlushBytes: 1 << 40, MaxUnflushed: 1 << 40, CacheBudget: 1 << 40}
}

// journalStats is st's journal counters, zero for a store in a child.
func journalStats(st *segmentstore.Store) journal.Stats {
	if st == nil {
		return journal.Stats{}
	}
	return st.JournalStats()
}
