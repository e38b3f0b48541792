package rest

import (
	"errors"
	"net/http"
	"strconv"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/controller/workflow"
)

// Scaling events: GET /v1/scopes/{scope}/streams/{stream}/scaling-events.
// One event per epoch: its creation time, its segments, and how many
// segments the scale that made it split and merged.

type segmentJSON struct {
	Number    int32   `json:"number"`
	StartTime int64   `json:"startTime"`
	KeyStart  float64 `json:"keyStart"`
	KeyEnd    float64 `json:"keyEnd"`
}

type scaleMetadata struct {
	Timestamp   int64         `json:"timestamp"`
	SegmentList []segmentJSON `json:"segmentList"`
	Splits      int64         `json:"splits"`
	Merges      int64         `json:"merges"`
	// Reason says why the auto-scaler made this epoch (Sluice addition;
	// absent for manual scales and for decisions before the controller's
	// last start).
	Reason string `json:"reason,omitempty"`
}

type scalingEventList struct {
	ScalingEvents []scaleMetadata `json:"scalingEvents"`
}

func (a *api) scalingEvents(r *http.Request) (int, any, error) {
	scope, stream := r.PathValue("scope"), r.PathValue("stream")
	from, err := timeParam(r, "from")
	if err != nil {
		return 0, nil, err
	}
	to, err := timeParam(r, "to")
	if err != nil {
		return 0, nil, err
	}
	if from > to {
		return 0, nil, badRequest("from (%d) is after to (%d)", from, to)
	}
	// The service decides whether the stream exists; the history has the
	// epochs it does not return.
	if _, err := a.ctl.GetStreamConfiguration(r.Context(), &pb.StreamInfo{Scope: scope, Stream: stream}); err != nil {
		return 0, nil, err
	}
	rec, err := a.history.GetStream(r.Context(), scope, stream)
	if errors.Is(err, workflow.ErrStreamNotFound) {
		return 0, nil, notFound("stream %s/%s not found", scope, stream)
	}
	if err != nil {
		return 0, nil, unexpected("read the history of %s/%s: %v", scope, stream, err)
	}
	events, err := epochEvents(rec.Model)
	if err != nil {
		return 0, nil, unexpected("history of %s/%s: %v", scope, stream, err)
	}
	if a.decisions != nil {
		reasons := make(map[int64]string)
		for _, d := range a.decisions(scope, stream) {
			if d.Err == "" {
				reasons[d.Time.UnixMilli()] = d.Reason
			}
		}
		for i := range events {
			events[i].Reason = reasons[events[i].Timestamp]
		}
	}
	return http.StatusOK, scalingEventList{ScalingEvents: window(events, from, to)}, nil
}

// timeParam reads a required query parameter in ms since 1970.
func timeParam(r *http.Request, name string) (int64, error) {
	q := r.URL.Query()
	if !q.Has(name) {
		return 0, badRequest("query parameter %s (milliseconds since 1970) is required", name)
	}
	v, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil {
		return 0, badRequest("query parameter %s=%q is not an integer number of milliseconds", name, q.Get(name))
	}
	if v < 0 {
		return 0, badRequest("query parameter %s must not be negative, got %d", name, v)
	}
	return v, nil
}

// epochEvents describes every epoch of a stream, oldest first.
func epochEvents(m *streammodel.Stream) ([]scaleMetadata, error) {
	var (
		out  []scaleMetadata
		prev []streammodel.Segment
	)
	for e := int32(0); e <= m.ActiveEpoch(); e++ {
		ep, err := m.Epoch(e)
		if err != nil {
			return nil, err
		}
		segs, err := m.EpochSegments(e)
		if err != nil {
			return nil, err
		}
		ev := scaleMetadata{Timestamp: ep.CreationTime, SegmentList: make([]segmentJSON, len(segs))}
		for i, s := range segs {
			born, err := m.Epoch(s.CreationEpoch())
			if err != nil {
				return nil, err
			}
			ev.SegmentList[i] = segmentJSON{Number: s.Number(), StartTime: born.CreationTime, KeyStart: s.Low, KeyEnd: s.High}
		}
		ev.Splits, ev.Merges = splitsAndMerges(prev, segs)
		out = append(out, ev)
		prev = segs
	}
	return out, nil
}

// splitsAndMerges counts the segments of before that became several of
// after (splits) and the segments of after made of several of before
// (merges). Segments in both epochs took no part in the scale.
func splitsAndMerges(before, after []streammodel.Segment) (splits, merges int64) {
	sealed, created := missingFrom(before, after), missingFrom(after, before)
	for _, s := range sealed {
		if overlapping(s, created) > 1 {
			splits++
		}
	}
	for _, s := range created {
		if overlapping(s, sealed) > 1 {
			merges++
		}
	}
	return splits, merges
}

// missingFrom returns the segments of a that are not in b.
func missingFrom(a, b []streammodel.Segment) []streammodel.Segment {
	in := make(map[int64]bool, len(b))
	for _, s := range b {
		in[s.ID] = true
	}
	var out []streammodel.Segment
	for _, s := range a {
		if !in[s.ID] {
			out = append(out, s)
		}
	}
	return out
}

func overlapping(s streammodel.Segment, in []streammodel.Segment) int {
	n := 0
	for _, o := range in {
		if s.Overlaps(o.KeyRange) {
			n++
		}
	}
	return n
}

// window keeps the events created in [from, to], preceded by the last one
// created before from: the segments that were in force at from.
func window(events []scaleMetadata, from, to int64) []scaleMetadata {
	out := []scaleMetadata{}
	var before *scaleMetadata
	for i := range events {
		ev := &events[i]
		switch {
		case ev.Timestamp < from:
			if before == nil || ev.Timestamp >= before.Timestamp {
				before = ev
			}
		case ev.Timestamp <= to:
			out = append(out, *ev)
		}
	}
	if before != nil {
		out = append([]scaleMetadata{*before}, out...)
	}
	return out
}
