package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/sluicestream/sluice/bench/driver"
	"github.com/sluicestream/sluice/bench/limits"
	"github.com/sluicestream/sluice/bench/loadgen"
	"github.com/sluicestream/sluice/bench/report"
	"github.com/sluicestream/sluice/bench/sysstat"
	"github.com/sluicestream/sluice/bench/workload"
)

// run measures the limits, then every workload on every system, one server
// at a time, saving results.json after each step so that an interrupted
// run keeps what it measured.
func run(ctx context.Context, c config, log io.Writer) error {
	if c.render != "" {
		return rerender(c.render)
	}
	if err := os.MkdirAll(c.work, 0o755); err != nil {
		return err
	}
	r := &report.Run{Started: time.Now().UTC(), Command: c.command, Host: host(), Systems: map[string]string{}, Notes: c.notes}
	save := func() error {
		r.Finished = time.Now().UTC()
		return writeJSON(filepath.Join(c.out, "results.json"), r)
	}
	if c.limits {
		r.Limits = limits.Measure(ctx, c.work, log)
	}
	runID := strconv.FormatInt(time.Now().Unix()%1_000_000, 36)
	for _, name := range c.systems {
		sys, err := c.system(name)
		if err != nil {
			return err
		}
		r.Systems[sys.Name()] = sys.Durability()
		for _, w := range c.workloads {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			_, _ = fmt.Fprintf(log, "== %s on %s (%s)\n", w.ID, sys.Name(), sys.Durability())
			dir := filepath.Join(c.work, sys.Name()+"-"+w.ID)
			_ = os.RemoveAll(dir)
			t0 := time.Now()
			srv, err := sys.Start(ctx, dir)
			if err != nil {
				_, _ = fmt.Fprintf(log, "   start failed: %v\n", err)
				for _, s := range w.Steps {
					r.Results = append(r.Results, report.Result{Workload: w.ID, Title: w.Title, Step: s.Label,
						System: sys.Name(), Durability: sys.Durability(), Params: s.Params, Error: "start: " + err.Error()})
				}
				continue
			}
			_, _ = fmt.Fprintf(log, "   started pid %d in %s\n", srv.PID(), time.Since(t0).Round(time.Millisecond))
			err = runWorkload(ctx, sys, srv, w, runID, log, func(res report.Result) error {
				r.Results = append(r.Results, res)
				_, _ = fmt.Fprintln(log, "   "+summaryLine(res))
				return save()
			})
			stopCtx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			if serr := srv.Stop(stopCtx); serr != nil {
				_, _ = fmt.Fprintf(log, "   stop: %v\n", serr)
			}
			cancel()
			if err != nil {
				return err
			}
			_ = os.RemoveAll(dir)
		}
	}
	if err := save(); err != nil {
		return err
	}
	if err := report.WriteAll(c.out, r); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(log, "results in %s (results.json, results.md, plots/)\n", c.out)
	return nil
}

// runWorkload runs every step of w on a started server, handing each
// result to done.
func runWorkload(ctx context.Context, sys driver.System, srv driver.Server, w workload.Workload, runID string,
	log io.Writer, done func(report.Result) error) error {
	lr := &loadgen.Runner{System: sys, Server: srv, Progress: log, RunID: runID}
	for i := range w.Steps {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Let the server finish the previous step's backlog first.
		if d := sysstat.Settle(srv.PID(), 0.1, 30*time.Second); d > 2*time.Second {
			_, _ = fmt.Fprintf(log, "   waited %s for the server to settle\n", d.Round(100*time.Millisecond))
		}
		if err := done(lr.Run(ctx, w, i)); err != nil {
			return err
		}
	}
	return nil
}

// rerender writes results.md and the plots again from dir/results.json.
func rerender(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	var r report.Run
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s/results.json: %w", dir, err)
	}
	return report.WriteAll(dir, &r)
}

func summaryLine(r report.Result) string {
	switch {
	case r.Skipped != "":
		return fmt.Sprintf("%s %s: skipped: %s", r.Workload, r.Step, r.Skipped)
	case r.Error != "" && r.Acked == 0:
		return fmt.Sprintf("%s %s: error: %s", r.Workload, r.Step, r.Error)
	}
	s := fmt.Sprintf("%s %s: %.0f ev/s %.1f MB/s write p50 %.2f p99 %.2f p99.9 %.2f max %.2f ms",
		r.Workload, r.Step, r.EventsPerSec, r.MBPerSec, r.Write.P50, r.Write.P99, r.Write.P999, r.Write.Max)
	if r.E2E != nil {
		s += fmt.Sprintf(", e2e p50 %.2f p99 %.2f ms", r.E2E.P50, r.E2E.P99)
	}
	s += fmt.Sprintf(", server %.1f CPU s/GB, rss %d MiB", r.ServerCPUPerGB, r.ServerPeakRSS>>20)
	if r.RecoverySeconds > 0 {
		s += fmt.Sprintf(", recovery %.2f s, %d acked lost, %d duplicates", r.RecoverySeconds, r.LostAcknowledged, r.DuplicatesOnRead)
	}
	if r.Error != "" {
		s += " [error: " + r.Error + "]"
	}
	return s
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func host() map[string]string {
	h := map[string]string{"cpus": strconv.Itoa(runtime.NumCPU()), "go": runtime.Version(), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				h["cpu"] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		h["memory"] = strings.TrimSpace(strings.TrimPrefix(strings.SplitN(string(b), "\n", 2)[0], "MemTotal:"))
	}
	if n, err := os.Hostname(); err == nil {
		h["hostname"] = n
	}
	return h
}
