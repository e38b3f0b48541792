package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sluicestream/sluice/bench/driver"
	"github.com/sluicestream/sluice/bench/hist"
	"github.com/sluicestream/sluice/bench/report"
	"github.com/sluicestream/sluice/bench/workload"
)

// runRecovery writes at the step's rate, SIGKILLs the server KillAfter
// into the run and restarts it at once. Recovery time is from the kill to
// the first acknowledgement after it; then every event is read back and
// each acknowledged sequence number must be there exactly once.
func (r *Runner) runRecovery(ctx context.Context, w workload.Workload, idx int, res *report.Result) error {
	s := w.Steps[idx].Params
	admin, err := r.Server.Connect(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = admin.Close() }()
	stream := r.streamName(w, idx, 0)
	if err := admin.CreateStream(ctx, stream, s.Segments); err != nil {
		return fmt.Errorf("create stream: %w", err)
	}
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
	keys := make([]string, max(1, s.Keys))
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
	}
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

func (r *Runner) runCatchUp(context.Context, workload.Workload, int, *report.Result) error {
	return fmt.Errorf("catch-up workload: %w yet (harness)", driver.ErrUnsupported)
}
