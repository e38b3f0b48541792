package workflow

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/watermark"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Periodic watermarking: every WatermarkInterval the engine turns the
// writer marks of each stream into the stream's next watermark (package
// watermark decides) and appends it to the stream's "_MARK<stream>" stream
// the way a Java RevisionedStreamClient writes: a conditional append at the
// length it expects, then the mark attribute moved to the new record.

// DefaultWatermarkInterval is Pravega's controller.watermarking.frequency.seconds.
const DefaultWatermarkInterval = 10 * time.Second

// markReadSize is the read size when loading a mark stream.
const markReadSize = 1 << 20

// watermarker is the state of the watermarking passes; mu serialises them.
type watermarker struct {
	mu     sync.Mutex
	writer wire.UUID // the engine's writer id on mark segments
	event  int64     // last event number used by writer
	// streams caches, per "scope/stream", what the pass knows of its mark
	// stream; an entry is dropped on any surprise and loaded again.
	streams map[string]*markStream
}

// markStream is what a pass knows of one mark segment.
type markStream struct {
	segment string
	mark    int64 // the mark attribute's value as last seen or set
	end     int64 // the segment length after the newest known record
	last    *watermark.Watermark
}

func newWatermarker() *watermarker {
	var id [16]byte
	_, _ = rand.Read(id[:])
	return &watermarker{writer: wire.UUID(id), streams: map[string]*markStream{}}
}

// markAttribute is the attribute holding a mark segment's mark.
func markAttribute() wire.UUID {
	m := naming.RevisionStreamClientMark()
	return wire.UUIDFromHalves(int64(m.MSB), int64(m.LSB))
}

// watermarkLoop runs ComputeWatermarks every WatermarkInterval on the
// engine's clock.
func (e *Engine) watermarkLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.clock.After(e.cfg.WatermarkInterval):
		}
		if err := e.ComputeWatermarks(e.ctx); err != nil && e.ctx.Err() == nil {
			e.log.Warn("watermark pass failed", "err", err)
		}
		if e.cfg.OnWatermarkPass != nil {
			e.cfg.OnWatermarkPass()
		}
	}
}

