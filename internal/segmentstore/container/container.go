package container

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
)

// Log is the container's view of its journal log: an ordered, durable record
// sequence. The journal reports durability by calling Container.Durable.
type Log interface {
	// AppendParts appends one record whose payload is head then body.
	AppendParts(head, body []byte) (seq uint64, err error)
	Replay(fn func(seq uint64, payload []byte) error) error
	// LastSeq is the highest sequence number ever assigned, including
	// records truncated away.
	LastSeq() uint64
	// Truncate says the records up to seq are no longer needed.
	Truncate(upTo uint64) error
}

// Config configures a container.
type Config struct {
	ID     int
	Log    Log
	Now    func() time.Time // nil = time.Now
	Logger *slog.Logger     // nil = discard
	// Storage is long-term storage. With nil, segments live only in the
	// journal and in memory (tests); the journal is never truncated.
	Storage Storage
	// Tiering tunes the storage writer; zero fields take defaults.
	Tiering Tiering
}

// Container owns the segments of one container id: it validates operations,
// journals them, applies them once durable and answers reads.
//
// Lock order: c.mu only; callbacks run with no lock held.
type Container struct {
	id     int
	log    Log
	now    func() time.Time
	logger *slog.Logger

	wake    chan struct{}
	stop    chan struct{}
	stopped sync.WaitGroup
	// durableSeq and failure are written by the journal's goroutine.
	durableSeq atomic.Uint64
	failure    atomic.Pointer[error]

	storage   Storage
	tiering   Tiering
	tierMu    sync.Mutex      // serialises storage writer passes
	ctx       context.Context // cancelled by Close; bounds storage I/O
	cancel    context.CancelFunc
	flushWake chan struct{}
	ltsReads  chan struct{} // bounds concurrent reads from long-term storage

	mu struct {
		sync.Mutex
		// space is signalled when unflushed bytes drop (appends may wait
		// for it) or the container closes.
		space    *sync.Cond
		segments map[string]*segment // accepted view: creation accepted, deletion not
		durable  map[string]*segment // durable view: creation durable, deletion not
		byID     map[uint64]*segment // every segment not yet durably deleted
		nextID   uint64
		lastSeq  uint64 // sequence of the last record journaled
		queue    fifo
		merged   map[string]mergedInto // recently merged sources, to answer retries
		encBuf   []byte
		closed   bool
		failed   error
		// Tiering state.
		garbage    []string // chunks no longer referenced, to delete
		journaled  int64    // bytes journaled since the last checkpoint
		checkpoint *pendingCheckpoint
		unflushed  int64 // durable bytes not yet in long-term storage (estimate)
		waiting    int   // appends waiting for unflushed to drop
		// backpressureSince is when waiting last rose from zero.
		backpressureSince time.Time
	}
	stats counters
}

type mergedInto struct {
	target string
}

