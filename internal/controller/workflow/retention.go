package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluicestream/sluice/internal/controller/retention"
	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// Retention: every RetentionInterval the engine records the tail cut of
// each stream with a retention policy and truncates the stream at the
// newest recorded cut the policy lets go of (package retention decides).
// The points live in the store (RetentionKey), so a restarted controller
// goes on where it stopped.

// DefaultRetentionInterval is how often retention runs.
const DefaultRetentionInterval = time.Minute

// retentionRecord is the stored state of one stream's retention.
type retentionRecord struct {
	Points []retention.Point `json:"points"`
}

func (e *Engine) retentionLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.clock.After(e.cfg.RetentionInterval):
		}
		if err := e.ApplyRetention(e.ctx); err != nil && e.ctx.Err() == nil {
			e.log.Warn("retention pass failed", "err", err)
		}
	}
}

// ApplyRetention runs one retention pass over every stream with a
// retention policy. A failure on one stream does not stop the others.
func (e *Engine) ApplyRetention(ctx context.Context) error {
	kvs, err := e.st.List(ctx, store.AllStreamsPrefix(), 0)
	if err != nil {
		return err
	}
	var errs []error
	if err := e.dropStaleRetention(ctx, kvs); err != nil {
		errs = append(errs, err)
	}
	for _, kv := range kvs {
		scope, stream, ok := strings.Cut(strings.TrimPrefix(kv.Key, store.AllStreamsPrefix()), "/")
		if !ok || scope == naming.SystemScope {
			continue
		}
		if err := e.retainStream(ctx, scope, stream); err != nil {
			errs = append(errs, fmt.Errorf("retention of %s/%s: %w", scope, stream, err))
		}
	}
	return errors.Join(errs...)
}

// dropStaleRetention deletes the retention points of streams that no
// longer exist (streams lists the stream records).
func (e *Engine) dropStaleRetention(ctx context.Context, streams []metastore.KV) error {
	exists := make(map[string]bool, len(streams))
	for _, kv := range streams {
		exists[strings.TrimPrefix(kv.Key, store.AllStreamsPrefix())] = true
	}
	points, err := e.st.List(ctx, store.AllRetentionPrefix(), 0)
	if err != nil {
		return err
	}
	for _, kv := range points {
		name := strings.TrimPrefix(kv.Key, store.AllRetentionPrefix())
		if !exists[name] {
			if err := e.st.Delete(ctx, kv.Key, metastore.Unconditional()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *Engine) retainStream(ctx context.Context, scope, stream string) error {
	rec, err := e.GetStream(ctx, scope, stream)
	if errors.Is(err, ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	c := rec.Config
	if c.RetentionType != 1 && c.RetentionType != 2 || rec.State != store.StreamActive || rec.Model.Sealed() {
		return nil
	}
	p := retention.Policy{BySize: c.RetentionType == 2, Min: c.RetentionParam, Max: c.RetentionMax}
	var rr retentionRecord
	key := store.RetentionKey(scope, stream)
	if _, err := e.st.Get(ctx, key, &rr); err != nil && !errors.Is(err, metastore.ErrNotFound) {
		return err
	}
	// Points of an earlier stream of the same name name segments this one
	// does not have.
	kept := rr.Points[:0]
	for _, pt := range rr.Points {
		if cutKnown(rec.Model, pt.Cut) {
			kept = append(kept, pt)
		}
	}
	rr.Points = kept

	lengths := segmentLengths{e: e, scope: scope, stream: stream, known: map[int64]int64{}}
	now := e.clock.Now().UnixMilli()
	tail := map[int64]int64{}
	for _, s := range rec.Model.CurrentSegments() {
		n, err := lengths.of(ctx, s.ID)
		if err != nil {
			return err
		}
		tail[s.ID] = n
	}
	if p.BySize {
		for i := range rr.Points {
			after, err := lengths.after(ctx, rec.Model, rr.Points[i].Cut)
			if err != nil {
				return err
			}
			rr.Points[i].After = after
		}
	}
	if i := retention.Choose(p, rr.Points, now); i >= 0 {
		cut := rr.Points[i].Cut
		if err := e.TruncateStream(ctx, scope, stream, streammodel.Cut(cut)); err != nil {
			return fmt.Errorf("truncate at %v: %w", cut, err)
		}
		e.log.Info("retention: stream truncated", "stream", scope+"/"+stream, "cut", cut,
			"recorded", time.UnixMilli(rr.Points[i].TimeMs).UTC().Format(time.RFC3339))
		rr.Points = rr.Points[i+1:]
	}
	var last *retention.Point
	if len(rr.Points) > 0 {
		last = &rr.Points[len(rr.Points)-1]
	}
	if retention.ShouldRecord(p, last, now) {
		rr.Points = append(rr.Points, retention.Point{TimeMs: now, Cut: tail})
	}
	_, err = e.st.Put(ctx, key, rr, metastore.Unconditional())
	return err
}

// cutKnown reports whether every segment of cut belongs to the stream.
func cutKnown(m *streammodel.Stream, cut map[int64]int64) bool {
	for id := range cut {
		if _, ok := m.Segment(id); !ok {
			return false
		}
	}
	return true
}

// segmentLengths asks the segment store for segment lengths, once each.
type segmentLengths struct {
	e             *Engine
	scope, stream string
	known         map[int64]int64
}

func (l *segmentLengths) of(ctx context.Context, id int64) (int64, error) {
	if n, ok := l.known[id]; ok {
		return n, nil
	}
	info, err := l.e.ss.GetStreamSegmentInfo(ctx, naming.QualifiedName(l.scope, l.stream, id))
	if errors.Is(err, segments.ErrNoSuchSegment) {
		info, err = segments.SegmentInfo{}, nil // truncated away: nothing left to count
	}
	if err != nil {
		return 0, err
	}
	l.known[id] = info.Length
	return info.Length, nil
}

// after is the bytes written after cut: the rest of the cut's segments,
// and all of every segment created after them (segment numbers grow with
// creation; lower numbers not in the cut were sealed before it).
func (l *segmentLengths) after(ctx context.Context, m *streammodel.Stream, cut map[int64]int64) (int64, error) {
	var total int64
	var highest int32 = -1
	for id, off := range cut {
		n, err := l.of(ctx, id)
		if err != nil {
			return 0, err
		}
		total += max(n-off, 0)
		highest = max(highest, naming.NumberOf(id))
	}
	for _, s := range m.Segments() {
		if s.Number() > highest {
			n, err := l.of(ctx, s.ID)
			if err != nil {
				return 0, err
			}
			total += n
		}
	}
	return total, nil
}
