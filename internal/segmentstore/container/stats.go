package container

import (
	"sync/atomic"
	"time"
)

// counters are a container's monotonic counters: atomics, so that the
// paths that bump them take no extra lock.
type counters struct {
	appends, appendedBytes         atomic.Uint64
	ltsChunks, ltsBytes, ltsErrors atomic.Uint64
	ltsReads, ltsReadBytes         atomic.Uint64
	backpressureEpisodes           atomic.Uint64
	backpressureNanos              atomic.Int64
}

// Stats is a container's state for metrics: counters since Open and
// current levels.
type Stats struct {
	ID       int
	Segments int
	// Appends and AppendedBytes count durable appends since Open (not the
	// ones replayed by recovery).
	Appends       uint64
	AppendedBytes uint64
	// CachedBytes is what the read cache holds; CacheBudget its limit.
	CachedBytes int64
	CacheBudget int64
	// UnflushedBytes are durable but not yet in long-term storage;
	// appends wait while they exceed MaxUnflushed.
	UnflushedBytes int64
	MaxUnflushed   int64
	// WaitingAppends are appends held back by that limit right now.
	WaitingAppends int
	// BackpressureEpisodes counts the times appends started waiting for
	// long-term storage; BackpressureSeconds the time spent in that state.
	BackpressureEpisodes uint64
	BackpressureSeconds  float64
	// Chunks and bytes written to long-term storage, failed writes, and
	// reads served from it.
	LTSChunksWritten uint64
	LTSBytesWritten  uint64
	LTSWriteErrors   uint64
	LTSReads         uint64
	LTSReadBytes     uint64
}

// Stats returns the container's counters and levels.
func (c *Container) Stats() Stats {
	c.mu.Lock()
	st := Stats{ID: c.id, Segments: len(c.mu.durable), UnflushedBytes: c.mu.unflushed,
		WaitingAppends: c.mu.waiting, CacheBudget: c.tiering.CacheBudget, MaxUnflushed: c.tiering.MaxUnflushed}
	for _, s := range c.mu.byID {
		st.CachedBytes += s.index.Held()
	}
	bpNanos := c.stats.backpressureNanos.Load()
	if c.mu.waiting > 0 {
		bpNanos += int64(time.Since(c.mu.backpressureSince))
	}
	c.mu.Unlock()
	st.Appends = c.stats.appends.Load()
	st.AppendedBytes = c.stats.appendedBytes.Load()
	st.BackpressureEpisodes = c.stats.backpressureEpisodes.Load()
	st.BackpressureSeconds = time.Duration(bpNanos).Seconds()
	st.LTSChunksWritten = c.stats.ltsChunks.Load()
	st.LTSBytesWritten = c.stats.ltsBytes.Load()
	st.LTSWriteErrors = c.stats.ltsErrors.Load()
	st.LTSReads = c.stats.ltsReads.Load()
	st.LTSReadBytes = c.stats.ltsReadBytes.Load()
	return st
}
