package journal

import (
	"fmt"
	"path/filepath"
	"sync"

	"github.com/sluicestream/sluice/internal/vfs"
)

// preparedName is the zero-filled file that becomes the next journal file.
// Overwriting allocated, written blocks and syncing with fdatasync flushes
// data only; appending to a growing file also journals its size and
// extents, which on the disks measured here made commits several times
// slower and their latency far more erratic.
const preparedName = "next.prealloc"

// preparer zero-fills the next journal file in the background.
type preparer struct {
	mu    sync.Mutex
	busy  bool // a goroutine is filling the file
	ready bool // preparedName holds FileSize zero bytes, synced
	stop  chan struct{}
	wg    sync.WaitGroup
}

// maybePrepare starts filling the next file once the active one is half
// full. Called by the writer goroutine after each commit.
func (j *Journal) maybePrepare() {
	if j.opts.NoSync || j.w.size < j.opts.FileSize/2 {
		return
	}
	p := &j.prep
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy || p.ready || p.stop == nil {
		return
	}
	p.busy = true
	p.wg.Add(1)
	stop := p.stop
	go func() {
		defer p.wg.Done()
		err := j.fill(stop)
		p.mu.Lock()
		p.busy, p.ready = false, err == nil
		p.mu.Unlock()
		if err != nil {
			j.logger.Warn("journal: preparing the next file failed; it will be created on demand", "err", err)
		}
	}()
}

// fill writes FileSize zero bytes to preparedName and syncs them.
func (j *Journal) fill(stop <-chan struct{}) error {
	name := filepath.Join(j.dir, preparedName)
	f, err := j.fs.Create(name)
	if err != nil {
		return err
	}
	zeros := make([]byte, 1<<20)
	for left := j.opts.FileSize; left > 0; left -= int64(len(zeros)) {
		select {
		case <-stop:
			_ = f.Close()
			return fmt.Errorf("journal closing")
		default:
		}
		if _, err := f.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
			_ = f.Close()
			return err
		}
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// takePrepared renames the prepared file to name and opens it, positioned at
// its start. It reports false when no prepared file is ready.
func (j *Journal) takePrepared(name string) (vfs.File, bool) {
	p := &j.prep
	p.mu.Lock()
	ready := p.ready
	p.ready = false
	p.mu.Unlock()
	if !ready {
		return nil, false
	}
	if err := j.fs.Rename(filepath.Join(j.dir, preparedName), name); err != nil {
		j.logger.Warn("journal: using the prepared file failed", "err", err)
		return nil, false
	}
	f, err := j.fs.OpenFile(name)
	if err != nil {
		j.logger.Warn("journal: opening the prepared file failed", "err", err)
		return nil, false
	}
	return f, true
}

// stopPreparing ends a fill in progress and waits for it.
func (j *Journal) stopPreparing() {
	p := &j.prep
	p.mu.Lock()
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
	p.mu.Unlock()
	p.wg.Wait()
}
