package client

import (
	"math/bits"
	"sync"

	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Event records (header and payload) are copied into buffers that are
// reused once the event is acknowledged. A fresh buffer per event made the
// writer allocate as many bytes as it sent, and at 200k events/s of 1 KiB
// the garbage collector and the zeroing of new memory took about a fifth of
// the writer's CPU. Buffers come in power-of-two sizes from 64 B to 1 MiB;
// larger events get a buffer of their own. sync.Pool drops idle buffers at
// garbage collections, so a writer that goes quiet gives its memory back.
const (
	minEventBufShift = 6  // 64 B
	maxEventBufShift = 20 // 1 MiB
)

var eventBufPools [maxEventBufShift - minEventBufShift + 1]sync.Pool // of *[]byte

// eventBufClass returns the pool index for a buffer of at least n bytes, or
// -1 if n is too large to pool.
func eventBufClass(n int) int {
	if n > 1<<maxEventBufShift {
		return -1
	}
	shift := minEventBufShift
	if n > 1 {
		shift = max(bits.Len(uint(n-1)), minEventBufShift) // smallest 1<<shift >= n
	}
	return shift - minEventBufShift
}

// newEventRecord frames event into a buffer that is reused after the
// event's acknowledgement (see recycle).
func newEventRecord(routingKey string, event []byte, done func(error)) *pendingEvent {
	n := wire.EventHeaderSize + len(event)
	ev := &pendingEvent{done: done}
	ev.key = naming.RoutingKeyToKey(routingKey)
	class := eventBufClass(n)
	if class < 0 {
		ev.data = wire.AppendEvent(make([]byte, 0, n), event)
		return ev
	}
	buf, _ := eventBufPools[class].Get().(*[]byte)
	if buf == nil {
		b := make([]byte, 0, 1<<(class+minEventBufShift))
		buf = &b
	}
	ev.buf = buf
	ev.data = wire.AppendEvent((*buf)[:0], event)
	return ev
}

// recycle returns ev's buffer for reuse. The event must be acknowledged and
// nothing may read its data any more.
func (ev *pendingEvent) recycle() {
	if ev.buf == nil {
		return
	}
	class := eventBufClass(cap(*ev.buf))
	eventBufPools[class].Put(ev.buf)
	ev.buf, ev.data = nil, nil
}
