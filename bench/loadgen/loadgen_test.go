package loadgen

import (
	"context"
	"io"
	"os"
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

// throttled is a system that acknowledges at most perSec events a second,
// in order, however fast they are written: a deliberately throttled run.
type throttled struct{ perSec int }

func (s throttled) Name() string       { return "throttled" }
func (s throttled) Durability() string { return "none" }
func (s throttled) Start(context.Context, string) (driver.Server, error) {
	return &throttledServer{perSec: s.perSec}, nil
}

type throttledServer struct{ perSec int }

func (s *throttledServer) PID() int                                        { return os.Getpid() }
func (s *throttledServer) Kill() error                                     { return nil }
func (s *throttledServer) Restart(context.Context) error                   { return nil }
func (s *throttledServer) Stop(context.Context) error                      { return nil }
func (s *throttledServer) Connect(context.Context) (driver.Client, error)  { return s, nil }
func (s *throttledServer) CreateStream(context.Context, string, int) error { return nil }
func (s *throttledServer) NewReaders(context.Context, string, int) ([]driver.Reader, error) {
	return nil, driver.ErrUnsupported
}
func (s *throttledServer) Close() error { return nil }

func (s *throttledServer) NewWriter(_ context.Context, _ string, o driver.WriterOptions) (driver.Writer, error) {
	w := &throttledWriter{queue: make(chan driver.Meta, 1<<20), onAck: o.OnAck, done: make(chan struct{}),
		abandon: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(time.Second / time.Duration(s.perSec))
		defer tick.Stop()
		for m := range w.queue {
			select {
			case <-tick.C:
				w.onAck(m, nil)
			case <-w.abandon:
				return
			}
		}
	}()
	return w, nil
}

type throttledWriter struct {
	queue   chan driver.Meta
	onAck   func(driver.Meta, error)
	done    chan struct{}
	abandon chan struct{} // Close gave up on the backlog
}

func (w *throttledWriter) Write(_ context.Context, _ string, p []byte) error {
	m, _ := driver.ParseMeta(p)
	w.queue <- m
	return nil
}

func (w *throttledWriter) Close(ctx context.Context) error {
	close(w.queue)
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		close(w.abandon)
		<-w.done
		return ctx.Err()
	}
}

// TestThrottledRunReportsThrottledRate: asked for 1,000 events/s from a
// system that acknowledges 250/s, a step reports about 250/s (what was
// acknowledged in the window, not what was sent) and a latency that grows
// through the window.
func TestThrottledRunReportsThrottledRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		old := DrainTimeout
		DrainTimeout = time.Second // the backlog is abandoned after it
		defer func() { DrainTimeout = old }()
		sys := throttled{perSec: 250}
		srv, _ := sys.Start(t.Context(), "")
		r := &Runner{System: sys, Server: srv, Progress: io.Discard, RunID: "t"}
		p := workload.Params{Writers: 1, EventSize: 100, Streams: 1, Segments: 1, Keys: 1, Rate: 1000,
			Duration: 4 * time.Second, Warmup: time.Second}
		w := workload.Workload{ID: "T", Kind: workload.Write, Steps: []workload.Step{{Label: "1000/s", Params: p}}}
		res := r.Run(t.Context(), w, 0)
		t.Logf("result: %.0f ev/s, sent %d, acked %d, max %.0f ms, error %q", res.EventsPerSec, res.Sent, res.Acked, res.Write.Max, res.Error)
		if res.EventsPerSec < 240 || res.EventsPerSec > 260 {
			t.Fatalf("reported %.0f events/s from a system throttled to 250/s", res.EventsPerSec)
		}
		if res.Sent < 4900 {
			t.Fatalf("sent %d events: the open-loop writer must keep sending at 1000/s", res.Sent)
		}
		// The event intended at the window's end waits for the 3,000+ sent
		// before it: seconds, not the milliseconds of an unthrottled run.
		if res.Write.Max < 3000 {
			t.Fatalf("max latency %.0f ms: the backlog must show as latency", res.Write.Max)
		}
	})
}

// multiServer is a server of several processes (driver.MultiProcess).
type multiServer struct {
	throttledServer
	pids []int
}

func (s *multiServer) PIDs() []int { return s.pids }

// TestServerPIDs: the CPU and RSS of every process of a multi-process
// server count; a plain server is its one PID.
func TestServerPIDs(t *testing.T) {
	r := &Runner{Server: &throttledServer{}}
	if got := r.serverPIDs(); len(got) != 1 || got[0] != os.Getpid() {
		t.Fatalf("single-process server: %v", got)
	}
	r.Server = &multiServer{pids: []int{os.Getpid(), os.Getpid()}}
	if got := r.serverPIDs(); len(got) != 2 {
		t.Fatalf("multi-process server: %v", got)
	}
	r.Server = &multiServer{}
	if got := r.serverPIDs(); len(got) != 1 || got[0] != os.Getpid() {
		t.Fatalf("multi-process server without pids falls back to PID: %v", got)
	}
	// The same process listed twice: its RSS counts twice.
	one := r.sampleNow()()
	r.Server = &multiServer{pids: []int{os.Getpid(), os.Getpid()}}
	two := r.sampleNow()()
	if one.peakRSS <= 0 || two.peakRSS < one.peakRSS*3/2 {
		t.Fatalf("peak RSS of one process %d, of the same process twice %d", one.peakRSS, two.peakRSS)
	}
}
