package client

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// MaxEventSize is the largest event a writer accepts (8 MiB minus the
// 8-byte event header, as Java's Serializer.MAX_EVENT_SIZE).
const MaxEventSize = 8<<20 - wire.EventHeaderSize

var errSegmentSealed = errors.New("segment sealed")

// WriterConfig configures an EventWriter.
type WriterConfig struct {
	// WriterID names the writer towards the controller (NoteTime); default
	// a random UUID.
	WriterID string
	// MaxInFlightBytes bounds the bytes of events accepted but not yet
	// acknowledged; Write blocks above it (default 32 MiB).
	MaxInFlightBytes int64
	// MaxBlockSize bounds the events sent in one AppendBlock (default
	// 523,264 bytes, the Java client's largest batch).
	MaxBlockSize int
}

// EventWriter writes events to a stream. Events with the same routing key
// are stored in the order Write accepted them, exactly once, across
// reconnects and scaling. It is safe for concurrent use; events written
// concurrently have no order between them.
type EventWriter struct {
	c      *Client
	scope  string
	stream string
	cfg    WriterConfig
	txn    *naming.UUID // set: a transaction's writer
	flow   *flow
	setups atomic.Int64    // append sessions set up, for tests
	ctx    context.Context // lifetime of the goroutines
	cancel context.CancelFunc
	wg     sync.WaitGroup

	sealedMu   sync.Mutex
	sealedList []*segmentWriter
	sealedWake chan struct{}

	// routeMu guards the routing: Write holds it shared while it queues an
	// event; moving a sealed writer's events holds it exclusively, so no
	// event of a key can overtake the re-routed ones.
	routeMu sync.RWMutex
	router  router
	writers map[int64]*segmentWriter // by segment id
	closed  bool
}

// NewEventWriter returns a writer for scope/stream (ErrStreamNotFound if it
// does not exist). Close it when done.
func (c *Client) NewEventWriter(ctx context.Context, scope, stream string, cfg WriterConfig) (*EventWriter, error) {
	segs, err := c.ctl.currentSegments(ctx, scope, stream)
	if err != nil {
		return nil, fmt.Errorf("new writer for %s/%s: %w", scope, stream, err)
	}
	return c.newEventWriter(scope, stream, cfg, segs, nil)
}

// newEventWriter starts a writer over segs; with txn set it writes to the
// transaction's segments of segs instead.
func (c *Client) newEventWriter(scope, stream string, cfg WriterConfig, segs []SegmentRange, txn *naming.UUID) (*EventWriter, error) {
	if cfg.WriterID == "" {
		cfg.WriterID = randomUUID().String()
	}
	if cfg.MaxInFlightBytes <= 0 {
		cfg.MaxInFlightBytes = 32 << 20
	}
	if cfg.MaxBlockSize <= 0 {
		cfg.MaxBlockSize = 2*256<<10 - 1024
	}
	w := &EventWriter{c: c, scope: scope, stream: stream, cfg: cfg, txn: txn,
		flow: newFlow(cfg.MaxInFlightBytes), sealedWake: make(chan struct{}, 1), writers: make(map[int64]*segmentWriter)}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	if err := c.addWriter(w); err != nil {
		w.cancel()
		return nil, err
	}
	var routes []route
	for _, sr := range segs {
		routes = append(routes, route{KeyRange: sr.KeyRange, sw: w.startSegmentLocked(sr.Segment)})
	}
	w.router = newRouter(routes)
	w.wg.Add(1)
	go w.handleSeals()
	return w, nil
}

func randomUUID() wire.UUID {
	var u wire.UUID
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

// startSegmentLocked returns the writer of seg, starting it if needed.
// Callers hold routeMu exclusively (or own w before it is published).
func (w *EventWriter) startSegmentLocked(seg Segment) *segmentWriter {
	if sw, ok := w.writers[seg.ID]; ok {
		return sw
	}
	sw := newSegmentWriter(w, seg)
	w.writers[seg.ID] = sw
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		sw.run(w.ctx)
	}()
	return sw
}

// Write accepts an event for the segment that owns routingKey (hashed as
// the Java client does) and returns once it is queued; it blocks while
// MaxInFlightBytes are unacknowledged. The event is copied. Delivery
// errors are sticky: they fail this and later calls and Flush.
func (w *EventWriter) Write(ctx context.Context, routingKey string, event []byte) error {
	return w.WriteAsync(ctx, routingKey, event, nil)
}

// WriteAsync is Write with a per-event acknowledgement, like the Java
// client's writeEvent future: done is called once, from a goroutine of the
// writer, with nil when the event is durably stored, or with the writer's
// error when it can no longer be (a failure, or Close before it was
// stored). If WriteAsync returns an error, the event was not accepted and
// done is not called. done must not block for long: it delays the
// acknowledgements of other events. With a nil done it is Write.
func (w *EventWriter) WriteAsync(ctx context.Context, routingKey string, event []byte, done func(error)) error {
	if len(event) > MaxEventSize {
		return fmt.Errorf("write %d bytes: %w", len(event), ErrEventTooLarge)
	}
	return w.submit(ctx, newEventRecord(routingKey, event, done))
}

// submit queues ev (its data framed or raw) for the segment of its key.
func (w *EventWriter) submit(ctx context.Context, ev *pendingEvent) error {
	if err := w.flow.acquire(ctx, ev); err != nil {
		return err
	}
	w.routeMu.RLock()
	defer w.routeMu.RUnlock()
	if w.closed {
		w.flow.release([]*pendingEvent{ev})
		return ErrClosed
	}
	sw := w.router.pick(ev.key)
	if sw == nil {
		w.flow.release([]*pendingEvent{ev})
		return fmt.Errorf("write to %s/%s: %w", w.scope, w.stream, ErrStreamSealed)
	}
	sw.enqueue(ev)
	return nil
}

