package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicestream/sluice/bench/hist"
	"github.com/sluicestream/sluice/bench/workload"
)

func sampleRun() *Run {
	h := hist.New()
	for i := 1; i <= 100; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	p := workload.Params{Writers: 1, EventSize: 100, Segments: 1, Keys: 1, Duration: time.Second}
	res := func(sys, dur string, evs float64) Result {
		return Result{Workload: "W1", Title: "one", Step: "1000/s", System: sys, Durability: dur, Params: p,
			Acked: 1000, EventsPerSec: evs, MBPerSec: evs * 100 / 1e6, Write: h.Summary(), WriteSpectra: h.Spectrum()}
	}
	return &Run{
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Finished: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC),
		Host:    map[string]string{"cpus": "2"},
		Limits:  Limits{FsyncP50Ms: 2, DurableSeqWriteMB: 100, LoopbackMB: 1000},
		Systems: map[string]string{"sluice": "fsync before ack", "nats": "no fsync before ack"},
		Results: []Result{
			res("sluice", "fsync before ack", 1000),
			res("nats", "no fsync before ack", 500),
			{Workload: "W1", Title: "one", Step: "max", System: "pravega", Durability: "none", Skipped: "not here"},
		},
	}
}

func TestMarkdownRatios(t *testing.T) {
	md := Markdown(sampleRun(), map[string][]string{"W1": {"plots/x.png"}})
	for _, want := range []string{
		"## W1: one",
		"| 1000/s | sluice | fsync before ack | 1000 | 0.10 | 0.1% disk |", // 0.1 MB/s of 100 MB/s
		"| 1000/s | nats | no fsync before ack | 500 | 0.05 | 0.0% loopback |",
		"| 0.50 | 1.00 |", // nats ×sluice: half the events, same p99
		"25.0×",           // p50 50 ms over fsync 2 ms
		"max on pravega: not here",
		"![plots/x.png](plots/x.png)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAll(dir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile(filepath.Join(dir, "plots", "W1-1000_s-write.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatal("plot is not a PNG")
	}
	md, err := os.ReadFile(filepath.Join(dir, "results.md"))
	if err != nil || !strings.Contains(string(md), "plots/W1-1000_s-write.png") {
		t.Fatalf("results.md does not link the plot: %v", err)
	}
}
