package client

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// segmentWriter appends an EventWriter's events to one segment. Events are
// numbered 1, 2, ... in the order Write accepted them and stay queued until
// a DataAppended acknowledges their number. One goroutine (run) sets up the
// append session and sends what is queued as AppendBlock + AppendBlockEnd
// pairs, without waiting for acks; events that pile up while it sends go
// into the next block, so batching adapts to load with no timer. When the
// session breaks (connection lost, WrongHost, InvalidEventNumber) it sets
// up a new one: AppendSetup tells the last event number the segment stored
// for this writer id, everything up to it counts as acknowledged and the
// rest is sent again with the same numbers, so nothing is lost or
// duplicated. On SegmentIsSealed it stops and hands its queue to the
// EventWriter, which re-routes it to the successors.
type segmentWriter struct {
	w    *EventWriter
	seg  Segment
	name string        // the segment appended to: seg's, or its transaction segment's
	id   wire.UUID     // writer id on the wire: one per segment writer, as in Java
	wake chan struct{} // cap 1: there is work for run
	done chan struct{} // closed when run has returned

	mu struct {
		sync.Mutex
		queue   []*pendingEvent // unacknowledged, by event number
		sent    int             // queue[:sent] were sent in the current session
		blocks  []int64         // last event number of each block in flight, ascending
		nextNum int64
		session *appendSession // nil: none set up
		state   segWriterState
		offset  int64 // segment length from the latest ack, -1 if unknown
	}
}

type segWriterState int

const (
	segOpen segWriterState = iota
	segSealed
	segFailed
)

// pendingEvent is one accepted event.
type pendingEvent struct {
	key  float64 // position of its routing key, to re-route it after a seal
	data []byte  // the event record: 8-byte header and payload
	num  int64   // event number in the current segment writer
	gen  uint64  // flush generation (flow)
	// done, if set, learns the event's fate (WriteAsync); it is called
	// with no lock held.
	done func(error)
	// buf, if set, holds data and goes back to its pool once the event is
	// acknowledged (eventbuf.go).
	buf *[]byte
}

// callDone tells the events that asked for it (WriteAsync) their outcome.
func callDone(evs []*pendingEvent, err error) {
	for _, ev := range evs {
		if ev.done != nil {
			ev.done(err)
		}
	}
}

func newSegmentWriter(w *EventWriter, seg Segment) *segmentWriter {
	sw := &segmentWriter{w: w, seg: seg, name: seg.Name(), id: randomUUID(), wake: make(chan struct{}, 1), done: make(chan struct{})}
	if w.txn != nil {
		sw.name = naming.TransactionName(sw.name, *w.txn)
	}
	sw.mu.nextNum = 1
	sw.mu.offset = -1
	return sw
}

func (sw *segmentWriter) signal() {
	select {
	case sw.wake <- struct{}{}:
	default:
	}
}

// enqueue accepts an event. A sealed writer keeps it for re-routing.
func (sw *segmentWriter) enqueue(ev *pendingEvent) {
	sw.mu.Lock()
	ev.num = sw.mu.nextNum
	sw.mu.nextNum++
	sw.mu.queue = append(sw.mu.queue, ev)
	open := sw.mu.state == segOpen
	sw.mu.Unlock()
	if open {
		sw.signal()
	}
}

// run is the writer's sending goroutine; the EventWriter owns it and stops
// it by cancelling ctx.
func (sw *segmentWriter) run(ctx context.Context) {
	defer close(sw.done)
	// Setups are retried quickly: a segment store that restarts is back in
	// well under a second, and the writer's events wait meanwhile. The
	// jitter keeps many writers from retrying in step.
	const minBackoff, maxBackoff = 10 * time.Millisecond, 250 * time.Millisecond
	backoff := minBackoff
	failing := false // only the first failure of a run is logged as a warning
	for {
		select {
		case <-sw.wake:
		case <-ctx.Done():
			return
		}
		for {
			sw.mu.Lock()
			if sw.mu.state != segOpen {
				sw.mu.Unlock()
				return
			}
			s, pending := sw.mu.session, len(sw.mu.queue)-sw.mu.sent
			if pending == 0 || s != nil && len(sw.mu.blocks) >= maxBlocksInFlight {
				sw.mu.Unlock()
				break
			}
			if s == nil {
				sw.mu.Unlock()
				if err := sw.setup(ctx); err != nil {
					if ctx.Err() != nil {
						return
					}
					log := sw.w.c.cfg.log.Warn
					if failing {
						log = sw.w.c.cfg.log.Debug
					}
					failing = true
					log("append setup failed, retrying", "segment", sw.seg.Name(), "err", err)
					if sleep(ctx, jittered(backoff)) != nil {
						return
					}
					backoff = min(2*backoff, maxBackoff)
				}
				continue
			}
			if failing {
				sw.w.c.cfg.log.Warn("append setup succeeded after retries", "segment", sw.seg.Name())
				failing = false
			}
			backoff = minBackoff
			block := sw.nextBlockLocked()
			sw.mu.Unlock()
			if err := s.conn.send(block...); err != nil {
				// The connection is dead; set up a new session and resend.
				sw.broken(s)
			}
		}
	}
}

