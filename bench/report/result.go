// Package report holds the results of a run and renders them: JSON (every
// number and the histograms), a markdown comparison table with ratios to
// Sluice and to the machine's physical limits, and PNG latency plots.
package report

import (
	"time"

	"github.com/sluicestream/sluice/bench/hist"
	"github.com/sluicestream/sluice/bench/workload"
)

// Result is one step of one workload on one system.
type Result struct {
	Workload   string          `json:"workload"`
	Title      string          `json:"title"`
	Step       string          `json:"step"`
	System     string          `json:"system"`
	Durability string          `json:"durability"`
	Params     workload.Params `json:"params"`
	Skipped    string          `json:"skipped,omitempty"`
	Error      string          `json:"error,omitempty"`
	Notes      []string        `json:"notes,omitempty"`

	Sent          int64   `json:"sent"`
	Acked         int64   `json:"acked"`
	Failed        int64   `json:"failed"`
	WindowSeconds float64 `json:"window_s"`
	EventsPerSec  float64 `json:"events_per_s"` // acknowledged within the measurement window
	MBPerSec      float64 `json:"mb_per_s"`     // payload, 10^6 bytes

	Write        hist.Summary  `json:"write_latency"`
	WriteSpectra []hist.Point  `json:"write_spectrum,omitempty"`
	E2E          *hist.Summary `json:"e2e_latency,omitempty"`
	E2ESpectra   []hist.Point  `json:"e2e_spectrum,omitempty"`
	Received     int64         `json:"received,omitempty"`

	ServerCPUSeconds float64   `json:"server_cpu_s"`
	ServerCPUPerGB   float64   `json:"server_cpu_s_per_gb"`
	ClientCPUPerGB   float64   `json:"client_cpu_s_per_gb"`
	ServerPeakRSS    int64     `json:"server_peak_rss_bytes"`
	ReadMBPerSec     float64   `json:"read_mb_per_s,omitempty"`      // catch-up
	RecoverySeconds  float64   `json:"recovery_s,omitempty"`         // kill → first new ack
	LostAcknowledged int64     `json:"lost_acknowledged,omitempty"`  // recovery loss check
	DuplicatesOnRead int64     `json:"duplicates_on_read,omitempty"` // recovery loss check
	Detail           string    `json:"detail,omitempty"`             // what the table cannot say (catch-up phases)
	StartedAt        time.Time `json:"started_at"`
}

// Limits are the machine's physical limits measured in the same run.
type Limits struct {
	Filesystem        string   `json:"filesystem"`
	FsyncP50Ms        float64  `json:"fsync_p50_ms"`
	FsyncP99Ms        float64  `json:"fsync_p99_ms"`
	FsyncIOPS         float64  `json:"fsync_iops"` // 4 KiB write + fdatasync, one at a time
	DurableSeqWriteMB float64  `json:"durable_seq_write_mb_per_s"`
	SeqReadMB         float64  `json:"seq_read_mb_per_s"`
	LoopbackMB        float64  `json:"loopback_mb_per_s"`
	Notes             []string `json:"notes,omitempty"`
}

// Run is everything one invocation measured.
type Run struct {
	Started  time.Time         `json:"started"`
	Finished time.Time         `json:"finished"`
	Host     map[string]string `json:"host"`
	Command  string            `json:"command"`
	Limits   Limits            `json:"limits"`
	Systems  map[string]string `json:"systems"` // name → durability
	Notes    []string          `json:"notes,omitempty"`
	Results  []Result          `json:"results"`
}
