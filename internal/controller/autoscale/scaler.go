package autoscale

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/loadreport"
	"github.com/sluicestream/sluice/internal/naming"
)

// Engine is what the scaler needs from the controller's workflows.
type Engine interface {
	GetStream(ctx context.Context, scope, stream string) (*store.StreamRecord, error)
	Scale(ctx context.Context, scope, stream string, sealed []int64, ranges []streammodel.KeyRange,
		ts int64) (streammodel.ScalePlan, error)
}

// Event is one automatic scale, kept for operators.
type Event struct {
	Time   time.Time
	Scope  string
	Stream string
	Sealed []int64
	Ranges [][2]float64
	Reason string
	Err    string // why the scale workflow refused it, if it did
}

// maxEvents bounds the events kept per stream.
const maxEvents = 64

// streamKey names a stream.
type streamKey struct{ scope, stream string }

// Scaler receives load reports (it is a loadreport.Sink) and scales the
// reported streams whose policy is by rate, through the scale workflow.
type Scaler struct {
	cfg    Config
	eng    Engine
	now    func() time.Time
	logger *slog.Logger

	wake   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	loads  map[streamKey]map[int64]loadreport.Segment // latest report per segment id
	dirty  map[streamKey]bool                         // reported since last decided
	states map[streamKey]*State
	events map[streamKey][]Event
	total  struct{ splits, merges, failed uint64 }
}

// NewScaler starts a scaler; Close stops it. now is its clock.
func NewScaler(cfg Config, eng Engine, now func() time.Time, logger *slog.Logger) *Scaler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Scaler{cfg: cfg.WithDefaults(), eng: eng, now: now, logger: logger, wake: make(chan struct{}, 1),
		done: make(chan struct{}), loads: make(map[streamKey]map[int64]loadreport.Segment),
		dirty: make(map[streamKey]bool), states: make(map[streamKey]*State), events: make(map[streamKey][]Event)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go s.loop()
	return s
}

// Close stops the scaler and waits for it.
func (s *Scaler) Close() {
	s.cancel()
	<-s.done
}

// Report implements loadreport.Sink: it keeps the latest load of each
// segment and wakes the decision loop.
func (s *Scaler) Report(_ context.Context, segments []loadreport.Segment) {
	s.mu.Lock()
	for _, l := range segments {
		seg, err := naming.ParseQualifiedName(l.Name)
		if err != nil || seg.Scope == "" || naming.ParentName(l.Name) != l.Name { // transactions follow their parent
			continue
		}
		k := streamKey{seg.Scope, seg.Stream}
		if s.loads[k] == nil {
			s.loads[k] = make(map[int64]loadreport.Segment)
		}
		s.loads[k][seg.ID()] = l
		s.dirty[k] = true
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Events returns the automatic scales of a stream, oldest first.
func (s *Scaler) Events(scope, stream string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events[streamKey{scope, stream}]...)
}

// Totals returns the number of splits, merges and refused scales so far.
func (s *Scaler) Totals() (splits, merges, failed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total.splits, s.total.merges, s.total.failed
}

func (s *Scaler) loop() {
	defer close(s.done)
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		}
		s.mu.Lock()
		keys := make([]streamKey, 0, len(s.dirty))
		for k := range s.dirty {
			keys = append(keys, k)
		}
		clear(s.dirty)
		s.mu.Unlock()
		for _, k := range keys {
			if err := s.decide(k); err != nil && s.ctx.Err() == nil {
				s.logger.Warn("auto-scaling: stream not evaluated", "stream", k.scope+"/"+k.stream, "err", err)
			}
		}
	}
}

