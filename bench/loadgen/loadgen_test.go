package loadgen

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicestream/sluice/bench/driver"
	"github.com/sluicestream/sluice/bench/hist"
	"github.com/sluicestream/sluice/bench/workload"
)

// slowWriter acknowledges every event delay after Write, and blocks Write
// from stall to stall+stallFor (a writer that falls behind).
type slowWriter struct {
	m                 *measure
	delay             time.Duration
	stallAt, stallFor time.Duration
	start             time.Time
	stalled           bool
}

func (w *slowWriter) Write(_ context.Context, _ string, p []byte) error {
	if !w.stalled && w.stallFor > 0 && time.Since(w.start) >= w.stallAt {
		w.stalled = true
		time.Sleep(w.stallFor)
	}
	meta, _ := driver.ParseMeta(p)
	go func() {
		time.Sleep(w.delay)
		w.m.onAck(meta, nil)
	}()
	return nil
}

func (w *slowWriter) Close(context.Context) error { return nil }

func run(t *testing.T, stallFor time.Duration) *measure {
	var m *measure
	synctest.Test(t, func(t *testing.T) {
		s := workload.Params{Writers: 1, EventSize: 100, Keys: 1, Rate: 1000, Duration: time.Second}
		m = &measure{write: hist.New(), e2e: hist.New()}
		m.start = time.Now()
		m.warm, m.end = m.start, m.start.Add(s.Duration)
		w := &slowWriter{m: m, delay: 2 * time.Millisecond, stallAt: 500 * time.Millisecond, stallFor: stallFor, start: m.start}
		if err := sendLoop(t.Context(), m, s, 0, w, []string{"k"}, make([]byte, 100)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	})
	return m
}

func TestOpenLoopSchedule(t *testing.T) {
	m := run(t, 0)
	if got := m.sent.Load(); got != 1000 {
		t.Fatalf("sent %d events in 1 s at 1000/s", got)
	}
	s := m.write.Summary()
	if s.P50 != 2 || s.Max != 2 {
		t.Fatalf("latency p50 %.3f max %.3f ms, want exactly the 2 ms ack delay", s.P50, s.Max)
	}
}

// TestStallShowsAsLatency: a writer blocked for 100 ms still sends every
// scheduled event, and the events scheduled during the stall carry it as
// latency (no coordinated omission).
func TestStallShowsAsLatency(t *testing.T) {
	m := run(t, 100*time.Millisecond)
	if got := m.sent.Load(); got != 1000 {
		t.Fatalf("sent %d events, want all 1000 despite the stall", got)
	}
	s := m.write.Summary()
	if s.Max < 100 || s.Max > 103 {
		t.Fatalf("max latency %.1f ms, want the 100 ms stall plus the ack delay", s.Max)
	}
	if s.P95 < 2 || s.P99 < 50 {
		t.Fatalf("p95 %.1f p99 %.1f ms: the ~100 events scheduled during the stall must show", s.P95, s.P99)
	}
}
