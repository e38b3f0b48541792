package container

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// Storage is what a container needs from long-term storage (lts.ChunkStorage
// satisfies it): whole-chunk writes, ranged reads, deletes.
type Storage interface {
	Put(ctx context.Context, name string, data []byte) error
	ReadAt(ctx context.Context, name string, p []byte, off int64) (int, error)
	Delete(ctx context.Context, name string) error
}

// Storage returns the container's long-term storage, nil if it has none.
// Layers above the container (table index snapshots) keep their own objects
// there.
func (c *Container) Storage() Storage { return c.storage }

// Tiering tunes how a container moves data to long-term storage.
type Tiering struct {
	// FlushInterval is how often the storage writer runs (default 1 s).
	FlushInterval time.Duration
	// ChunkSize caps the bytes of one chunk (default 16 MiB).
	ChunkSize int
	// MinFlushBytes: a segment is flushed once it has this many unflushed
	// bytes, or when it is older than FlushInterval (default 4 MiB).
	MinFlushBytes int64
	// CacheBudget bounds the bytes the container keeps in its read cache;
	// above it, bytes already in long-term storage are evicted (default 64 MiB).
	CacheBudget int64
	// MaxUnflushed bounds the bytes that are durable in the journal but not
	// yet in long-term storage, which the cache cannot evict; appends wait
	// above it (default half the cache budget).
	MaxUnflushed int64
	// CheckpointBytes is the journal volume between metadata checkpoints,
	// which let the journal be truncated (default 64 MiB).
	CheckpointBytes int64
	// ReadAhead is how much a read from long-term storage fetches at once;
	// the bytes beyond what was asked are cached for the next reads
	// (default 4 MiB).
	ReadAhead int
	// MetaInterval is how often, at most, a segment's LTS metadata object is
	// rewritten for new chunks alone (default 10 s). The object lists every
	// chunk, so rewriting it per chunk would cost the square of a
	// segment's chunk count over its life; seals, truncations and merges
	// rewrite it at once, and FlushToStorage does for every segment.
	MetaInterval time.Duration
}

func (t Tiering) withDefaults() Tiering {
	if t.FlushInterval <= 0 {
		t.FlushInterval = time.Second
	}
	if t.ChunkSize <= 0 {
		t.ChunkSize = 16 << 20
	}
	if t.MinFlushBytes <= 0 {
		t.MinFlushBytes = 4 << 20
	}
	if t.CacheBudget <= 0 {
		t.CacheBudget = 64 << 20
	}
	if t.MaxUnflushed <= 0 {
		t.MaxUnflushed = max(t.CacheBudget/2, 1)
	}
	if t.CheckpointBytes <= 0 {
		t.CheckpointBytes = 64 << 20
	}
	if t.ReadAhead <= 0 {
		t.ReadAhead = 4 << 20
	}
	if t.MetaInterval <= 0 {
		t.MetaInterval = 10 * time.Second
	}
	return t
}

// pendingCheckpoint is a checkpoint record waiting until the journal before
// it may be truncated: it must be durable, and every byte it describes must
// be in long-term storage.
type pendingCheckpoint struct {
	seq  uint64
	need map[uint64]int64 // segment id → length at the checkpoint
}

// chunkName names the chunk holding a segment's bytes from offset, in the
// long-term storage layout of package lts. The container-local segment id
// fills the layout's generation slot, so names stay unique if a segment name
// is reused while chunks of its predecessor wait for garbage collection.
func chunkName(segment string, id uint64, offset int64) string {
	return lts.ChunkName(segment, offset, id)
}

// storageLoop is the container's storage writer.
func (c *Container) storageLoop() {
	defer c.stopped.Done()
	t := time.NewTimer(c.tiering.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		case <-c.flushWake:
		}
		if err := c.tier(c.ctx, false); err != nil && c.ctx.Err() == nil {
			c.logger.Warn("storage writer: long-term storage unavailable; data stays in the journal",
				"container", c.id, "err", err)
		}
		t.Reset(c.tiering.FlushInterval)
	}
}

// Flush moves every durable byte to long-term storage, writes a checkpoint
// and truncates the journal as far as possible (FlushToStorage, tests).
func (c *Container) Flush(ctx context.Context) error {
	if c.storage == nil {
		return nil
	}
	if err := c.tier(ctx, true); err != nil {
		return err
	}
	// The extents and the checkpoint written above take effect once durable.
	if err := c.waitDurable(ctx); err != nil {
		return err
	}
	return c.tier(ctx, true)
}

