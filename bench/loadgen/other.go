package loadgen

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/sluicestream/sluice/bench/driver"
	"github.com/sluicestream/sluice/bench/hist"
	"github.com/sluicestream/sluice/bench/report"
	"github.com/sluicestream/sluice/bench/sysstat"
	"github.com/sluicestream/sluice/bench/workload"
)

// runRecovery writes at the step's rate, SIGKILLs the server KillAfter
// into the run and restarts it at once. Recovery time is from the kill to
// the first acknowledgement after it; then every event is read back and
// each acknowledged sequence number must be there exactly once.
func (r *Runner) runRecovery(ctx context.Context, w workload.Workload, idx int, res *report.Result) error {
	s := w.Steps[idx].Params
	admin, stream, err := r.stepStream(ctx, w, idx)
	if err != nil {
		return err
	}
	defer func() { _ = admin.Close() }()
	m := &measure{eventSize: s.EventSize, write: hist.New(), e2e: hist.New()}
	var (
		mu       sync.Mutex
		acked    = map[uint64]bool{}
		killedAt time.Time
		firstAck time.Time
	)
	onAck := func(meta driver.Meta, err error) {
		m.onAck(meta, err)
		if err != nil {
			return
		}
		mu.Lock()
		acked[meta.Seq] = true
		if !killedAt.IsZero() && firstAck.IsZero() {
			firstAck = time.Now()
		}
		mu.Unlock()
	}
	wc, err := r.Server.Connect(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = wc.Close() }()
	wtr, err := wc.NewWriter(ctx, stream, driver.WriterOptions{ExactlyOnce: true, Segments: s.Segments, OnAck: onAck})
	if err != nil {
		return err
	}
	keys := routingKeys(s.Keys)
	template := make([]byte, s.EventSize)
	m.start = time.Now().Add(50 * time.Millisecond)
	m.warm, m.end = m.start, m.start.Add(s.Duration)
	sendCtx, stopSending := context.WithDeadline(ctx, m.end.Add(DrainTimeout))
	defer stopSending()
	prog := r.progress(m, w.ID+" "+res.Step)
	defer prog()
	sendErr := make(chan error, 1)
	go func() { sendErr <- sendLoop(sendCtx, m, s, 0, wtr, keys, template) }()

	time.Sleep(time.Until(m.start.Add(s.KillAfter)))
	if err := r.Server.Kill(); err != nil {
		return err
	}
	mu.Lock()
	killedAt = time.Now()
	mu.Unlock()
	_, _ = fmt.Fprintf(r.Progress, "  [%s] killed with SIGKILL, restarting\n", r.System.Name())
	t0 := time.Now()
	if err := r.Server.Restart(ctx); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("server restart took %s", time.Since(t0).Round(time.Millisecond)))
	if err := <-sendErr; err != nil {
		res.Error = "write: " + err.Error()
	}
	closeCtx, cancel := context.WithTimeout(ctx, DrainTimeout)
	if err := wtr.Close(closeCtx); err != nil && res.Error == "" {
		res.Error = "close writer: " + err.Error()
	}
	cancel()

	// Read everything back with a fresh connection.
	rc, err := r.Server.Connect(ctx)
	if err != nil {
		return fmt.Errorf("connect reader: %w", err)
	}
	defer func() { _ = rc.Close() }()
	rs, err := rc.NewReaders(ctx, stream, 1)
	if err != nil {
		return fmt.Errorf("reader: %w", err)
	}
	seen := map[uint64]int{}
	var rmu sync.Mutex
	readCtx, stopRead := context.WithTimeout(ctx, 30*time.Second)
	go func() {
		for readCtx.Err() == nil {
			rmu.Lock()
			n := len(seen)
			rmu.Unlock()
			mu.Lock()
			done := n >= len(acked)
			mu.Unlock()
			if done {
				time.Sleep(time.Second) // let duplicates, if any, arrive
				stopRead()
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	_ = rs[0].Run(readCtx, func(p []byte) {
		if meta, ok := driver.ParseMeta(p); ok {
			rmu.Lock()
			seen[meta.Seq]++
			rmu.Unlock()
		}
	})
	stopRead()

	mu.Lock()
	defer mu.Unlock()
	rmu.Lock()
	defer rmu.Unlock()
	for seq := range acked {
		if seen[seq] == 0 {
			res.LostAcknowledged++
		}
	}
	for _, n := range seen {
		if n > 1 {
			res.DuplicatesOnRead += int64(n - 1)
		}
	}
	if !firstAck.IsZero() {
		res.RecoverySeconds = firstAck.Sub(killedAt).Seconds()
	} else if res.Error == "" {
		res.Error = "no write was acknowledged after the kill"
	}
	res.Sent, res.Acked, res.Failed = m.sent.Load(), m.acked.Load(), m.failed.Load()
	res.Received = int64(len(seen))
	res.WindowSeconds = s.Duration.Seconds()
	res.EventsPerSec = float64(m.windowAcked.Load()) / res.WindowSeconds
	res.MBPerSec = res.EventsPerSec * float64(s.EventSize) / 1e6
	res.Write, res.WriteSpectra = m.write.Summary(), m.write.Spectrum()
	return nil
}

// runCatchUp writes Bytes to a fresh stream as fast as the writer is
// acknowledged, waits until the server is idle (its storage writer done),
// drops the page cache where it may (so the reads come from the disk, not
// from memory the write left behind), and then reads the whole stream from
// the start with a group of readers. The rate reported is the read's; the
// write's is in a note.
func (r *Runner) runCatchUp(ctx context.Context, w workload.Workload, idx int, res *report.Result) error {
	s := w.Steps[idx].Params
	admin, stream, err := r.stepStream(ctx, w, idx)
	if err != nil {
		return err
	}
	defer func() { _ = admin.Close() }()
	m := &measure{eventSize: s.EventSize, write: hist.New(), e2e: hist.New()}
	wc, err := r.Server.Connect(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = wc.Close() }()
	wtr, err := wc.NewWriter(ctx, stream, driver.WriterOptions{ExactlyOnce: true, Segments: s.Segments, OnAck: m.onAck})
	if err != nil {
		return err
	}
	total := s.Bytes / int64(s.EventSize)
	keys := routingKeys(s.Keys)
	began := time.Now()
	m.start, m.warm = began, began
	m.end = began.Add(24 * time.Hour)
	stopWrite := r.progress(m, w.ID+" write")
	for n := int64(0); n < total; n++ {
		p := make([]byte, s.EventSize)
		driver.PutMeta(p, driver.Meta{Intended: time.Now().UnixNano(), Seq: uint64(n)})
		if err := wtr.Write(ctx, keys[n%int64(len(keys))], p); err != nil {
			stopWrite()
			return fmt.Errorf("write: %w", err)
		}
		m.sent.Add(1)
	}
	closeCtx, cancel := context.WithTimeout(ctx, DrainTimeout)
	err = closeWriter(closeCtx, wtr)
	cancel()
	stopWrite()
	if err != nil {
		return fmt.Errorf("close writer: %w", err)
	}
	wrote := time.Since(began)
	acked := m.acked.Load()
	if acked != total {
		return fmt.Errorf("%d of %d events acknowledged", acked, total)
	}
	settled := sysstat.Settle(r.Server.PID(), 0.1, 2*time.Minute)
	cache := "page cache dropped before reading"
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0); err != nil {
		cache = "page cache NOT dropped (" + err.Error() + "): reads may come from memory"
	}

	rm := &measure{eventSize: s.EventSize, write: hist.New(), e2e: hist.New()}
	rm.start = time.Now()
	rm.warm, rm.end = rm.start, rm.start.Add(24*time.Hour)
	readers, err := admin.NewReaders(ctx, stream, max(1, s.Readers))
	if err != nil {
		return fmt.Errorf("readers: %w", err)
	}
	readCtx, stopReading := context.WithTimeout(ctx, 10*time.Minute)
	defer stopReading()
	cpu := r.sampleNow()
	stopRead := r.progress(rm, w.ID+" read")
	var wg sync.WaitGroup
	readErr := make(chan error, len(readers))
	for _, rd := range readers {
		wg.Go(func() {
			err := rd.Run(readCtx, func(payload []byte) {
				if rm.received.Add(1) >= total {
					stopReading()
				}
			})
			if err != nil && readCtx.Err() == nil {
				readErr <- err
			}
		})
	}
	wg.Wait()
	stopRead()
	read := time.Since(rm.start)
	sys := cpu()
	res.Sent, res.Acked, res.Received = m.sent.Load(), acked, rm.received.Load()
	res.WindowSeconds = read.Seconds()
	res.EventsPerSec = float64(res.Received) / read.Seconds()
	res.MBPerSec = res.EventsPerSec * float64(s.EventSize) / 1e6
	res.ReadMBPerSec = res.MBPerSec
	res.Write = m.write.Summary()
	res.ServerCPUSeconds, res.ServerPeakRSS = sys.serverCPU, sys.peakRSS
	if gb := float64(res.Received) * float64(s.EventSize) / 1e9; gb > 0 {
		res.ServerCPUPerGB, res.ClientCPUPerGB = sys.serverCPU/gb, sys.clientCPU/gb
	}
	res.Detail = (fmt.Sprintf("catch-up: wrote %d MB in %.1f s (%.0f MB/s), waited %.1f s for the server to settle, %s; read %d of %d events in %.1f s (%.0f MB/s)",
		s.Bytes/1e6, wrote.Seconds(), float64(s.Bytes)/1e6/wrote.Seconds(), settled.Seconds(), cache,
		res.Received, total, read.Seconds(), res.ReadMBPerSec))
	select {
	case err := <-readErr:
		return fmt.Errorf("read: %w", err)
	default:
	}
	if res.Received < total {
		return fmt.Errorf("read %d of %d events in 10 minutes", res.Received, total)
	}
	return nil
}

// stepStream connects an admin client (the caller closes it) and creates the
// step's one stream.
func (r *Runner) stepStream(ctx context.Context, w workload.Workload, idx int) (driver.Client, string, error) {
	admin, err := r.Server.Connect(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("connect: %w", err)
	}
	stream := r.streamName(w, idx, 0)
	if err := admin.CreateStream(ctx, stream, w.Steps[idx].Segments); err != nil {
		_ = admin.Close()
		return nil, "", fmt.Errorf("create stream: %w", err)
	}
	return admin, stream, nil
}
