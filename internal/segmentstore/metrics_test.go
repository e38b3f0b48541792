package segmentstore_test

import (
	"context"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestMetrics: the store's collector reports appends, journal commits and
// connections, and Close unregisters it so a new store can register again.
func TestMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	dir := t.TempDir()
	start := func() *segmentstore.Store {
		st, err := segmentstore.Start(context.Background(), segmentstore.Config{
			DataDir: dir, Address: "127.0.0.1:0", Metrics: reg, NoOrphanSweep: true})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := start()
	c := sstest.Dial(t, st.Addr().String())
	const seg = "m/s/0.#epoch.0"
	c.Create(seg)
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: wire.UUID{1}, Segment: seg})
	sstest.Expect[*wire.AppendSetup](c)
	for i := range 3 {
		data := sstest.Events("event")
		c.Send(&wire.AppendBlockEnd{WriterID: wire.UUID{1}, SizeOfWholeEvents: int32(len(data)), Data: data,
			NumEvents: 1, LastEventNumber: int64(i + 1), RequestID: int64(i + 2)})
		sstest.Expect[*wire.DataAppended](c)
	}
	families := gather(t, reg)
	if got := sum(families["sluice_container_appends_total"]); got != 3 {
		t.Errorf("sluice_container_appends_total = %v, want 3", got)
	}
	if got := sum(families["sluice_segmentstore_connections"]); got != 1 {
		t.Errorf("sluice_segmentstore_connections = %v, want 1", got)
	}
	h := families["sluice_journal_commit_seconds"]
	if h == nil || h.Metric[0].Histogram.GetSampleCount() < 3 {
		t.Errorf("sluice_journal_commit_seconds = %v, want at least 3 commits", h)
	}
	for _, name := range []string{"sluice_lts_unflushed_bytes", "sluice_lts_backpressure_waiting_appends",
		"sluice_lts_backpressure_seconds_total", "sluice_cache_bytes", "sluice_journal_files"} {
		if families[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
	c.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if families := gather(t, reg); families["sluice_container_appends_total"] != nil {
		t.Error("metrics still registered after Close")
	}
	start().Close() // registers again
}

func gather(t *testing.T, reg interface {
	Gather() ([]*dto.MetricFamily, error)
}) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]*dto.MetricFamily, len(mfs))
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

func sum(mf *dto.MetricFamily) float64 {
	if mf == nil {
		return -1
	}
	total := 0.0
	for _, m := range mf.Metric {
		total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return total
}