// maxBlocksInFlight bounds the blocks a segment writer has sent and not yet
// seen acknowledged. Below it, events go out at once; at it, they wait and
// leave together in the next block when an acknowledgement arrives. A
// writer sending each event as it came made one block (two frames, one
// write, one server operation) per few events at high rates: at 200k
// events/s of 100 bytes the p99 was 140 ms and the server spent 9.5 CPU
// s/GB at the maximum; with at most 4 blocks in flight, 17–22 ms and 4 s/GB
// (2 measured about the same).
const maxBlocksInFlight = 4

// nextBlockLocked takes the next queued events, up to the block size (at
// least one event), and returns the AppendBlock/AppendBlockEnd pair. The
// block holds whole events only, so it needs neither PartialEvent nor
// Padding; AppendBlockEnd carries no data.
func (sw *segmentWriter) nextBlockLocked() []wire.Command {
	evs := sw.mu.queue[sw.mu.sent:]
	size, n := 0, 0
	for n < len(evs) && (n == 0 || size+len(evs[n].data) <= sw.w.cfg.MaxBlockSize) {
		size += len(evs[n].data)
		n++
	}
	data := make([]byte, 0, size)
	for _, ev := range evs[:n] {
		data = append(data, ev.data...)
	}
	sw.mu.sent += n
	sw.mu.blocks = append(sw.mu.blocks, evs[n-1].num)
	s := sw.mu.session
	return []wire.Command{
		&wire.AppendBlock{WriterID: sw.id, Data: data},
		&wire.AppendBlockEnd{WriterID: sw.id, SizeOfWholeEvents: int32(size), NumEvents: int32(n),
			LastEventNumber: evs[n-1].num, RequestID: s.id},
	}
}

// setup opens an append session on the segment's segment store.
func (sw *segmentWriter) setup(ctx context.Context) error {
	c := sw.w.c
	tok, err := c.tokens.get(ctx, sw.seg.Scope, sw.seg.Stream, true)
	if err != nil {
		return err
	}
	ep, err := c.endpoint(ctx, sw.seg)
	if err != nil {
		return err
	}
	cn, err := c.pool.get(ctx, ep)
	if err != nil {
		c.forgetEndpoint(sw.seg)
		return err
	}
	s := &appendSession{sw: sw, conn: cn, id: c.pool.requestID(), ready: make(chan error, 1)}
	if err := cn.register(s.id, s, false); err != nil {
		return err
	}
	if err := cn.send(&wire.SetupAppend{RequestID: s.id, WriterID: sw.id, Segment: sw.name, Token: tok}); err != nil {
		return err
	}
	select {
	case err := <-s.ready:
		return err
	case <-ctx.Done():
		cn.unregister(s.id)
		return ctx.Err()
	}
}

// established installs s after AppendSetup: events up to last are stored.
func (sw *segmentWriter) established(s *appendSession, last int64) {
	var acked []*pendingEvent
	sw.mu.Lock()
	if sw.mu.state == segOpen && !s.conn.dead() {
		sw.w.setups.Add(1)
		sw.mu.session = s
		sw.mu.sent = 0
		sw.mu.blocks = sw.mu.blocks[:0]
		acked = sw.ackLocked(last, acked)
	}
	sw.mu.Unlock()
	callDone(acked, nil)
}

// acked handles DataAppended: events up to num are stored.
func (sw *segmentWriter) acked(s *appendSession, num, offset int64) {
	sw.mu.Lock()
	if sw.mu.session != s {
		sw.mu.Unlock()
		return
	}
	if offset >= 0 {
		sw.mu.offset = offset
	}
	cbs := sw.ackLocked(num, nil)
	sw.mu.Unlock()
	callDone(cbs, nil) // after unlocking: a callback may Write
	for _, ev := range cbs {
		ev.recycle()
	}
}

// ackLocked completes the events up to num and appends those that want a
// callback to cbs, for the caller to call after unlocking.
func (sw *segmentWriter) ackLocked(num int64, cbs []*pendingEvent) []*pendingEvent {
	q := sw.mu.queue
	n := 0
	for n < len(q) && q[n].num <= num {
		n++
	}
	if n == 0 {
		return cbs
	}
	sw.w.flow.release(q[:n])
	for _, ev := range q[:n] {
		if ev.done != nil {
			cbs = append(cbs, ev) // recycled after its callback
		} else {
			ev.recycle()
		}
	}
	clear(q[:n])
	sw.mu.queue = q[n:]
	sw.mu.sent = max(0, sw.mu.sent-n)
	done := 0
	for done < len(sw.mu.blocks) && sw.mu.blocks[done] <= num {
		done++
	}
	if done > 0 {
		sw.mu.blocks = sw.mu.blocks[:copy(sw.mu.blocks, sw.mu.blocks[done:])]
		if len(sw.mu.queue) > sw.mu.sent {
			sw.signal() // room for the events that waited
		}
	}
	return cbs
}

