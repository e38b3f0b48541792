// Package loadgen runs one workload step against one started system: an
// open-loop load generator whose writers send at the intended times of a
// constant-rate schedule and measure every latency from the intended send
// time (so a writer that falls behind shows it as latency, instead of
// silently sending less: no coordinated omission), optional readers for
// end-to-end latency, and the server's CPU and peak RSS read from /proc.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicestream/sluice/bench/driver"
	"github.com/sluicestream/sluice/bench/hist"
	"github.com/sluicestream/sluice/bench/report"
	"github.com/sluicestream/sluice/bench/sysstat"
	"github.com/sluicestream/sluice/bench/workload"
)

// DrainTimeout bounds the wait for outstanding acknowledgements and reads
// after the measurement window.
var DrainTimeout = 60 * time.Second

// Runner runs steps against one server.
type Runner struct {
	System   driver.System
	Server   driver.Server
	Progress io.Writer // one line per second while a step runs
	RunID    string    // makes stream names unique per invocation
}

// AlwaysExactlyOnce is implemented by systems whose writes are always
// idempotent, so an "exactly-once off" step is not applicable.
type AlwaysExactlyOnce interface{ AlwaysExactlyOnce() bool }

// Run measures step number idx of w.
func (r *Runner) Run(ctx context.Context, w workload.Workload, idx int) report.Result {
	s := w.Steps[idx]
	res := report.Result{Workload: w.ID, Title: w.Title, Step: s.Label, System: r.System.Name(),
		Durability: r.System.Durability(), Params: s.Params, StartedAt: time.Now()}
	if n, ok := r.System.(driver.Notes); ok {
		res.Notes = n.Notes()
	}
	if a, ok := r.System.(AlwaysExactlyOnce); ok && a.AlwaysExactlyOnce() && !s.ExactlyOnce {
		res.Skipped = "writes are always exactly-once (writer id + event number on every append); no way to turn it off"
		return res
	}
	var err error
	switch w.Kind {
	case workload.Write:
		err = r.runWrite(ctx, w, idx, &res)
	case workload.Recovery:
		err = r.runRecovery(ctx, w, idx, &res)
	case workload.CatchUp:
		err = r.runCatchUp(ctx, w, idx, &res)
	default:
		err = fmt.Errorf("unknown workload kind %q", w.Kind)
	}
	if errors.Is(err, driver.ErrUnsupported) {
		res.Skipped = err.Error()
	} else if err != nil {
		res.Error = err.Error()
	}
	return res
}

func (r *Runner) streamName(w workload.Workload, idx, n int) string {
	return fmt.Sprintf("%s-%d-%d-%s", strings.ToLower(w.ID), idx, n, r.RunID)
}

// measure holds the counters of one write step.
type measure struct {
	start, warm, end time.Time // schedule start, measurement window [warm, end)
	eventSize        int

	sent, acked, failed   atomic.Int64
	windowAcked, received atomic.Int64
	write, e2e            *hist.Recorder
	firstErr              atomic.Pointer[error]
}

func (m *measure) onAck(meta driver.Meta, err error) {
	now := time.Now()
	if err != nil {
		m.failed.Add(1)
		m.firstErr.CompareAndSwap(nil, &err)
		return
	}
	m.acked.Add(1)
	it := meta.IntendedTime()
	if !it.Before(m.warm) && it.Before(m.end) {
		m.write.Record(now.Sub(it))
	}
	if !now.Before(m.warm) && now.Before(m.end) {
		m.windowAcked.Add(1)
	}
}

func (m *measure) onRead(payload []byte) {
	m.received.Add(1)
	meta, ok := driver.ParseMeta(payload)
	if !ok {
		return
	}
	it := meta.IntendedTime()
	if !it.Before(m.warm) && it.Before(m.end) {
		m.e2e.Record(time.Since(it))
	}
}

