package report

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/sluicestream/sluice/bench/hist"
)

// Plots draws, per workload step, the write (and end-to-end) latency
// percentile spectra of every system, and per rate sweep the p99 latency
// against the achieved throughput. It returns the files per workload,
// relative to dir's parent ("plots/...").
func Plots(dir string, r *Run) (map[string][]string, error) {
	out := map[string][]string{}
	type key struct{ w, step string }
	var order []key
	steps := map[key][]Result{}
	for _, res := range r.Results {
		if res.Skipped != "" || res.Acked == 0 {
			continue
		}
		k := key{res.Workload, res.Step}
		if _, ok := steps[k]; !ok {
			order = append(order, k)
		}
		steps[k] = append(steps[k], res)
	}
	for _, k := range order {
		rs := steps[k]
		for _, kind := range []string{"write", "e2e"} {
			series := map[string][]hist.Point{}
			for _, res := range rs {
				sp := res.WriteSpectra
				if kind == "e2e" {
					sp = res.E2ESpectra
				}
				if len(sp) > 0 {
					series[res.System] = sp
				}
			}
			if len(series) == 0 {
				continue
			}
			name := fmt.Sprintf("%s-%s-%s.png", k.w, slug(k.step), kind)
			title := fmt.Sprintf("%s %s: %s latency", k.w, k.step, kind)
			if err := spectrum(filepath.Join(dir, name), title, series); err != nil {
				return nil, err
			}
			out[k.w] = append(out[k.w], "plots/"+name)
		}
	}
	// Rate sweeps: one line per system through its steps.
	sweeps := map[string]map[string]plotter.XYs{}
	for _, res := range r.Results {
		if res.Skipped != "" || res.Acked == 0 || res.Write.P99 <= 0 || res.EventsPerSec <= 0 {
			continue
		}
		if sweeps[res.Workload] == nil {
			sweeps[res.Workload] = map[string]plotter.XYs{}
		}
		sweeps[res.Workload][res.System] = append(sweeps[res.Workload][res.System],
			plotter.XY{X: res.EventsPerSec, Y: res.Write.P99})
	}
	ws := make([]string, 0, len(sweeps))
	for w := range sweeps {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	for _, w := range ws {
		n := 0
		for _, pts := range sweeps[w] {
			n = max(n, len(pts))
		}
		if n < 2 {
			continue
		}
		name := w + "-sweep.png"
		if err := sweep(filepath.Join(dir, name), w+": write p99 vs achieved throughput", sweeps[w]); err != nil {
			return nil, err
		}
		out[w] = append(out[w], "plots/"+name)
	}
	return out, nil
}

var nonWord = regexp.MustCompile(`[^a-zA-Z0-9]+`)

func slug(s string) string { return strings.Trim(nonWord.ReplaceAllString(s, "_"), "_") }

// nines maps a percentile to −log10(1−p), capped so that the maximum
// (100) lands just right of 99.999.
func nines(p float64) float64 {
	if p >= 100 {
		return 5.3
	}
	return math.Min(-math.Log10(1-p/100), 5.3)
}

type ninesTicks struct{}

func (ninesTicks) Ticks(min, max float64) []plot.Tick {
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"}
	var t []plot.Tick
	for i, l := range labels {
		if float64(i) >= min && float64(i) <= max {
			t = append(t, plot.Tick{Value: float64(i), Label: l})
		}
	}
	return append(t, plot.Tick{Value: 5.3, Label: "max"})
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func spectrum(path, title string, series map[string][]hist.Point) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "percentile"
	p.Y.Label.Text = "latency (ms, log)"
	p.X.Tick.Marker = ninesTicks{}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	var args []any
	for _, name := range sortedNames(series) {
		var xy plotter.XYs
		for _, pt := range series[name] {
			xy = append(xy, plotter.XY{X: nines(pt.Percentile), Y: math.Max(pt.Millis, 0.001)})
		}
		args = append(args, name, xy)
	}
	if err := plotutil.AddLines(p, args...); err != nil {
		return err
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}

func sweep(path, title string, series map[string]plotter.XYs) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "acknowledged events/s"
	p.Y.Label.Text = "write p99 (ms, log)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	var args []any
	for _, name := range sortedNames(series) {
		xy := series[name]
		sort.Slice(xy, func(i, j int) bool { return xy[i].X < xy[j].X })
		args = append(args, name, xy)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}
