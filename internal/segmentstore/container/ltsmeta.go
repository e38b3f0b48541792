package container

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// ltsMeta is the segment metadata object of the long-term storage layout
// (package lts, doc.go): LTS's own description of a segment, so that its
// bytes can be read without Sluice. The container's journal and checkpoints
// stay the authority while it runs.
type ltsMeta struct {
	Format      int            `json:"format"`
	Segment     string         `json:"segment"`
	Epoch       uint64         `json:"epoch"`
	Version     int64          `json:"version"`
	StartOffset int64          `json:"startOffset"`
	Length      int64          `json:"length"`
	Sealed      bool           `json:"sealed"`
	Chunks      []ltsMetaChunk `json:"chunks"`
}

type ltsMetaChunk struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length"`
}

// metaWrite is a metadata object to put.
type metaWrite struct {
	seg  *segment
	name string
	data []byte
}

// metaWritesPerPass bounds the metadata objects a storage writer pass
// rewrites for new chunks alone, so that a restart, which marks every
// segment's object for rewriting, spreads the work over several passes.
const metaWritesPerPass = 256

// dirtyMetaLocked builds the metadata objects due for rewriting at now
// (Unix ms): urgent ones, ones whose last write is MetaInterval old, or all
// dirty ones. Only the contiguous run of chunks from the start offset is
// listed: bytes after a gap are not yet in LTS.
func (c *Container) dirtyMetaLocked(now int64, all bool) []metaWrite {
	var out []metaWrite
	routine := 0
	for _, s := range c.mu.byID {
		if s.meta == metaUpToDate || s.deleted {
			continue
		}
		if !all && s.meta == metaLater {
			if now-s.metaWritten < c.tiering.MetaInterval.Milliseconds() || routine >= metaWritesPerPass {
				continue
			}
			routine++
		}
		s.meta, s.metaWritten = metaUpToDate, now
		s.metaVersion++
		v := &s.durable
		m := ltsMeta{Format: 1, Segment: s.name, Epoch: s.id, Version: s.metaVersion, StartOffset: v.start,
			Length: v.start, Chunks: []ltsMetaChunk{}}
		for i := v.extents.find(v.start); i < len(v.extents) && v.extents[i].offset <= m.Length; i++ {
			e := v.extents[i]
			m.Chunks = append(m.Chunks, ltsMetaChunk{Name: e.chunk, Offset: e.offset, Length: e.length})
			m.Length = e.end()
		}
		m.Sealed = v.sealed && m.Length == v.length
		data, err := json.Marshal(m)
		if err != nil {
			continue
		}
		out = append(out, metaWrite{seg: s, name: lts.MetaName(s.name, s.id), data: data})
	}
	return out
}

// writeMeta puts metadata objects, after the chunks they list.
func (c *Container) writeMeta(ctx context.Context, writes []metaWrite) error {
	for i, w := range writes {
		if err := c.storage.Put(ctx, w.name, w.data); err != nil {
			c.mu.Lock()
			for _, left := range writes[i:] {
				left.seg.needMeta(metaNow)
			}
			c.mu.Unlock()
			return fmt.Errorf("write segment metadata %s: %w", w.name, err)
		}
	}
	return nil
}

// markMetaAfterRecoveryLocked marks the metadata object of every segment
// with chunks for rewriting, one MetaInterval from now: a rewrite deferred
// before a crash is not in the journal, and rewriting an object that was up
// to date costs one small write.
func (c *Container) markMetaAfterRecoveryLocked() {
	now := c.nowMillis()
	for _, s := range c.mu.byID {
		if len(s.durable.extents) > 0 && s.meta == metaUpToDate {
			s.meta, s.metaWritten = metaLater, now
		}
	}
}