func (r *Runner) runWrite(ctx context.Context, w workload.Workload, idx int, res *report.Result) error {
	s := w.Steps[idx].Params
	admin, err := r.Server.Connect(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = admin.Close() }()
	streams := make([]string, max(1, s.Streams))
	for i := range streams {
		streams[i] = r.streamName(w, idx, i)
		if err := admin.CreateStream(ctx, streams[i], s.Segments); err != nil {
			return fmt.Errorf("create stream %s: %w", streams[i], err)
		}
	}
	m := &measure{eventSize: s.EventSize, write: hist.New(), e2e: hist.New()}

	// Readers first, so that they are waiting when the first event lands.
	readCtx, stopReaders := context.WithCancel(ctx)
	defer stopReaders()
	var readers sync.WaitGroup
	readErr := make(chan error, 1)
	if s.Readers > 0 {
		for _, st := range streams {
			rs, err := admin.NewReaders(ctx, st, s.Readers)
			if err != nil {
				return fmt.Errorf("readers: %w", err)
			}
			for _, rd := range rs {
				readers.Add(1)
				go func() {
					defer readers.Done()
					if err := rd.Run(readCtx, m.onRead); err != nil && readCtx.Err() == nil {
						select {
						case readErr <- err:
						default:
						}
					}
				}()
			}
		}
	}

	// One client (connection) and writer per writer, as separate applications.
	type wr struct {
		c driver.Client
		w driver.Writer
	}
	ws := make([]wr, s.Writers)
	defer func() {
		for _, x := range ws {
			if x.c != nil {
				_ = x.c.Close()
			}
		}
	}()
	for i := range ws {
		c, err := r.Server.Connect(ctx)
		if err != nil {
			return fmt.Errorf("connect writer: %w", err)
		}
		ws[i].c = c
		wtr, err := c.NewWriter(ctx, streams[i%len(streams)], driver.WriterOptions{ExactlyOnce: s.ExactlyOnce,
			Segments: s.Segments, TxnEvents: s.TxnEvents, OnAck: m.onAck})
		if err != nil {
			return fmt.Errorf("writer: %w", err)
		}
		ws[i].w = wtr
	}

	keys := routingKeys(s.Keys)
	template := make([]byte, s.EventSize)
	for i := range template {
		template[i] = byte('a' + i%26)
	}

	m.start = time.Now().Add(50 * time.Millisecond)
	m.warm = m.start.Add(s.Warmup)
	m.end = m.warm.Add(s.Duration)
	sendCtx, stopSending := context.WithDeadline(ctx, m.end.Add(DrainTimeout))
	defer stopSending()

	cpu := r.sampleAt(m.warm, m.end)
	prog := r.progress(m, w.ID+" "+res.Step)

	var wg sync.WaitGroup
	sendErr := make(chan error, len(ws))
	for i, x := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sendLoop(sendCtx, m, s, i, x.w, keys, template); err != nil {
				sendErr <- err
			}
		}()
	}
	wg.Wait()
	closeCtx, cancelClose := context.WithTimeout(ctx, DrainTimeout)
	for _, x := range ws {
		if err := closeWriter(closeCtx, x.w); err != nil && res.Error == "" {
			res.Error = "close writer: " + err.Error()
		}
	}
	cancelClose()
	if s.Readers > 0 {
		deadline := time.Now().Add(DrainTimeout)
		for m.received.Load() < m.acked.Load() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	stopReaders()
	readers.Wait()
	prog()
	sys := cpu()

	res.Sent, res.Acked, res.Failed = m.sent.Load(), m.acked.Load(), m.failed.Load()
	res.WindowSeconds = s.Duration.Seconds()
	res.EventsPerSec = float64(m.windowAcked.Load()) / res.WindowSeconds
	res.MBPerSec = res.EventsPerSec * float64(s.EventSize) / 1e6
	res.Write, res.WriteSpectra = m.write.Summary(), m.write.Spectrum()
	if s.Readers > 0 {
		e := m.e2e.Summary()
		res.E2E, res.E2ESpectra, res.Received = &e, m.e2e.Spectrum(), m.received.Load()
	}
	gb := float64(m.windowAcked.Load()) * float64(s.EventSize) / 1e9
	res.ServerCPUSeconds, res.ServerPeakRSS = sys.serverCPU, sys.peakRSS
	if gb > 0 {
		res.ServerCPUPerGB, res.ClientCPUPerGB = sys.serverCPU/gb, sys.clientCPU/gb
	}
	if p := m.firstErr.Load(); p != nil && res.Error == "" {
		res.Error = fmt.Sprintf("%d writes failed, first: %v", res.Failed, *p)
	}
	select {
	case err := <-sendErr:
		if res.Error == "" {
			res.Error = "write: " + err.Error()
		}
	default:
	}
	select {
	case err := <-readErr:
		if res.Error == "" {
			res.Error = "read: " + err.Error()
		}
	default:
	}
	return nil
}

