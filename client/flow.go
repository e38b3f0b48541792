package client

import (
	"context"
	"sync"
)

// flow bounds a writer's in-flight bytes (events accepted by Write and not
// yet acknowledged) and lets Flush wait for the events accepted before it.
// Events are counted per flush generation: Flush starts a new generation
// and waits until the older ones are empty, so writes that continue during
// a Flush cannot starve it. A writer error is sticky: it ends every wait.
type flow struct {
	limit int64

	mu      sync.Mutex
	bytes   int64
	gen     uint64         // generation of newly accepted events
	pending map[uint64]int // unacknowledged events per generation
	err     error
	changed chan struct{} // closed and replaced when events complete or err is set
}

func newFlow(limit int64) *flow {
	return &flow{limit: limit, pending: make(map[uint64]int), changed: make(chan struct{})}
}

// acquire reserves room for ev, waiting while the limit is reached. An
// event larger than the limit passes when nothing else is in flight.
func (f *flow) acquire(ctx context.Context, ev *pendingEvent) error {
	n := int64(len(ev.data))
	for {
		f.mu.Lock()
		if f.err != nil {
			err := f.err
			f.mu.Unlock()
			return err
		}
		if f.bytes == 0 || f.bytes+n <= f.limit {
			f.bytes += n
			ev.gen = f.gen
			f.pending[f.gen]++
			f.mu.Unlock()
			return nil
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release completes acknowledged (or failed) events.
func (f *flow) release(evs []*pendingEvent) {
	if len(evs) == 0 {
		return
	}
	f.mu.Lock()
	for _, ev := range evs {
		f.bytes -= int64(len(ev.data))
		if f.pending[ev.gen]--; f.pending[ev.gen] == 0 {
			delete(f.pending, ev.gen)
		}
	}
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
}

// fail records the writer's first error and wakes every waiter.
func (f *flow) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
		close(f.changed)
		f.changed = make(chan struct{})
	}
}

// waitFlushed waits until every event accepted before the call is
// acknowledged.
func (f *flow) waitFlushed(ctx context.Context) error {
	return f.waitGen(ctx, f.mark())
}

// mark starts a new generation and returns the last one of the events
// accepted so far.
func (f *flow) mark() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gen++
	return f.gen - 1
}

// waitGen waits until no event of generation <= upTo is pending.
func (f *flow) waitGen(ctx context.Context, upTo uint64) error {
	for {
		f.mu.Lock()
		if f.err != nil {
			err := f.err
			f.mu.Unlock()
			return err
		}
		done := true
		for g := range f.pending {
			if g <= upTo {
				done = false
				break
			}
		}
		if done {
			f.mu.Unlock()
			return nil
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