// ComputeWatermarks runs one watermarking pass over every stream that has
// writer marks (outside the _system scope): it drops the marks of inactive
// writers and appends the stream's next watermark, if any, to its mark
// stream. A failure on one stream does not stop the others; the errors are
// joined.
func (e *Engine) ComputeWatermarks(ctx context.Context) error {
	e.wm.mu.Lock()
	defer e.wm.mu.Unlock()
	kvs, err := e.st.List(ctx, store.AllWritersPrefix(), 0)
	if err != nil {
		return err
	}
	byStream := map[string][]metastore.KV{}
	for _, kv := range kvs {
		parts := strings.Split(strings.TrimPrefix(kv.Key, store.AllWritersPrefix()), "/")
		if len(parts) != 3 || parts[0] == naming.SystemScope {
			continue
		}
		k := parts[0] + "/" + parts[1]
		byStream[k] = append(byStream[k], kv)
	}
	for k := range e.wm.streams {
		if _, ok := byStream[k]; !ok {
			delete(e.wm.streams, k)
		}
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(byStream)) {
		scope, stream, _ := strings.Cut(k, "/")
		if err := e.watermarkStream(ctx, scope, stream, byStream[k]); err != nil {
			delete(e.wm.streams, k)
			errs = append(errs, fmt.Errorf("watermark %s: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

// watermarkStream runs the pass for one stream whose writer records are kvs.
func (e *Engine) watermarkStream(ctx context.Context, scope, stream string, kvs []metastore.KV) error {
	rec, err := e.GetStream(ctx, scope, stream)
	if errors.Is(err, ErrStreamNotFound) {
		return nil // its writer records go with it
	}
	if err != nil {
		return err
	}
	markName := naming.MarkStreamName(stream)
	markRec, err := e.GetStream(ctx, scope, markName)
	if errors.Is(err, ErrStreamNotFound) {
		return nil // an internal stream: no watermarks
	}
	if err != nil {
		return err
	}
	cur := markRec.Model.CurrentSegments()
	if len(cur) == 0 {
		return nil
	}
	segment := naming.QualifiedName(scope, markName, cur[0].ID)
	key := scope + "/" + stream
	ms := e.wm.streams[key]
	if ms == nil || ms.segment != segment {
		if ms, err = e.loadMarkStream(ctx, segment); err != nil {
			return err
		}
		e.wm.streams[key] = ms
	}

	marks := make([]watermark.Mark, 0, len(kvs))
	revs := make(map[string]int64, len(kvs))
	for _, kv := range kvs {
		var w store.WriterRecord
		if err := json.Unmarshal(kv.Value, &w); err != nil {
			return fmt.Errorf("writer record %s: %w", kv.Key, err)
		}
		name := store.Unescape(store.LastElement(kv.Key))
		revs[name] = kv.ModRevision
		marks = append(marks, watermark.Mark{Writer: name, Time: w.Timestamp, Position: w.Position,
			Alive: !w.Shutdown, NotedAt: w.NotedAt})
	}
	d := watermark.Next(watermark.Input{Marks: marks, Previous: ms.last, Stream: rec.Model, Now: e.nowMs(),
		Timeout: rec.Config.TimestampAggTimeMs})
	for _, w := range d.Inactive {
		err := e.st.Delete(ctx, store.WriterKey(scope, stream, w), metastore.AtRevision(revs[w]))
		switch {
		case err == nil:
			e.log.Debug("writer inactive; mark removed", "stream", key, "writer", w)
		case errors.Is(err, metastore.ErrConflict), errors.Is(err, metastore.ErrNotFound):
			// it noted a new time meanwhile, or is gone already
		default:
			return err
		}
	}
	if d.Watermark == nil {
		return nil
	}
	return e.appendWatermark(ctx, key, ms, d.Watermark)
}

// appendWatermark appends w at the end of the mark segment that ms
// describes and moves the mark to it.
func (e *Engine) appendWatermark(ctx context.Context, key string, ms *markStream, w *watermark.Watermark) error {
	data := watermark.Marshal(*w)
	e.wm.event++
	ok, err := e.ss.ConditionalAppend(ctx, ms.segment, e.wm.writer, e.wm.event, ms.end, data)
	if err != nil {
		return err
	}
	if !ok {
		// Someone else appended (another controller): load it again next time.
		e.log.Info("mark stream changed under the watermark writer; reloading", "stream", key)
		delete(e.wm.streams, key)
		return nil
	}
	start := ms.end
	ms.end += int64(wire.EventHeaderSize + len(data))
	ms.last = w
	e.log.Debug("watermark written", "stream", key, "lower", w.Lower, "upper", w.Upper, "offset", start)
	if ms.mark == start {
		return nil
	}
	moved, err := e.ss.CompareAndSetAttribute(ctx, ms.segment, markAttribute(), ms.mark, start)
	if err != nil {
		return err
	}
	if !moved {
		delete(e.wm.streams, key)
		return nil
	}
	ms.mark = start
	return nil
}

// loadMarkStream reads a mark segment's newest watermark: the last record
// between the mark (or the start offset, without a usable mark) and the
// end.
func (e *Engine) loadMarkStream(ctx context.Context, segment string) (*markStream, error) {
	info, err := e.ss.GetStreamSegmentInfo(ctx, segment)
	if err != nil {
		return nil, err
	}
	mark, err := e.ss.GetAttribute(ctx, segment, markAttribute())
	if err != nil {
		return nil, err
	}
	from := info.StartOffset
	if mark != wire.NullAttributeValue && mark > from && mark < info.Length {
		from = mark
	}
	var data []byte
	for off := from; off < info.Length; {
		chunk, err := e.ss.ReadSegment(ctx, segment, off, int32(min(info.Length-off, markReadSize)))
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			return nil, fmt.Errorf("read %s at %d: no data before the end %d", segment, off, info.Length)
		}
		data = append(data, chunk...)
		off += int64(len(chunk))
	}
	ms := &markStream{segment: segment, mark: mark, end: info.Length}
	var last []byte
	if err := wire.SplitEvents(data, func(ev []byte) bool { last = ev; return true }); err != nil {
		return nil, fmt.Errorf("mark segment %s from %d: %w", segment, from, err)
	}
	if last != nil {
		w, err := watermark.Unmarshal(last)
		if err != nil {
			return nil, fmt.Errorf("mark segment %s: last record: %w", segment, err)
		}
		ms.last = &w
	}
	return ms, nil
}
