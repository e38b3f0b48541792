package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluicestream/sluice/bench/driver"
	"github.com/sluicestream/sluice/bench/workload"
)

// config is what the flags say.
type config struct {
	workloads  []workload.Workload
	systems    []string
	out        string
	work       string
	sluiceBin  string
	natsBin    string
	pravega    string
	kafka      string
	limits     bool
	command    string
	notes      []string
	containers int
	render     string
}

// allSystems are the names -systems accepts, in run order.
var allSystems = []string{"sluice", "sluice-nofsync", "nats", "nats-sync-always", "pravega", "pravega-durable", "kafka", "kafka-flush"}

func parseFlags(fs *flag.FlagSet, args []string) (config, error) {
	var (
		c                 config
		w, systems, rates string
		duration, warmup  time.Duration
		notes             string
		catchUpMB         int64
	)
	stamp := time.Now().UTC().Format("2006-01-02T150405Z")
	fs.StringVar(&w, "w", "all", "workloads: all or a comma-separated list (W1,W2,...)")
	fs.StringVar(&systems, "systems", "sluice,nats,nats-sync-always,pravega",
		"systems to run, comma-separated, from "+strings.Join(allSystems, ","))
	fs.StringVar(&c.out, "out", filepath.Join("bench", "runs", stamp), "folder for results.json, results.md and plots")
	fs.StringVar(&c.work, "work", "", "folder for server data (default <out>/work, deleted after each workload)")
	fs.StringVar(&c.sluiceBin, "sluice-bin", "bin/sluice", "the sluice binary (make build)")
	fs.StringVar(&c.natsBin, "nats-bin", "", "nats-server binary (default: go install into ~/.cache/sluice-bench)")
	fs.StringVar(&c.pravega, "pravega-scripts", "test/interop/reference", "folder with Pravega's run.sh, stop.sh and durable.sh")
	fs.StringVar(&c.kafka, "kafka-scripts", "bench/peers/kafka", "folder with Kafka's run.sh and stop.sh")
	fs.BoolVar(&c.limits, "limits", true, "measure fsync, disk and loopback limits first")
	fs.DurationVar(&duration, "duration", 0, "measurement window of every step (default: the workload's, 20s)")
	fs.DurationVar(&warmup, "warmup", 0, "warm-up before every step's window (default: the workload's, 3s)")
	fs.StringVar(&rates, "rates", "", "replace the rate sweeps, e.g. 1000,10k,max (events/s over all writers)")
	fs.Int64Var(&catchUpMB, "catchup-mb", 0, "MiB written and read back by the catch-up workload (W6; default 1024)")
	fs.StringVar(&notes, "note", "", "a note for the report (e.g. that the machine was shared)")
	fs.StringVar(&c.render, "render", "", "only re-render results.md and plots from DIR/results.json")
	fs.IntVar(&c.containers, "sluice-containers", 0, "segment containers of sluice standalone (0: its default)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	ws, err := workload.Select(w)
	if err != nil {
		return c, err
	}
	var o workload.Override
	o.Duration, o.Warmup, o.Bytes = duration, warmup, catchUpMB<<20
	if rates != "" {
		if o.Rates, err = workload.ParseRates(rates); err != nil {
			return c, err
		}
	}
	for _, x := range ws {
		c.workloads = append(c.workloads, o.Apply(x))
	}
	for _, s := range strings.Split(systems, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		ok := false
		for _, a := range allSystems {
			ok = ok || a == s
		}
		if !ok {
			return c, fmt.Errorf("unknown system %q (have %s)", s, strings.Join(allSystems, ","))
		}
		c.systems = append(c.systems, s)
	}
	if c.work == "" {
		c.work = filepath.Join(c.out, "work")
	}
	if notes != "" {
		c.notes = append(c.notes, notes)
	}
	c.command = "sluicebench " + strings.Join(args, " ")
	return c, nil
}

// system builds the driver of a system name.
func (c config) system(name string) (driver.System, error) {
	switch name {
	case "sluice", "sluice-nofsync":
		if _, err := os.Stat(c.sluiceBin); err != nil {
			return nil, fmt.Errorf("sluice binary: %w (run make build)", err)
		}
		bin, _ := filepath.Abs(c.sluiceBin)
		return driver.Sluice{Bin: bin, NoFsync: name == "sluice-nofsync", Containers: c.containers}, nil
	case "nats", "nats-sync-always":
		bin := c.natsBin
		if bin == "" {
			var err error
			if bin, err = installNATS(); err != nil {
				return nil, err
			}
		}
		return driver.NATS{Bin: bin, SyncAlways: name == "nats-sync-always"}, nil
	case "pravega":
		dir, _ := filepath.Abs(c.pravega)
		return driver.Pravega{Scripts: dir, PortOffset: 20000}, nil
	case "pravega-durable":
		// Offset 19000: every port (ZooKeeper 21181, bookie 22181, controller
		// 28090/28091, segment store 31345/25061) stays below the ephemeral
		// range (32768+) and clear of the standalone's (offset 20000) and
		// Kafka's (19092/19093), so both Pravegas can exist side by side.
		dir, _ := filepath.Abs(c.pravega)
		return driver.PravegaDurable{Scripts: dir, PortOffset: 19000}, nil
	case "kafka", "kafka-flush":
		dir, _ := filepath.Abs(c.kafka)
		return driver.Kafka{Scripts: dir, FlushEveryMessage: name == "kafka-flush"}, nil
	}
	return nil, fmt.Errorf("unknown system %q", name)
}
