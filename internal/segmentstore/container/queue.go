package container

// pending is an accepted operation waiting for the journal to make it
// durable. A barrier (no journal record of its own) carries the sequence
// number of the last record before it.
type pending struct {
	seq   uint64
	apply func(*completion) // applies the durable effects; runs under c.mu
	fail  func(error)       // reports that the operation will never complete
}

// fifo is a queue of pending operations in sequence order.
type fifo struct {
	items []pending
	head  int
}

func (q *fifo) push(p pending) { q.items = append(q.items, p) }

func (q *fifo) len() int { return len(q.items) - q.head }

func (q *fifo) peek() *pending { return &q.items[q.head] }

func (q *fifo) pop() pending {
	p := q.items[q.head]
	q.items[q.head] = pending{}
	q.head++
	if q.head == len(q.items) {
		q.items = q.items[:0]
		q.head = 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items = q.items[:n]
		q.head = 0
	}
	return p
}

// completion collects the callbacks that run after c.mu is released.
type completion struct {
	calls []func()
}

func (c *completion) then(fn func()) { c.calls = append(c.calls, fn) }

func (c *completion) run() {
	for i, fn := range c.calls {
		fn()
		c.calls[i] = nil
	}
	c.calls = c.calls[:0]
}