// waitDurable returns once everything journaled so far is durable and
// applied.
func (c *Container) waitDurable(ctx context.Context) error {
	ch := make(chan error, 1)
	var after completion
	c.mu.Lock()
	err := c.checkLocked()
	if err == nil {
		c.barrierLocked(&after, func(cp *completion) { cp.then(func() { ch <- nil }) }, func(err error) { ch <- err })
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	after.run()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tier runs one pass of the storage writer: flush, collect garbage,
// checkpoint, truncate the journal, evict.
func (c *Container) tier(ctx context.Context, all bool) error {
	c.tierMu.Lock() // one pass at a time: the loop and FlushToStorage may race
	defer c.tierMu.Unlock()
	if err := c.flush(ctx, all); err != nil {
		return err
	}
	c.mu.Lock()
	metas := c.dirtyMetaLocked(c.nowMillis(), all)
	c.mu.Unlock()
	if err := c.writeMeta(ctx, metas); err != nil {
		return err
	}
	c.collectGarbage(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.checkLocked() != nil {
		return nil
	}
	c.truncateJournalLocked()
	if c.mu.checkpoint == nil && (c.mu.journaled >= c.tiering.CheckpointBytes || (all && c.mu.journaled > 0)) {
		c.checkpointLocked()
	}
	c.evictLocked()
	c.recountUnflushedLocked()
	return nil
}

// flushItem is one chunk to write.
type flushItem struct {
	seg    *segment
	offset int64
	parts  [][]byte // immutable cache blocks; safe to read without the lock
	size   int
}

// flush writes the uncovered durable bytes of segments to long-term storage,
// one chunk per item, and journals an extent record for each chunk.
func (c *Container) flush(ctx context.Context, all bool) error {
	now := c.nowMillis()
	c.mu.Lock()
	// A checkpoint, or appends waiting for room, need everything flushed.
	all = all || c.mu.checkpoint != nil || c.mu.waiting > 0
	var items []flushItem
	for _, s := range c.mu.segments {
		if !s.created {
			continue
		}
		// Holes are taken from the accepted extents (what this writer has
		// recorded, durable or not) within the durable bytes (what the
		// cache holds), so no range is ever written twice.
		v, have := &s.accepted, &s.durable
		uncovered := int64(0)
		v.extents.holes(have.start, have.length, func(from, to int64) { uncovered += to - from })
		if uncovered == 0 {
			continue
		}
		old := now-s.modified >= c.tiering.FlushInterval.Milliseconds()
		if !all && !have.sealed && !old && uncovered < c.tiering.MinFlushBytes {
			continue
		}
		v.extents.holes(have.start, have.length, func(from, to int64) {
			for from < to {
				size := int(min(to-from, int64(c.tiering.ChunkSize)))
				parts, n := s.index.Read(from, size, nil)
				if n != size {
					c.logger.Error("storage writer: unflushed bytes missing from the cache",
						"container", c.id, "segment", s.name, "offset", from, "want", size, "have", n)
					return
				}
				items = append(items, flushItem{seg: s, offset: from, parts: parts, size: n})
				from += int64(n)
			}
		})
	}
	c.mu.Unlock()

	if len(items) == 0 {
		return nil
	}
	buf := chunkBuffers.get(c.tiering.ChunkSize)
	defer func() { chunkBuffers.put(buf) }()
	for _, it := range items {
		buf = buf[:0]
		for _, p := range it.parts {
			buf = append(buf, p...)
		}
		name := chunkName(it.seg.name, it.seg.id, it.offset)
		if err := c.storage.Put(ctx, name, buf); err != nil {
			c.stats.ltsErrors.Add(1)
			return fmt.Errorf("write chunk %s: %w", name, err)
		}
		c.stats.ltsChunks.Add(1)
		c.stats.ltsBytes.Add(uint64(len(buf)))
		c.recordChunk(it.seg, it.offset, int64(it.size), name)
	}
	return nil
}

// recordChunk journals that [offset, offset+size) of s is in chunk name, or
// discards the chunk if s changed meanwhile (deleted, merged, truncated).
func (c *Container) recordChunk(s *segment, offset, size int64, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.mu.segments[s.name]
	if cur != s || c.checkLocked() != nil || offset < s.accepted.start || s.accepted.extents.covers(offset, offset+size) {
		c.mu.garbage = append(c.mu.garbage, name)
		return
	}
	o := &op{kind: opStorage, time: s.modified, seg: s.id, offset: offset, length: size, chunk: name}
	c.applyAccepted(o)
	_ = c.journalLocked(o, func(cp *completion) { c.applyDurable(o, cp) }, func(error) {})
}

// collectGarbage deletes chunks that no segment references any more. A
// crash loses the list; such chunks stay behind (see doc.go).
func (c *Container) collectGarbage(ctx context.Context) {
	c.mu.Lock()
	garbage := c.mu.garbage
	c.mu.garbage = nil
	c.mu.Unlock()
	for i, name := range garbage {
		if err := c.storage.Delete(ctx, name); err != nil {
			c.mu.Lock()
			c.mu.garbage = append(c.mu.garbage, garbage[i:]...)
			c.mu.Unlock()
			return
		}
	}
}

// checkpointLocked journals a snapshot of every segment's metadata.
func (c *Container) checkpointLocked() {
	need := make(map[uint64]int64, len(c.mu.segments))
	for _, s := range c.mu.segments {
		need[s.id] = s.accepted.length
	}
	o := &op{kind: opCheckpoint, time: c.nowMillis(), data: c.encodeSnapshotLocked(nil)}
	if err := c.journalLocked(o, func(*completion) {}, func(error) {}); err != nil {
		return
	}
	c.mu.checkpoint = &pendingCheckpoint{seq: c.mu.lastSeq, need: need}
	c.mu.journaled = 0
}

// truncateJournalLocked drops the journal before the pending checkpoint once
// it is durable and long-term storage holds every byte it describes.
func (c *Container) truncateJournalLocked() {
	cp := c.mu.checkpoint
	if cp == nil || cp.seq > c.durableSeq.Load() {
		return
	}
	for id, length := range cp.need {
		s := c.mu.byID[id]
		if s == nil || s.deleted {
			continue
		}
		if !s.durable.extents.covers(s.durable.start, min(length, s.durable.length)) {
			return
		}
	}
	if err := c.log.Truncate(cp.seq - 1); err != nil {
		c.logger.Warn("journal truncation failed", "container", c.id, "err", err)
		return
	}
	c.mu.checkpoint = nil
}

// evictLocked drops cached bytes that are in long-term storage while the
// cache is over budget.
func (c *Container) evictLocked() {
	held := int64(0)
	for _, s := range c.mu.byID {
		held += s.index.Held()
	}
	for _, s := range c.mu.byID {
		if held <= c.tiering.CacheBudget {
			return
		}
		v := &s.durable
		held -= s.index.Evict(func(from, to int64) bool { return v.extents.covers(from, to) })
	}
}

// recountUnflushedLocked recomputes the bytes not yet in long-term storage
// and wakes appends waiting for room.
func (c *Container) recountUnflushedLocked() {
	total := int64(0)
	for _, s := range c.mu.byID {
		v := &s.durable
		v.extents.holes(v.start, v.length, func(from, to int64) { total += to - from })
	}
	c.mu.unflushed = total
	c.mu.space.Broadcast()
}

// waitForRoomLocked blocks an append while too many bytes wait for
// long-term storage, so that an unavailable LTS turns into back-pressure
// instead of unbounded memory.
func (c *Container) waitForRoomLocked() {
	if c.storage == nil || c.mu.unflushed < c.tiering.MaxUnflushed {
		return
	}
	select {
	case c.flushWake <- struct{}{}:
	default:
	}
	// One log line when appends start waiting and one when they stop, not
	// one per append.
	if c.mu.waiting == 0 {
		c.mu.backpressureSince = time.Now()
		c.stats.backpressureEpisodes.Add(1)
		c.logger.Warn("appends waiting: long-term storage is behind", "container", c.id,
			"unflushed", c.mu.unflushed, "limit", c.tiering.MaxUnflushed)
	}
	c.mu.waiting++
	for c.mu.unflushed >= c.tiering.MaxUnflushed && c.checkLocked() == nil {
		c.mu.space.Wait()
	}
	c.mu.waiting--
	if c.mu.waiting == 0 {
		waited := time.Since(c.mu.backpressureSince)
		c.stats.backpressureNanos.Add(int64(waited))
		if c.checkLocked() == nil {
			c.logger.Info("appends resumed: long-term storage caught up", "container", c.id,
				"waited", waited.Round(time.Millisecond), "unflushed", c.mu.unflushed)
		}
	}
}
