package workflow

import (
	"context"
	"errors"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
)

// Subscribers (listSubscribers, updateSubscriberStreamCut) and writer marks
// (noteTimestampFromWriter, removeWriter), which the watermarking loop
// (watermarks.go) turns into watermarks.

// ListSubscribers returns the subscriber names of a stream (ErrStreamNotFound).
func (e *Engine) ListSubscribers(ctx context.Context, scope, stream string) ([]string, error) {
	if _, err := e.GetStream(ctx, scope, stream); err != nil {
		return nil, err
	}
	keys, err := e.st.Keys(ctx, store.SubscribersPrefix(scope, stream), "", 0)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		keys[i] = store.Unescape(k)
	}
	return keys, nil
}

// UpdateSubscriberCut records a subscriber's stream cut. Errors:
// ErrStreamNotFound, ErrSubscriberNotFound, ErrGenerationMismatch,
// ErrInvalidCut (invalid, or behind the previous cut of a segment).
func (e *Engine) UpdateSubscriberCut(ctx context.Context, scope, stream, subscriber, groupID string, generation int64,
	cut streammodel.Cut) error {
	rec, err := e.GetStream(ctx, scope, stream)
	if err != nil {
		return err
	}
	_, err = store.Update(ctx, e.st, store.SubscriberKey(scope, stream, subscriber), func(s *store.SubscriberRecord) ([]metastore.Op, error) {
		if s.GroupID != groupID {
			return nil, ErrSubscriberNotFound
		}
		if s.Generation != generation {
			return nil, ErrGenerationMismatch
		}
		if err := rec.Model.ValidateCut(cut); err != nil || behind(cut, s.Cut) {
			return nil, ErrInvalidCut
		}
		s.Cut = cut
		return nil, nil
	})
	if errors.Is(err, metastore.ErrNotFound) {
		return ErrSubscriberNotFound
	}
	return err
}

// behind reports whether cut moves back some segment present in both.
func behind(cut, prev streammodel.Cut) bool {
	for id, off := range cut {
		if p, ok := prev[id]; ok && off < p {
			return true
		}
	}
	return false
}

// NoteWriterMark records a writer's time and position. Errors:
// ErrStreamNotFound, ErrInvalidTime, ErrInvalidPosition.
func (e *Engine) NoteWriterMark(ctx context.Context, scope, stream, writer string, pos streammodel.Cut, ts int64) error {
	if _, err := e.GetStream(ctx, scope, stream); err != nil {
		return err
	}
	key := store.WriterKey(scope, stream, writer)
	for {
		var w store.WriterRecord
		rev, err := e.st.Get(ctx, key, &w)
		if err != nil && !errors.Is(err, metastore.ErrNotFound) {
			return err
		}
		if rev != 0 {
			if ts < w.Timestamp {
				return ErrInvalidTime
			}
			if behind(pos, w.Position) {
				return ErrInvalidPosition
			}
		}
		_, err = e.st.Put(ctx, key, store.WriterRecord{Timestamp: ts, Position: pos, NotedAt: e.nowMs()},
			metastore.AtRevision(rev))
		if errors.Is(err, metastore.ErrConflict) {
			continue
		}
		return err
	}
}

// RemoveWriter shuts a writer down, as Pravega's removeWriter does: its
// mark stays and still counts while it is ahead of the stream's last
// watermark; then the watermarking pass drops it. A new mark revives the
// writer. Errors: ErrStreamNotFound, ErrUnknownWriter.
func (e *Engine) RemoveWriter(ctx context.Context, scope, stream, writer string) error {
	if _, err := e.GetStream(ctx, scope, stream); err != nil {
		return err
	}
	_, err := store.Update(ctx, e.st, store.WriterKey(scope, stream, writer), func(w *store.WriterRecord) ([]metastore.Op, error) {
		w.Shutdown = true
		return nil, nil
	})
	if errors.Is(err, metastore.ErrNotFound) {
		return ErrUnknownWriter
	}
	return err
}