// Open recovers the container from its log and starts it.
func Open(cfg Config) (*Container, error) {
	c := &Container{
		id:     cfg.ID,
		log:    cfg.Log,
		now:    cfg.Now,
		logger: cfg.Logger,
		wake:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	c.storage, c.tiering = cfg.Storage, cfg.Tiering.withDefaults()
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.flushWake = make(chan struct{}, 1)
	c.ltsReads = make(chan struct{}, 16)
	c.mu.space = sync.NewCond(&c.mu.Mutex)
	c.mu.segments = make(map[string]*segment)
	c.mu.durable = make(map[string]*segment)
	c.mu.byID = make(map[uint64]*segment)
	c.mu.merged = make(map[string]mergedInto)
	c.mu.nextID = 1

	began := time.Now()
	records, bytes := 0, 0
	err := c.log.Replay(func(seq uint64, payload []byte) error {
		o, err := decodeOp(payload)
		if err != nil {
			return fmt.Errorf("container %d record %d: %w", c.id, seq, err)
		}
		switch o.kind {
		case opCheckpoint:
			// Only a checkpoint that starts the replay matters: the records
			// before it were truncated. Later ones restate what replay built.
			if records == 0 {
				if err := c.loadSnapshotLocked(o.data); err != nil {
					return fmt.Errorf("container %d checkpoint %d: %w", c.id, seq, err)
				}
			}
		case opAppend:
			o.data = append([]byte(nil), o.data...) // payload is only valid during the call
			fallthrough
		default:
			c.applyAccepted(&o)
			c.applyDurable(&o, nil)
		}
		c.mu.lastSeq = seq
		records++
		bytes += len(payload)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recover container %d: %w", c.id, err)
	}
	c.mu.lastSeq = c.log.LastSeq()
	c.durableSeq.Store(c.mu.lastSeq)
	c.logger.Info("container recovered", "container", c.id, "records", records, "bytes", bytes,
		"segments", len(c.mu.segments), "took", time.Since(began).Round(time.Microsecond))

	c.stopped.Add(1)
	go c.completeLoop()
	if c.storage != nil {
		c.mu.Lock()
		c.recountUnflushedLocked()
		c.markMetaAfterRecoveryLocked()
		c.mu.Unlock()
		c.stopped.Add(1)
		go c.storageLoop()
	}
	return c, nil
}

// Durable is the journal's listener: every record up to seq is durable, or
// the journal failed with err. It never blocks.
func (c *Container) Durable(seq uint64, err error) {
	if err != nil {
		c.failure.CompareAndSwap(nil, &err)
	} else {
		for {
			cur := c.durableSeq.Load()
			if seq <= cur || c.durableSeq.CompareAndSwap(cur, seq) {
				break
			}
		}
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Close stops the container. Operations still waiting for durability fail
// with ErrContainerClosed; parked reads are answered as if their segment
// vanished.
func (c *Container) Close() {
	c.mu.Lock()
	if c.mu.closed {
		c.mu.Unlock()
		return
	}
	c.mu.closed = true
	c.mu.space.Broadcast()
	c.mu.Unlock()
	c.cancel()
	close(c.stop)
	c.stopped.Wait()
	// Wait for reads from long-term storage (cancelled above): each holds
	// a slot of ltsReads until its goroutine ends.
	for range cap(c.ltsReads) {
		c.ltsReads <- struct{}{}
	}

	var done completion
	c.mu.Lock()
	for c.mu.queue.len() > 0 {
		p := c.mu.queue.pop()
		fail := p.fail
		done.then(func() { fail(ErrContainerClosed) })
	}
	for _, s := range c.mu.byID {
		for _, w := range s.index.Close() {
			w := w
			done.then(func() { w.Done(readindex.Result{Offset: w.Offset, Deleted: true}) })
		}
	}
	c.mu.Unlock()
	done.run()
}

// completeLoop applies operations as the journal makes them durable.
func (c *Container) completeLoop() {
	defer c.stopped.Done()
	var done completion
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		durable := c.durableSeq.Load()
		c.mu.Lock()
		for c.mu.queue.len() > 0 && c.mu.queue.peek().seq <= durable {
			p := c.mu.queue.pop()
			p.apply(&done)
		}
		if errp := c.failure.Load(); errp != nil && c.mu.failed == nil {
			c.mu.failed = fmt.Errorf("%w: %w", ErrContainerFailed, *errp)
			c.logger.Error("container failed: journal error", "container", c.id, "err", *errp)
			for c.mu.queue.len() > 0 {
				p := c.mu.queue.pop()
				fail, err := p.fail, c.mu.failed
				done.then(func() { fail(err) })
			}
		}
		c.mu.Unlock()
		done.run()
	}
}

// checkLocked reports why the container cannot accept operations.
func (c *Container) checkLocked() error {
	if c.mu.failed != nil {
		return c.mu.failed
	}
	if c.mu.closed {
		return ErrContainerClosed
	}
	return nil
}

// journalLocked appends o to the journal and queues its completion.
func (c *Container) journalLocked(o *op, apply func(*completion), fail func(error)) error {
	c.mu.encBuf = o.encodeHead(c.mu.encBuf[:0])
	seq, err := c.log.AppendParts(c.mu.encBuf, o.data)
	if err != nil {
		if c.mu.failed == nil {
			c.mu.failed = fmt.Errorf("%w: %w", ErrContainerFailed, err)
		}
		return c.mu.failed
	}
	c.mu.lastSeq = seq
	c.mu.journaled += int64(len(c.mu.encBuf) + len(o.data))
	c.mu.queue.push(pending{seq: seq, apply: apply, fail: fail})
	return nil
}

// barrierLocked queues apply to run once everything journaled so far is
// durable. It reports whether it ran already (nothing was in flight), in which
// case apply has added its callbacks to done.
func (c *Container) barrierLocked(done *completion, apply func(*completion), fail func(error)) {
	if c.mu.queue.len() == 0 && c.mu.lastSeq <= c.durableSeq.Load() {
		apply(done)
		return
	}
	c.mu.queue.push(pending{seq: c.mu.lastSeq, apply: apply, fail: fail})
}

func (c *Container) nowMillis() int64 { return c.now().UnixMilli() }

// lookupLocked finds a segment in the accepted view.
func (c *Container) lookupLocked(name string) (*segment, error) {
	s, ok := c.mu.segments[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoSuchSegment, name)
	}
	return s, nil
}

// durableLocked finds a segment whose creation is durable and whose deletion
// is not.
func (c *Container) durableLocked(name string) (*segment, error) {
	s, ok := c.mu.durable[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoSuchSegment, name)
	}
	return s, nil
}
