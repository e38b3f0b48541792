package container

import (
	"sync"

	"github.com/sluicestream/sluice/internal/vfs"
)

// chunkBuffers keeps the buffers that chunks are assembled in between
// flushes, for every container in the process. A fresh 16 MiB buffer per
// chunk had its pages faulted in anew each time: 30–150 ms per chunk on the
// virtual machines measured, during which the journal's commits on the
// same machine stalled as long (p99 acknowledgement latency at 150k
// events/s rose from ~7 to ~10+ ms). At most maxKept buffers are kept, so
// idle memory stays bounded however many containers there are. Buffers are
// aligned for direct I/O, which the filesystem LTS uses to write chunks
// around the page cache.
var chunkBuffers chunkBufferPool

const maxKeptChunkBuffers = 2

type chunkBufferPool struct {
	mu   sync.Mutex
	free [][]byte
}

// get returns an empty aligned buffer of at least size bytes' capacity.
func (p *chunkBufferPool) get(size int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		if cap(b) >= size {
			return b
		}
	}
	return vfs.AlignedBuffer(size)
}

// put returns b for reuse, or drops it when enough buffers are kept.
func (p *chunkBufferPool) put(b []byte) {
	if cap(b) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < maxKeptChunkBuffers {
		p.free = append(p.free, b[:0])
	}
}
