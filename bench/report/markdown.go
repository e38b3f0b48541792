package report

import (
	"fmt"
	"sort"
	"strings"
)

// Durable reports whether a durability description means fsync before ack.
func Durable(d string) bool { return strings.HasPrefix(d, "fsync before ack") }

// limitFor is the physical limit a throughput is compared with: durable
// sequential write for systems that fsync before acknowledging, loopback
// bandwidth for the others (their data only has to cross the network).
func limitFor(l Limits, durability string) (mb float64, name string) {
	if Durable(durability) {
		return l.DurableSeqWriteMB, "disk"
	}
	return l.LoopbackMB, "loopback"
}

// Markdown renders the run as a report: limits, systems, and one
// comparison table per workload. plots maps a workload id to its PNG files
// (relative paths).
func Markdown(r *Run, plots map[string][]string) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Sluice benchmark results, %s\n\n", r.Started.Format("2006-01-02 15:04 MST"))
	p("Command: `%s`  \n", r.Command)
	p("Host: %s, %s CPUs, %s, %s, %s.  \n", r.Host["cpu"], r.Host["cpus"], r.Host["memory"], r.Host["os"], r.Host["go"])
	p("Duration: %s.\n\n", r.Finished.Sub(r.Started).Round(1e9))
	for _, n := range r.Notes {
		p("> %s\n\n", n)
	}
	l := r.Limits
	p("## Physical limits (measured in this run)\n\n")
	p("| limit | value |\n|---|---|\n")
	p("| filesystem of the data directories | %s |\n", l.Filesystem)
	p("| fsync latency (4 KiB write + fdatasync, fio) | p50 %.3f ms, p99 %.3f ms, %.0f /s |\n", l.FsyncP50Ms, l.FsyncP99Ms, l.FsyncIOPS)
	p("| durable sequential write (1 MiB writes + fdatasync, fio) | %.0f MB/s |\n", l.DurableSeqWriteMB)
	p("| sequential read (1 MiB, O_DIRECT, fio) | %.0f MB/s |\n", l.SeqReadMB)
	p("| loopback TCP, one stream | %.0f MB/s |\n\n", l.LoopbackMB)
	for _, n := range l.Notes {
		p("- %s\n", n)
	}
	p("## Systems\n\n| system | durability (when a write is acknowledged) |\n|---|---|\n")
	names := make([]string, 0, len(r.Systems))
	for n := range r.Systems {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p("| %s | %s |\n", n, r.Systems[n])
	}
	p("\nHow to read the tables: ev/s and MB/s (payload, 10^6 bytes) are what was acknowledged inside the " +
		"measurement window. %% limit compares MB/s with the durable sequential write of the disk for systems that " +
		"fsync before ack, and with loopback bandwidth for the others. Latencies (ms) run from the intended send time " +
		"of the open-loop schedule (\"max\" steps: from the actual send) to the acknowledgement (write) or to the " +
		"reader (e2e). p50/fsync is the write p50 over the disk's fsync p50. ×sluice compares with the `sluice` row of " +
		"the same step (throughput: higher is better; p99: lower is better). CPU is seconds of CPU time (user+system) " +
		"per GB of payload acknowledged in the window; RSS is the server's peak.\n\n")

	var order []string
	byWorkload := map[string][]Result{}
	for _, res := range r.Results {
		if _, ok := byWorkload[res.Workload]; !ok {
			order = append(order, res.Workload)
		}
		byWorkload[res.Workload] = append(byWorkload[res.Workload], res)
	}
	for _, id := range order {
		rs := byWorkload[id]
		p("## %s: %s\n\n", id, rs[0].Title)
		ps := rs[0].Params
		p("Parameters: %d writer(s), %d segment(s), %d routing key(s), %d B events, %s window after %s warm-up",
			ps.Writers, ps.Segments, ps.Keys, ps.EventSize, ps.Duration, ps.Warmup)
		if ps.Readers > 0 {
			p(", %d reader(s)", ps.Readers)
		}
		p(".\n\n")
		table(&b, rs, l)
		for _, f := range plots[id] {
			p("![%s](%s)\n", f, f)
		}
		p("\n")
	}
	return b.String()
}

func table(b *strings.Builder, rs []Result, l Limits) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("| step | system | durability | ev/s | MB/s | %% limit | write p50 | p95 | p99 | p99.9 | max | p50/fsync | e2e p50 | e2e p99 | ×sluice ev/s | ×sluice p99 | server CPU s/GB | client CPU s/GB | server RSS MiB |\n")
	p("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	ref := map[string]Result{}
	for _, r := range rs {
		if r.System == "sluice" && r.Skipped == "" && r.Acked > 0 {
			ref[r.Step] = r
		}
	}
	var notes []string
	for _, r := range rs {
		if r.Skipped != "" || (r.Error != "" && r.Acked == 0) {
			why := r.Skipped
			if why == "" {
				why = "error: " + r.Error
			}
			p("| %s | %s | %s | — | | | | | | | | | | | | | | | |\n", r.Step, r.System, r.Durability)
			notes = append(notes, fmt.Sprintf("%s on %s: %s", r.Step, r.System, why))
			continue
		}
		if r.Error != "" {
			notes = append(notes, fmt.Sprintf("%s on %s: %s", r.Step, r.System, r.Error))
		}
		if r.RecoverySeconds > 0 {
			notes = append(notes, fmt.Sprintf("%s on %s: first acknowledgement %.2f s after SIGKILL; %d acknowledged events lost, %d duplicates on read (%d acknowledged, %d read)",
				r.Step, r.System, r.RecoverySeconds, r.LostAcknowledged, r.DuplicatesOnRead, r.Acked, r.Received))
		}
		if r.Detail != "" {
			notes = append(notes, fmt.Sprintf("%s on %s: %s", r.Step, r.System, r.Detail))
		}
		lim, name := limitFor(l, r.Durability)
		if r.ReadMBPerSec > 0 {
			lim, name = l.SeqReadMB, "disk read"
		}
		limit := "—"
		if lim > 0 {
			limit = fmt.Sprintf("%.1f%% %s", 100*r.MBPerSec/lim, name)
		}
		fs := "—"
		if l.FsyncP50Ms > 0 {
			fs = fmt.Sprintf("%.1f×", r.Write.P50/l.FsyncP50Ms)
		}
		e50, e99 := "", ""
		if r.E2E != nil {
			e50, e99 = ms(r.E2E.P50), ms(r.E2E.P99)
		}
		xs, xp := "", ""
		if s, ok := ref[r.Step]; ok && r.System != "sluice" {
			if s.EventsPerSec > 0 {
				xs = fmt.Sprintf("%.2f", r.EventsPerSec/s.EventsPerSec)
			}
			if s.Write.P99 > 0 {
				xp = fmt.Sprintf("%.2f", r.Write.P99/s.Write.P99)
			}
		}
		p("| %s | %s | %s | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f | %d |\n",
			r.Step, r.System, r.Durability, r.EventsPerSec, r.MBPerSec, limit,
			ms(r.Write.P50), ms(r.Write.P95), ms(r.Write.P99), ms(r.Write.P999), ms(r.Write.Max), fs,
			e50, e99, xs, xp, r.ServerCPUPerGB, r.ClientCPUPerGB, r.ServerPeakRSS>>20)
	}
	p("\n")
	for _, n := range notes {
		p("- %s\n", n)
	}
	if len(notes) > 0 {
		p("\n")
	}
}

// ms formats milliseconds with three significant digits.
func ms(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v < 1:
		return fmt.Sprintf("%.3f", v)
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}