// broken drops session s; run sets up a new one and resends.
func (sw *segmentWriter) broken(s *appendSession) {
	s.conn.unregister(s.id)
	sw.mu.Lock()
	if sw.mu.session == s {
		sw.mu.session = nil
		sw.mu.sent = 0
		sw.mu.blocks = sw.mu.blocks[:0]
	}
	sw.mu.Unlock()
	sw.signal()
}

// sealed stops the writer and asks the EventWriter to move its queue to the
// successors.
func (sw *segmentWriter) sealed(s *appendSession) {
	s.conn.unregister(s.id)
	sw.mu.Lock()
	if sw.mu.state != segOpen {
		sw.mu.Unlock()
		return
	}
	sw.mu.state = segSealed
	sw.mu.session = nil
	sw.mu.Unlock()
	sw.signal()
	sw.w.segmentSealed(sw)
}

// failed stops the writer for good and fails the EventWriter.
func (sw *segmentWriter) failed(s *appendSession, err error) {
	s.conn.unregister(s.id)
	sw.mu.Lock()
	if sw.mu.state != segOpen {
		sw.mu.Unlock()
		return
	}
	sw.mu.state = segFailed
	sw.mu.session = nil
	q := sw.mu.queue
	sw.mu.queue = nil
	sw.mu.Unlock()
	sw.signal()
	sw.w.fail(err)
	sw.w.flow.release(q)
	callDone(q, err)
}

// takeQueue returns the unacknowledged events of a sealed writer.
func (sw *segmentWriter) takeQueue() []*pendingEvent {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	q := sw.mu.queue
	sw.mu.queue = nil
	return q
}

// position is the segment length last acknowledged (-1: none yet).
func (sw *segmentWriter) position() int64 {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	return sw.mu.offset
}

// appendSession is one SetupAppend on one connection; every reply for it
// carries the SetupAppend's requestId.
type appendSession struct {
	sw    *segmentWriter
	conn  *conn
	id    int64
	ready chan error // cap 1: the outcome of the setup
}

func (s *appendSession) setupDone(err error) {
	select {
	case s.ready <- err:
	default:
	}
}

func (s *appendSession) onReply(cmd wire.Command) {
	sw := s.sw
	switch r := cmd.(type) {
	case *wire.AppendSetup:
		sw.established(s, r.LastEventNumber)
		s.setupDone(nil)
	case *wire.DataAppended:
		sw.acked(s, r.EventNumber, r.CurrentSegmentWriteOffset)
	case *wire.SegmentIsSealed:
		sw.sealed(s)
		s.setupDone(fmt.Errorf("%s: %w", sw.seg, errSegmentSealed))
	case *wire.WrongHost:
		sw.w.c.forgetEndpoint(sw.seg)
		sw.broken(s)
		s.setupDone(fmt.Errorf("%w: wrong host for %s", ErrConnection, sw.seg))
	case *wire.InvalidEventNumber:
		// Another connection of this writer got ahead (its appends landed
		// after our setup); the server closes this connection. A new setup
		// learns the true last event number.
		sw.w.c.cfg.log.Warn("invalid event number; setting up again", "segment", sw.seg.Name(), "event", r.EventNumber)
		sw.broken(s)
		s.setupDone(fmt.Errorf("%w: invalid event number", ErrConnection))
	case *wire.AuthTokenCheckFailed:
		sw.w.c.tokens.invalidate(sw.seg.Scope, sw.seg.Stream)
		err := fmt.Errorf("%w: segment store refused the token for %s", ErrAuth, sw.seg)
		if r.ErrorCode == wire.AuthErrorTokenExpired {
			sw.broken(s)
		} else {
			sw.failed(s, err)
		}
		s.setupDone(err)
	case *wire.NoSuchSegment:
		err := fmt.Errorf("write to %s: %w", sw.seg, ErrNoSuchSegment)
		sw.failed(s, err)
		s.setupDone(err)
	default:
		err := fmt.Errorf("%w: unexpected reply %v to an append on %s", ErrProtocol, cmd.Type(), sw.seg)
		sw.failed(s, err)
		s.setupDone(err)
	}
}

func (s *appendSession) onClose(err error) {
	s.sw.broken(s)
	s.setupDone(err)
}