// closeWriter closes w, giving up (and leaking the writer) if Close does
// not return within ten seconds after ctx ends, so that a client stuck on
// a server that stopped answering cannot hang the whole run.
func closeWriter(ctx context.Context, w driver.Writer) error {
	done := make(chan error, 1)
	go func() { done <- w.Close(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("writer did not close 10 s after the drain timeout: %w", ctx.Err())
	}
}

// sendLoop is writer i's open-loop schedule: event n of this writer is
// intended at start + (n + i/writers) × interval. At rate 0 it sends as
// fast as Write returns and the intended time is the actual one.
func sendLoop(ctx context.Context, m *measure, s workload.Params, i int, w driver.Writer, keys []string, template []byte) error {
	send := func(n int64, intended time.Time) error {
		p := make([]byte, len(template))
		copy(p, template)
		driver.PutMeta(p, driver.Meta{Intended: intended.UnixNano(), Seq: uint64(n)})
		key := keys[(n*int64(s.Writers)+int64(i))%int64(len(keys))]
		if err := w.Write(ctx, key, p); err != nil {
			return err
		}
		m.sent.Add(1)
		return nil
	}
	time.Sleep(time.Until(m.start))
	if s.Rate <= 0 {
		for n := int64(0); ; n++ {
			now := time.Now()
			if !now.Before(m.end) {
				return nil
			}
			if err := send(n, now); err != nil {
				return err
			}
		}
	}
	interval := time.Duration(float64(time.Second) * float64(s.Writers) / s.Rate)
	first := m.start.Add(interval * time.Duration(i) / time.Duration(s.Writers))
	for n := int64(0); ; n++ {
		intended := first.Add(time.Duration(n) * interval)
		if !intended.Before(m.end) {
			return nil
		}
		if d := time.Until(intended); d > 0 {
			time.Sleep(d)
		}
		if err := send(n, intended); err != nil {
			return err
		}
	}
}

type sysSample struct {
	serverCPU, clientCPU float64
	peakRSS              int64
}

// serverPIDs are the processes whose CPU and RSS count as the server's:
// every process of a server made of several (driver.MultiProcess), else
// its one PID.
func (r *Runner) serverPIDs() []int {
	if m, ok := r.Server.(driver.MultiProcess); ok {
		if pids := m.PIDs(); len(pids) > 0 {
			return pids
		}
	}
	return []int{r.Server.PID()}
}

// sampleAt reads the CPU time of the server and of this process at warm
// and end and the server's peak RSS between them; the returned function
// waits for the end and returns the deltas.
func (r *Runner) sampleAt(warm, end time.Time) func() sysSample {
	done := make(chan sysSample, 1)
	go func() {
		time.Sleep(time.Until(warm))
		stop := r.sampleNow()
		time.Sleep(time.Until(end))
		done <- stop()
	}()
	return func() sysSample { return <-done }
}

// sampleNow starts reading the CPU time of the server and of this process
// and the server's peak RSS; the returned function stops and returns the
// deltas.
func (r *Runner) sampleNow() func() sysSample {
	pids, self := r.serverPIDs(), os.Getpid()
	s0, _ := sysstat.CPUSecondsSum(pids)
	c0, _ := sysstat.CPUSeconds(self)
	rss := sysstat.StartSampler(pids, 250*time.Millisecond)
	return func() sysSample {
		s1, _ := sysstat.CPUSecondsSum(pids)
		c1, _ := sysstat.CPUSeconds(self)
		return sysSample{serverCPU: s1 - s0, clientCPU: c1 - c0, peakRSS: rss.Stop()}
	}
}

// progress prints a line a second until the returned function is called.
func (r *Runner) progress(m *measure, label string) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		var lastAcked int64
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				acked := m.acked.Load()
				phase := "warmup"
				switch {
				case now.After(m.end):
					phase = "drain"
				case now.After(m.warm):
					phase = "measure"
				}
				total := m.end.Sub(m.start)
				_, _ = fmt.Fprintf(r.Progress, "  [%s %s] %s %4.0fs/%.0fs sent %d acked %d (%d/s) read %d p99 %.2f ms failed %d\n",
					r.System.Name(), label, phase, now.Sub(m.start).Seconds(), total.Seconds(), m.sent.Load(), acked,
					acked-lastAcked, m.received.Load(), float64(m.write.Quantile(99).Microseconds())/1000, m.failed.Load())
				lastAcked = acked
			}
		}
	}()
	return func() {
		close(stop)
		wg.Wait()
	}
}

// routingKeys returns n (at least one) distinct routing keys.
func routingKeys(n int) []string {
	keys := make([]string, max(1, n))
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
	}
	return keys
}