// decide runs Decide for one stream and the scale it asks for.
func (s *Scaler) decide(k streamKey) error {
	rec, err := s.eng.GetStream(s.ctx, k.scope, k.stream)
	if err != nil {
		s.forget(k)
		return nil // deleted, or not a stream this controller knows
	}
	p, ok := policyOf(rec.Config)
	if !ok || rec.State != store.StreamActive || rec.Model == nil || rec.Model.Sealed() {
		return nil
	}
	now := s.now()
	s.mu.Lock()
	st := s.states[k]
	if st == nil {
		st = &State{LastScale: time.UnixMilli(rec.CreatedAt)}
		s.states[k] = st
	}
	if ep, err := rec.Model.Epoch(rec.Model.ActiveEpoch()); err == nil && time.UnixMilli(ep.CreationTime).After(st.LastScale) {
		st.LastScale = time.UnixMilli(ep.CreationTime) // a scale made by someone else
	}
	loads := s.loads[k]
	var segs []Segment
	active := make(map[int64]bool)
	for _, seg := range rec.Model.CurrentSegments() {
		active[seg.ID] = true
		l, ok := loads[seg.ID]
		if !ok {
			continue // not measured yet
		}
		rate, slow := l.EventsFast, l.EventsSlow
		if p.Unit == KiBPerSecond {
			rate, slow = l.KiBFast, l.KiBSlow
		}
		segs = append(segs, Segment{ID: seg.ID, Low: seg.Low, High: seg.High, Rate: rate, SlowRate: slow})
	}
	for id := range loads {
		if !active[id] {
			delete(loads, id) // sealed by a scale: its last report is stale
		}
	}
	d := Decide(s.cfg, p, segs, st, now)
	s.mu.Unlock()
	if d == nil {
		return nil
	}
	ranges := make([]streammodel.KeyRange, len(d.Ranges))
	for i, r := range d.Ranges {
		ranges[i] = streammodel.KeyRange{Low: r[0], High: r[1]}
	}
	_, err = s.eng.Scale(s.ctx, k.scope, k.stream, d.Seal, ranges, now.UnixMilli())
	ev := Event{Time: now, Scope: k.scope, Stream: k.stream, Sealed: d.Seal, Ranges: d.Ranges, Reason: d.Reason}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A refused scale also waits for the cooldown, rather than being tried
	// again at every report.
	st.LastScale = now
	switch {
	case err != nil:
		ev.Err = err.Error()
		s.total.failed++
	case len(d.Ranges) > len(d.Seal):
		s.total.splits++
	default:
		s.total.merges++
	}
	evs := append(s.events[k], ev)
	if len(evs) > maxEvents {
		evs = evs[len(evs)-maxEvents:]
	}
	s.events[k] = evs
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil
		}
		s.logger.Warn("auto-scaling: scale refused", "stream", k.scope+"/"+k.stream, "reason", d.Reason, "err", err)
		return nil
	}
	s.logger.Info("auto-scaling: stream scaled", "stream", k.scope+"/"+k.stream, "reason", d.Reason)
	return nil
}

func (s *Scaler) forget(k streamKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.loads, k)
	delete(s.states, k)
}

// policyOf converts a stream's configured policy; ok is false for fixed
// streams.
func policyOf(c store.StreamConfig) (Policy, bool) {
	p := Policy{TargetRate: float64(c.TargetRate), ScaleFactor: int(c.ScaleFactor), MinSegments: int(c.MinSegments)}
	switch c.ScaleType {
	case 1:
		p.Unit = KiBPerSecond
	case 2:
		p.Unit = EventsPerSecond
	default:
		return Policy{}, false
	}
	return p, p.TargetRate > 0
}

// Collectors returns the scaler's metrics: automatic splits, merges and
// refused scales so far.
func (s *Scaler) Collectors() []prometheus.Collector {
	counter := func(name, help string, pick func(splits, merges, failed uint64) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 {
			return float64(pick(s.Totals()))
		})
	}
	return []prometheus.Collector{
		counter("sluice_autoscale_splits_total", "Automatic scales that split segments.",
			func(sp, _, _ uint64) uint64 { return sp }),
		counter("sluice_autoscale_merges_total", "Automatic scales that merged segments.",
			func(_, m, _ uint64) uint64 { return m }),
		counter("sluice_autoscale_refused_total", "Automatic scales the scale workflow refused.",
			func(_, _, f uint64) uint64 { return f }),
	}
}
