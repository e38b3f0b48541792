package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/wire"
)

// EventRead is what Reader.ReadNext returns: an event, or a checkpoint
// marker (Checkpoint set, no event).
type EventRead struct {
	Event      []byte
	Segment    Segment
	Offset     int64  // offset of the event's header in the segment
	Checkpoint string // name of a checkpoint this reader has reached
}

// Reader is one member of a reader group. It holds some of the group's
// segments, reads them in parallel (one fetch goroutine per segment, owned
// by the reader and stopped by Close), and every RefreshInterval it reports
// its positions, takes or gives back segments so that every reader holds
// ceil(segments / readers), and looks for checkpoints. A segment's
// successors become available only when all their predecessors have been
// read to the end, so events of one routing key come in order.
//
// ReadNext is not safe for concurrent use, nor concurrently with Close;
// Client.Close stops a reader safely at any time.
type Reader struct {
	g       *ReaderGroup
	id      string
	state   *tableSync
	refresh time.Duration
	ctx     context.Context // lifetime of the fetch goroutines
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	chunks  chan chunk

	closeOnce sync.Once
	stopped   chan struct{} // closed by stop
	fetchMu   sync.Mutex    // orders starting fetches against stop
	fetchDone bool

	// Owned by the goroutine calling ReadNext.
	owned   map[Segment]*ownedSegment
	next    time.Time // next state refresh
	offline bool
	rr      int
}

// ownedSegment is a segment the reader holds.
type ownedSegment struct {
	seg    Segment
	offset int64  // offset of buf[0]: the position after the last event returned
	buf    []byte // fetched, not yet returned
	eof    bool   // the fetch reached the end of the sealed segment
	fetch  *segFetch
}

// segFetch is one fetch goroutine; it sends a chunk, then waits for more.
type segFetch struct {
	cancel context.CancelFunc
	more   chan struct{}
}

type chunk struct {
	f    *segFetch
	seg  Segment
	data []byte
	err  error
}

