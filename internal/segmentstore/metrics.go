package segmentstore

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/journal"
)

// A sample is one metric read from a Stats value when /metrics is scraped.
type sample[S any] struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(S) float64
}

func counter[S any](name, help string, value func(S) float64, labels ...string) sample[S] {
	return sample[S]{prometheus.NewDesc(name, help, labels, nil), prometheus.CounterValue, value}
}

func gauge[S any](name, help string, value func(S) float64, labels ...string) sample[S] {
	return sample[S]{prometheus.NewDesc(name, help, labels, nil), prometheus.GaugeValue, value}
}

var journalSamples = []sample[journal.Stats]{
	counter("sluice_journal_written_bytes_total", "Bytes written to journal files.",
		func(s journal.Stats) float64 { return float64(s.BytesWritten) }),
	counter("sluice_journal_records_total", "Records written to the journal.",
		func(s journal.Stats) float64 { return float64(s.Records) }),
	counter("sluice_journal_commits_total", "Group commits (one write and fsync each).",
		func(s journal.Stats) float64 { return float64(s.Batches) }),
	counter("sluice_journal_fsyncs_total", "File fsyncs of the journal.",
		func(s journal.Stats) float64 { return float64(s.Fsyncs) }),
	gauge("sluice_journal_files", "Journal files on disk; truncation after tiering keeps this bounded.",
		func(s journal.Stats) float64 { return float64(s.Files) }),
	gauge("sluice_journal_buffered_bytes", "Bytes appended to the journal but not yet durable.",
		func(s journal.Stats) float64 { return float64(s.BufferedBytes) }),
}

var journalCommitSeconds = prometheus.NewDesc("sluice_journal_commit_seconds",
	"Time of each group commit: write and fsync.", nil, nil)

const ctrLabel = "container"

var containerSamples = []sample[container.Stats]{
	gauge("sluice_container_segments", "Segments in the container.",
		func(s container.Stats) float64 { return float64(s.Segments) }, ctrLabel),
	counter("sluice_container_appends_total", "Durable appends (one per append block).",
		func(s container.Stats) float64 { return float64(s.Appends) }, ctrLabel),
	counter("sluice_container_appended_bytes_total", "Bytes of durable appends.",
		func(s container.Stats) float64 { return float64(s.AppendedBytes) }, ctrLabel),
	gauge("sluice_cache_bytes", "Bytes held by the read cache.",
		func(s container.Stats) float64 { return float64(s.CachedBytes) }, ctrLabel),
	gauge("sluice_cache_budget_bytes", "The read cache's budget.",
		func(s container.Stats) float64 { return float64(s.CacheBudget) }, ctrLabel),
	gauge("sluice_lts_unflushed_bytes", "Durable bytes not yet in long-term storage.",
		func(s container.Stats) float64 { return float64(s.UnflushedBytes) }, ctrLabel),
	gauge("sluice_lts_unflushed_limit_bytes", "Unflushed bytes beyond which appends wait (back-pressure).",
		func(s container.Stats) float64 { return float64(s.MaxUnflushed) }, ctrLabel),
	gauge("sluice_lts_backpressure_waiting_appends", "Appends waiting for long-term storage to catch up now; above 0 means back-pressure.",
		func(s container.Stats) float64 { return float64(s.WaitingAppends) }, ctrLabel),
	counter("sluice_lts_backpressure_episodes_total", "Times appends started waiting for long-term storage.",
		func(s container.Stats) float64 { return float64(s.BackpressureEpisodes) }, ctrLabel),
	counter("sluice_lts_backpressure_seconds_total", "Time during which appends waited for long-term storage.",
		func(s container.Stats) float64 { return s.BackpressureSeconds }, ctrLabel),
	counter("sluice_lts_chunks_written_total", "Chunks written to long-term storage.",
		func(s container.Stats) float64 { return float64(s.LTSChunksWritten) }, ctrLabel),
	counter("sluice_lts_written_bytes_total", "Bytes written to long-term storage.",
		func(s container.Stats) float64 { return float64(s.LTSBytesWritten) }, ctrLabel),
	counter("sluice_lts_write_errors_total", "Failed chunk writes to long-term storage.",
		func(s container.Stats) float64 { return float64(s.LTSWriteErrors) }, ctrLabel),
	counter("sluice_lts_reads_total", "Reads served from long-term storage.",
		func(s container.Stats) float64 { return float64(s.LTSReads) }, ctrLabel),
	counter("sluice_lts_read_bytes_total", "Bytes read from long-term storage (read-ahead included).",
		func(s container.Stats) float64 { return float64(s.LTSReadBytes) }, ctrLabel),
}

var connectionsDesc = prometheus.NewDesc("sluice_segmentstore_connections",
	"Open wire protocol connections.", nil, nil)

// collector turns the store's Stats into samples at scrape time.
type collector struct{ s *Store }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range journalSamples {
		ch <- m.desc
	}
	ch <- journalCommitSeconds
	for _, m := range containerSamples {
		ch <- m.desc
	}
	ch <- connectionsDesc
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	js := c.s.journal.Stats()
	for _, m := range journalSamples {
		ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(js))
	}
	ch <- metrics.ConstHistogram(journalCommitSeconds, js.CommitLatency)
	for _, ctr := range c.s.containers {
		if ctr == nil {
			continue
		}
		cs := ctr.Stats()
		id := strconv.Itoa(cs.ID)
		for _, m := range containerSamples {
			ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(cs), id)
		}
	}
	ch <- prometheus.MustNewConstMetric(connectionsDesc, prometheus.GaugeValue, float64(c.s.server.Connections()))
}