// Flush waits until every event accepted before the call is durably
// stored; writes may continue meanwhile.
func (w *EventWriter) Flush(ctx context.Context) error {
	return w.flow.waitFlushed(ctx)
}

// Close flushes, then stops the writer. Events not stored when ctx ends
// are abandoned.
func (w *EventWriter) Close(ctx context.Context) error {
	err := w.Flush(ctx)
	w.stop(ErrClosed)
	if errors.Is(err, ErrClosed) {
		err = nil
	}
	return err
}

// stop ends the goroutines and sessions; later writes fail with cause.
func (w *EventWriter) stop(cause error) {
	w.routeMu.Lock()
	if w.closed {
		w.routeMu.Unlock()
		return
	}
	w.closed = true
	w.routeMu.Unlock()
	w.flow.fail(cause)
	w.cancel()
	w.wg.Wait()
	for _, sw := range w.writers {
		sw.mu.Lock()
		s := sw.mu.session
		sw.mu.Unlock()
		if s != nil {
			s.conn.unregister(s.id)
		}
		callDone(sw.takeQueue(), cause) // abandoned: never stored
	}
	w.c.removeWriter(w)
}

// fail records a delivery error.
func (w *EventWriter) fail(err error) {
	w.c.cfg.log.Warn("event writer failed", "stream", w.scope+"/"+w.stream, "err", err)
	w.flow.fail(err)
}

// segmentSealed queues a sealed writer for handleSeals.
func (w *EventWriter) segmentSealed(sw *segmentWriter) {
	w.sealedMu.Lock()
	w.sealedList = append(w.sealedList, sw)
	w.sealedMu.Unlock()
	select {
	case w.sealedWake <- struct{}{}:
	default:
	}
}

// handleSeals replaces sealed segments by their successors.
func (w *EventWriter) handleSeals() {
	defer w.wg.Done()
	for {
		select {
		case <-w.sealedWake:
		case <-w.ctx.Done():
			return
		}
		w.sealedMu.Lock()
		list := w.sealedList
		w.sealedList = nil
		w.sealedMu.Unlock()
		for _, sw := range list {
			w.replaceSealed(sw)
		}
	}
}

// replaceSealed asks the controller for the successors of a sealed
// segment, routes its key range to them and moves its unacknowledged
// events there in their original order (as the Java writer does while
// holding its seal lock).
func (w *EventWriter) replaceSealed(sw *segmentWriter) {
	<-sw.done // its goroutine saw the seal; it sends nothing more
	if w.txn != nil {
		// A transaction segment is sealed by its commit or abort.
		w.routeMu.Lock()
		events := sw.takeQueue()
		w.routeMu.Unlock()
		err := fmt.Errorf("write to transaction %s: %w", w.txn, ErrTxnNotOpen)
		w.fail(err)
		w.flow.release(events)
		callDone(events, err)
		return
	}
	succ, err := w.c.ctl.successors(w.ctx, sw.seg)
	w.routeMu.Lock()
	defer w.routeMu.Unlock()
	events := sw.takeQueue()
	delete(w.writers, sw.seg.ID)
	if err != nil || w.closed {
		if err == nil {
			err = ErrClosed
		}
		w.router = w.router.replace(sw, nil)
		err = fmt.Errorf("successors of sealed %s: %w", sw.seg, err)
		w.fail(err)
		w.flow.release(events)
		callDone(events, err)
		return
	}
	var routes []route
	for _, s := range succ {
		routes = append(routes, route{KeyRange: s.Range.KeyRange, sw: w.startSegmentLocked(s.Range.Segment)})
	}
	w.router = w.router.replace(sw, routes)
	w.c.cfg.log.Debug("segment sealed; events re-routed", "segment", sw.seg.Name(), "successors", len(succ),
		"events", len(events))
	for i, ev := range events {
		next := w.router.pick(ev.key)
		if next == nil {
			err := fmt.Errorf("write to %s/%s: %w", w.scope, w.stream, ErrStreamSealed)
			w.fail(err)
			w.flow.release(events[i:])
			callDone(events[i:], err)
			return
		}
		next.enqueue(ev)
	}
}

// NoteTime tells the controller that every event written before this call
// has a time at most timestamp (in the application's unit, usually
// milliseconds). Readers derive watermarks from these notes. The position
// sent is the segment length last acknowledged in each active segment
// (Flush first to include every event written).
func (w *EventWriter) NoteTime(ctx context.Context, timestamp int64) error {
	w.routeMu.RLock()
	pos := make(map[int64]int64, len(w.router.routes))
	for _, rt := range w.router.routes {
		pos[rt.sw.seg.ID] = max(0, rt.sw.position())
	}
	w.routeMu.RUnlock()
	r, err := call(ctx, w.c.ctl, "noteTimestampFromWriter", ErrStreamNotFound, func(ctx context.Context) (*pb.TimestampResponse, error) {
		return w.c.ctl.rpc.NoteTimestampFromWriter(ctx, &pb.TimestampFromWriter{Writer: w.cfg.WriterID,
			Position: &pb.StreamCut{StreamInfo: streamInfo(w.scope, w.stream), Cut: pos}, Timestamp: timestamp})
	})
	if err != nil {
		return fmt.Errorf("note time: %w", err)
	}
	if r.GetResult() != pb.TimestampResponse_SUCCESS {
		return fmt.Errorf("note time %d: %w: %v", timestamp, ErrInvalidArgument, r.GetResult())
	}
	return nil
}
