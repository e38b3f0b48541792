package cli

import (
	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/internal/controller/autoscale"
	"github.com/sluicestream/sluice/internal/segmentstore"
)

// autoscaleFlags tune auto-scaling (defaults in autoscale.Config and
// segmentstore.LoadReporting; zero keeps them).
type autoscaleFlags struct {
	off  bool
	cfg  autoscale.Config
	load segmentstore.LoadReporting
}

func (f *autoscaleFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.off, "no-autoscale", false, "do not scale streams with a by-rate policy automatically")
	fl.DurationVar(&f.cfg.HotFor, "autoscale-hot-for", 0, "how long a segment stays above its target before it splits (default 5s)")
	fl.DurationVar(&f.cfg.ColdFor, "autoscale-cold-for", 0, "how long neighbours stay cold before they merge (default 1m)")
	fl.DurationVar(&f.cfg.Cooldown, "autoscale-cooldown", 0, "least time between two scales of a stream (default 10s)")
	fl.DurationVar(&f.cfg.MergeCooldown, "autoscale-merge-cooldown", 0, "least time after a scale before a merge (default 1m)")
	fl.DurationVar(&f.load.FastWindow, "load-fast-window", 0, "time constant of the short rate average (default 10s)")
	fl.DurationVar(&f.load.SlowWindow, "load-slow-window", 0, "time constant of the long rate average (default 1m)")
	fl.DurationVar(&f.load.Interval, "load-report-interval", 0, "how often segment rates are reported (default 1s)")
}
