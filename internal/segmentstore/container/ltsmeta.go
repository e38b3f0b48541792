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

// dirtyMetaLocked builds the metadata objects of segments whose long-term
// storage state changed. Only the contiguous run of chunks from the start
// offset is listed: bytes after a gap are not yet in LTS.
func (c *Container) dirtyMetaLocked() []metaWrite {
	var out []metaWrite
	for _, s := range c.mu.byID {
		if !s.metaDirty || s.deleted {
			continue
		}
		s.metaDirty = false
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
				left.seg.metaDirty = true
			}
			c.mu.Unlock()
			return fmt.Errorf("write segment metadata %s: %w", w.name, err)
		}
	}
	return nil
}