// NewReader adds a reader to the group (ErrReaderExists if one with that
// id is online) and returns it; it acquires segments on its first read.
// Close it when done, or declare it gone with ReaderOffline.
func (g *ReaderGroup) NewReader(ctx context.Context, readerID string) (*Reader, error) {
	cfg, err := g.Config(ctx)
	if err != nil {
		return nil, err
	}
	r := &Reader{g: g, id: readerID, state: newTableSync(g.state.t), refresh: cfg.RefreshInterval,
		chunks: make(chan chunk), stopped: make(chan struct{}), owned: make(map[Segment]*ownedSegment)}
	if err := r.state.fetch(ctx); err != nil {
		return nil, fmt.Errorf("new reader %q: %w", readerID, err)
	}
	if err := r.state.update(ctx, func(u *syncUpdate) error { return rgAddReader(u, readerID) }); err != nil {
		return nil, fmt.Errorf("new reader %q in %s/%s: %w", readerID, g.scope, g.name, err)
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	if err := g.c.addCloser(r); err != nil {
		r.cancel()
		return nil, err
	}
	return r, nil
}

// ID is the reader's id.
func (r *Reader) ID() string { return r.id }

// ReadNext returns the next event of any segment the reader holds, or a
// checkpoint marker. It waits until there is one or ctx ends.
// ErrReaderOffline: the reader was removed from the group.
func (r *Reader) ReadNext(ctx context.Context) (EventRead, error) {
	ev, err := r.readNext(ctx)
	if err != nil && ctx.Err() != nil {
		return EventRead{}, ctx.Err()
	}
	return ev, err
}

func (r *Reader) readNext(ctx context.Context) (EventRead, error) {
	select {
	case <-r.stopped:
		return EventRead{}, ErrClosed
	default:
	}
	for {
		if r.offline {
			return EventRead{}, fmt.Errorf("reader %q: %w", r.id, ErrReaderOffline)
		}
		if !time.Now().Before(r.next) {
			ev, ok, err := r.refreshState(ctx)
			if err != nil || ok {
				return ev, err
			}
		}
		ev, ok, err := r.nextBuffered(ctx)
		if err != nil || ok {
			return ev, err
		}
		t := time.NewTimer(time.Until(r.next))
		select {
		case ch := <-r.chunks:
			t.Stop()
			if err := r.onChunk(ctx, ch); err != nil {
				return EventRead{}, err
			}
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return EventRead{}, ctx.Err()
		case <-r.stopped:
			t.Stop()
			return EventRead{}, ErrClosed
		}
	}
}

// nextBuffered returns a buffered event, completing segments read to
// their end on the way.
func (r *Reader) nextBuffered(ctx context.Context) (EventRead, bool, error) {
	segs := sortedSegments(r.owned)
	for i := range segs {
		o := r.owned[segs[(r.rr+i)%len(segs)]]
		if complete(o.buf) { // a fetch may end inside an event
			s := wire.NewEventScanner(o.buf)
			if s.Scan() {
				ev := EventRead{Event: s.Event(), Segment: o.seg, Offset: o.offset}
				o.buf = o.buf[s.Offset():]
				o.offset += int64(s.Offset())
				r.rr = (r.rr + i + 1) % len(segs)
				return ev, true, nil
			}
			if err := s.Err(); err != nil {
				return EventRead{}, false, fmt.Errorf("%w: event at %s:%d: %w", ErrProtocol, o.seg, o.offset, err)
			}
		}
		if o.eof {
			if len(o.buf) > 0 {
				return EventRead{}, false, fmt.Errorf("%w: %d bytes of a partial event at the end of %s",
					io.ErrUnexpectedEOF, len(o.buf), o.seg)
			}
			if err := r.completed(ctx, o); err != nil {
				return EventRead{}, false, err
			}
		}
	}
	return EventRead{}, false, nil
}

// onChunk takes what a fetch goroutine sent.
func (r *Reader) onChunk(ctx context.Context, ch chunk) error {
	o := r.owned[ch.seg]
	if o == nil || o.fetch != ch.f {
		return nil // released meanwhile
	}
	switch {
	case ch.err == nil:
		o.buf = append(o.buf, ch.data...)
		select {
		case ch.f.more <- struct{}{}:
		default:
		}
		return nil
	case errors.Is(ch.err, io.EOF):
		o.eof = true
		return nil
	case errors.Is(ch.err, ErrSegmentTruncated):
		info, err := r.g.c.SegmentInfo(ctx, o.seg)
		if err != nil {
			return err
		}
		r.g.c.cfg.log.Warn("segment truncated; skipping to its start", "segment", o.seg.Name(),
			"from", o.offset, "to", info.StartOffset)
		o.offset, o.buf = info.StartOffset, nil
		r.startFetch(o)
		return nil
	}
	// Transient failures were retried below; start again and report.
	r.startFetch(o)
	return fmt.Errorf("reader %q: %w", r.id, ch.err)
}

// startFetch (re)starts the fetch goroutine of o after its buffer.
func (r *Reader) startFetch(o *ownedSegment) {
	if o.fetch != nil {
		o.fetch.cancel()
	}
	r.fetchMu.Lock()
	defer r.fetchMu.Unlock()
	if r.fetchDone {
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	f := &segFetch{cancel: cancel, more: make(chan struct{}, 1)}
	o.fetch = f
	sr := r.g.c.NewSegmentReader(o.seg, o.offset+int64(len(o.buf)), -1)
	seg := o.seg
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			b, err := sr.Read(ctx)
			if ctx.Err() != nil {
				return
			}
			select {
			case r.chunks <- chunk{f: f, seg: seg, data: b, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			select {
			case <-f.more:
			case <-ctx.Done():
				return
			}
		}
	}()
}

func (r *Reader) drop(o *ownedSegment) {
	if o.fetch != nil {
		o.fetch.cancel()
	}
	delete(r.owned, o.seg)
}

// positions are the reader's offsets: after the last event returned.
func (r *Reader) positions() map[Segment]int64 {
	pos := make(map[Segment]int64, len(r.owned))
	for s, o := range r.owned {
		pos[s] = o.offset
	}
	return pos
}

// goneOffline stops reading after the group dropped the reader.
func (r *Reader) goneOffline(err error) error {
	if errors.Is(err, ErrReaderOffline) || errors.Is(err, ErrNoSuchSegment) {
		r.offline = true
		for _, o := range r.owned {
			r.drop(o)
		}
		return fmt.Errorf("reader %q: %w", r.id, ErrReaderOffline)
	}
	return err
}

// stateTimeout bounds a state change. Changes run detached from the
// caller's context: one that landed on the server but whose reply was
// abandoned would leave the reader unaware of segments the state gives it.
// reconcile repairs such a divergence anyway.
const stateTimeout = 30 * time.Second

func (r *Reader) change(ctx context.Context, fn func(u *syncUpdate) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	return r.state.update(ctx, fn)
}

// reconcile makes the segments read those the state assigns the reader.
func (r *Reader) reconcile(ctx context.Context) error {
	var owned map[Segment]int64
	var oerr error
	if err := r.state.view(ctx, false, func(u *syncUpdate) { owned, oerr = rgOwned(u, r.id) }); err != nil {
		return err
	}
	if oerr != nil {
		return oerr
	}
	for s, o := range r.owned {
		if _, ok := owned[s]; !ok {
			r.drop(o)
		}
	}
	for _, s := range sortedSegments(owned) {
		if _, ok := r.owned[s]; !ok {
			o := &ownedSegment{seg: s, offset: owned[s]}
			r.owned[s] = o
			r.startFetch(o)
		}
	}
	return nil
}

// refreshState reads the group's state; it returns a checkpoint marker if
// one is pending for this reader, else reports positions and balances.
func (r *Reader) refreshState(ctx context.Context) (EventRead, bool, error) {
	r.next = time.Now().Add(r.refresh)
	if err := r.state.fetch(ctx); err != nil {
		return EventRead{}, false, r.goneOffline(err)
	}
	if err := r.reconcile(ctx); err != nil {
		return EventRead{}, false, r.goneOffline(err)
	}
	pos := r.positions()
	var cp string
	err := r.change(ctx, func(u *syncUpdate) error {
		var err error
		if cp, err = rgPendingCheckpoint(u, r.id); err != nil {
			return err
		}
		if cp != "" {
			if err := rgAckCheckpoint(u, r.id, cp, pos); err != nil {
				return err
			}
		}
		return rgUpdatePositions(u, r.id, pos)
	})
	if err != nil {
		return EventRead{}, false, r.goneOffline(err)
	}
	if cp != "" {
		r.next = time.Time{} // balance on the next call
		return EventRead{Checkpoint: cp}, true, nil
	}
	return EventRead{}, false, r.goneOffline(r.balance(ctx))
}

// balance acquires or releases segments towards the fair share.
func (r *Reader) balance(ctx context.Context) error {
	var n int
	var cerr error
	if err := r.state.view(ctx, false, func(u *syncUpdate) { n, cerr = rgAcquireCount(u, r.id) }); err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	for ; n > 0; n-- {
		var ok bool
		err := r.change(ctx, func(u *syncUpdate) error {
			var err error
			_, _, ok, err = rgAssign(u, r.id)
			return err
		})
		if errors.Is(err, errCheckpointPending) {
			r.next = time.Time{}
			return r.reconcile(ctx)
		}
		if err != nil {
			return err
		}
		if !ok {
			break
		}
	}
	if n < 0 && len(r.owned) > 0 {
		segs := sortedSegments(r.owned)
		o := r.owned[segs[len(segs)-1]]
		err := r.change(ctx, func(u *syncUpdate) error { return rgRelease(u, r.id, o.seg, o.offset) })
		if errors.Is(err, errCheckpointPending) {
			r.next = time.Time{}
			return r.reconcile(ctx)
		}
		if err != nil {
			return err
		}
		r.drop(o)
	}
	return r.reconcile(ctx)
}

// completed records that o was read to its end and makes its successors
// available once all their predecessors are done.
func (r *Reader) completed(ctx context.Context, o *ownedSegment) error {
	succ, err := r.g.c.Successors(ctx, o.seg)
	if err != nil {
		return fmt.Errorf("successors of %s: %w", o.seg, err)
	}
	err = r.change(ctx, func(u *syncUpdate) error { return rgCompleted(u, r.id, o.seg, succ) })
	if errors.Is(err, errCheckpointPending) {
		r.next = time.Time{} // reach the checkpoint first
		return nil
	}
	if err != nil {
		return r.goneOffline(err)
	}
	r.drop(o)
	r.next = time.Time{} // acquire the successors now
	return nil
}

// Close stops reading and leaves the group: the reader's segments become
// unassigned at the position after the last event ReadNext returned.
func (r *Reader) Close(ctx context.Context) error {
	r.stop()
	if r.offline {
		return nil
	}
	pos := r.positions()
	r.offline = true
	err := r.state.update(ctx, func(u *syncUpdate) error { return rgRemoveReader(u, r.id, pos) })
	if errors.Is(err, ErrReaderOffline) || errors.Is(err, ErrNoSuchSegment) {
		return nil
	}
	return err
}

// stop ends the fetch goroutines; the Client calls it on Close.
func (r *Reader) stop() {
	r.closeOnce.Do(func() {
		close(r.stopped)
		r.fetchMu.Lock()
		r.fetchDone = true
		r.fetchMu.Unlock()
		r.cancel()
		r.wg.Wait()
		r.g.c.removeCloser(r)
	})
}
