package journal

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/vfs"
)

// writer is the state owned by the writer goroutine.
type writer struct {
	active    vfs.File // last file, open for appending
	size      int64    // bytes in active
	headerLen int64    // header bytes at the start of active
	// growing: active was not prepared (the first file, or the last one
	// after recovery), so each commit also journals its new size. The
	// writer moves to a prepared file as soon as one is ready.
	growing bool
	files   []*fileMeta // files on disk, oldest first; the last is active
	known   []*Log      // every log that has ever had a record in the journal
	batch   []byte      // the batch being written; swapped with mu.buf
	hdrBuf  []byte

	lanes    []vfs.File     // descriptors of active free for an fsync
	laneFile vfs.File       // the file lanes were opened on
	opened   []vfs.File     // every lane descriptor of laneFile
	pending  []pendingBatch // written, not yet known durable, oldest first
	nextID   uint64         // id of the last batch written
	synced   uint64         // every batch up to this id is durable
	spare    [][]batchEntry // entry slices to reuse
	syncs    sync.WaitGroup // fsyncs running
}

// pendingBatch is a batch written to the active file whose fsync has not
// yet been seen to complete.
type pendingBatch struct {
	id      uint64
	entries []batchEntry
	bytes   int
	began   time.Time
}

// syncResult is a finished fsync, posted to mu.synced by its goroutine.
type syncResult struct {
	id   uint64 // the last batch written before the fsync began
	lane vfs.File
	err  error
}

// fileMeta is what the writer knows about a file on disk: the highest seq
// of every log with data records in it. The file is obsolete, and can be
// deleted, when every such log is durably truncated at or beyond that seq
// and the file is not the active one.
type fileMeta struct {
	num    uint64
	maxSeq map[*Log]uint64
	end    int64 // valid bytes at Open (recovered files only)
}

func (f *fileMeta) obsolete() bool {
	for l, seq := range f.maxSeq {
		if l.wTrunc < seq {
			return false
		}
	}
	return true
}

// run is the writer goroutine. It swaps out the accumulated batch, writes
// it with one write call and starts an fsync for it, and takes the next
// batch at once while that fsync runs, up to Options.ConcurrentSyncs of
// them: Linux merges concurrent flushes of a disk, so overlapping fsyncs
// commit more batches per second, each sooner, than one at a time. When an
// fsync returns, every batch written before it began is durable and is
// reported, in order. It repeats until Close, after draining, or until a
// failure.
func (j *Journal) run() {
	defer close(j.done)
	defer j.w.syncs.Wait()
	for {
		j.mu.Lock()
		for !j.writerHasWorkLocked() {
			j.work.Wait()
		}
		synced := j.mu.synced
		j.mu.synced = nil
		take := len(j.mu.buf) > 0 && j.canCommit()
		var entries []batchEntry
		if take {
			entries = j.mu.entries
			j.mu.buf, j.w.batch = j.w.batch[:0], j.mu.buf
			j.mu.entries = j.spareEntries()
			j.mu.gen++
			j.mu.inflight += len(j.w.batch)
		}
		exit := !take && len(synced) == 0 && j.mu.closing && len(j.mu.buf) == 0 && len(j.w.pending) == 0
		j.mu.Unlock()
		if exit {
			return
		}
		err := j.completeSyncs(synced)
		if err == nil && take {
			err = j.commit(j.w.batch, entries)
		}
		if err != nil {
			j.fail(err)
			return
		}
	}
}

// writerHasWorkLocked: a finished fsync to process, a batch to take and a
// lane for it, or a drained journal to close.
func (j *Journal) writerHasWorkLocked() bool {
	return len(j.mu.synced) > 0 ||
		len(j.mu.buf) > 0 && j.canCommit() ||
		j.mu.closing && len(j.mu.buf) == 0 && len(j.w.pending) == 0
}

// canCommit reports whether a batch can be written now: a lane is free for
// its fsync (or there is no fsync), or lanes are yet to be opened.
func (j *Journal) canCommit() bool {
	return j.opts.NoSync || len(j.w.lanes) > 0 || j.w.laneFile != j.w.active
}

func (j *Journal) spareEntries() []batchEntry {
	if n := len(j.w.spare); n > 0 {
		e := j.w.spare[n-1]
		j.w.spare = j.w.spare[:n-1]
		return e
	}
	return nil
}

// fail records err as the journal's failure and reports it to every log.
func (j *Journal) fail(err error) {
	j.mu.Lock()
	j.mu.failed = fmt.Errorf("%w: %w", ErrFailed, err)
	failed := j.mu.failed
	logs := make([]*Log, 0, len(j.mu.logs))
	for _, l := range j.mu.logs {
		logs = append(logs, l)
	}
	j.space.Broadcast()
	j.mu.Unlock()
	j.logger.Error("journal failed; every later append fails", "dir", j.dir, "err", err)
	for _, l := range logs {
		l.notify(l.wLast, failed)
	}
}

// commit writes batch to the journal and starts its fsync, first moving to
// a new file if the batch would take the active one past FileSize, or the
// active one is growing and a prepared file is ready.
func (j *Journal) commit(batch []byte, entries []batchEntry) error {
	full := j.w.size+int64(len(batch)) > j.opts.FileSize
	if j.w.size > j.w.headerLen && (full || j.w.growing && j.preparedReady()) {
		if err := j.drain(); err != nil {
			return err
		}
		if err := j.roll(); err != nil {
			return err
		}
	}
	if err := j.openLanes(); err != nil {
		return err
	}
	name := j.active()
	began := time.Now()
	if _, err := j.w.active.Write(batch); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	j.w.size += int64(len(batch))
	j.stats.bytes.Add(uint64(len(batch)))
	j.w.nextID++
	id := j.w.nextID
	j.w.pending = append(j.w.pending, pendingBatch{id: id, entries: entries, bytes: len(batch), began: began})
	if j.opts.NoSync {
		return j.completeSyncs([]syncResult{{id: id}})
	}
	lane := j.w.lanes[len(j.w.lanes)-1]
	j.w.lanes = j.w.lanes[:len(j.w.lanes)-1]
	j.w.syncs.Add(1)
	go func() {
		defer j.w.syncs.Done()
		err := lane.Sync()
		if err != nil {
			err = fmt.Errorf("sync %s: %w", name, err)
		}
		j.mu.Lock()
		j.mu.synced = append(j.mu.synced, syncResult{id: id, lane: lane, err: err})
		j.work.Signal()
		j.mu.Unlock()
	}()
	return nil
}

// openLanes opens Options.ConcurrentSyncs descriptors of the active file
// for fsyncs, unless they are open. Each fsync has its own descriptor
// because Linux reports a writeback error once per descriptor: on a shared
// one, a concurrent fsync could consume the error of a batch whose own
// fsync then returns success.
func (j *Journal) openLanes() error {
	if j.opts.NoSync || j.w.laneFile == j.w.active {
		return nil
	}
	j.closeLanes()
	for range j.opts.ConcurrentSyncs {
		f, err := j.fs.OpenFile(j.active())
		if err != nil {
			return fmt.Errorf("open %s for fsync: %w", j.active(), err)
		}
		j.w.opened = append(j.w.opened, f)
		j.w.lanes = append(j.w.lanes, f)
	}
	j.w.laneFile = j.w.active
	return nil
}

// closeLanes closes the fsync descriptors; no fsync may be running.
func (j *Journal) closeLanes() {
	for _, f := range j.w.opened {
		_ = f.Close()
	}
	clear(j.w.opened)
	j.w.opened = j.w.opened[:0]
	clear(j.w.lanes)
	j.w.lanes = j.w.lanes[:0]
	j.w.laneFile = nil
}

// drain waits for every running fsync and reports what they made durable.
// (An fsync may still run when no batch is pending: a later one finished
// first and covered them all.)
func (j *Journal) drain() error {
	for len(j.w.lanes) < len(j.w.opened) {
		j.mu.Lock()
		for len(j.mu.synced) == 0 {
			j.work.Wait()
		}
		synced := j.mu.synced
		j.mu.synced = nil
		j.mu.Unlock()
		if err := j.completeSyncs(synced); err != nil {
			return err
		}
	}
	return nil
}

// completeSyncs takes finished fsyncs: their lanes are free again, and
// every pending batch up to the newest one they cover is durable and is
// reported. A failed fsync is the journal's failure: the kernel may have
// dropped the pages, and no later fsync would say so again.
func (j *Journal) completeSyncs(done []syncResult) error {
	for _, d := range done {
		if d.lane != nil {
			j.w.lanes = append(j.w.lanes, d.lane)
			j.stats.fsyncs.Add(1)
		}
		if d.err != nil {
			return d.err
		}
		j.w.synced = max(j.w.synced, d.id)
	}
	n := 0
	bytes := 0
	for n < len(j.w.pending) && j.w.pending[n].id <= j.w.synced {
		bytes += j.w.pending[n].bytes
		n++
	}
	if n == 0 {
		return nil
	}
	j.mu.Lock()
	j.mu.inflight -= bytes
	j.space.Broadcast()
	j.mu.Unlock()

	j.maybePrepare()
	truncated := false
	for i := range j.w.pending[:n] {
		b := &j.w.pending[i]
		j.stats.commitLatency.Observe(time.Since(b.began))
		j.stats.batches.Add(1)
		truncated = j.applyCommitted(b.entries) || truncated
		for k := range b.entries {
			if e := &b.entries[k]; e.maxSeq != 0 {
				e.log.notify(e.maxSeq, nil)
			}
		}
		clear(b.entries)
		j.w.spare = append(j.w.spare, b.entries[:0])
	}
	rest := copy(j.w.pending, j.w.pending[n:])
	clear(j.w.pending[rest:])
	j.w.pending = j.w.pending[:rest]
	if truncated {
		j.deleteObsolete()
	}
	return nil
}

func (j *Journal) active() string { return j.path(j.w.files[len(j.w.files)-1].num) }

// roll closes the active file (synced by the previous commit) and starts
// the next one with a header holding every log's state so far, making its
// name durable. The header is made durable together with the first batch
// of the file.
func (j *Journal) roll() error {
	// A preallocated file ends in zeros, which read as a bad record; only
	// the last file may end that way, so cut this one to what it holds.
	if err := j.w.active.Truncate(j.w.size); err != nil {
		return fmt.Errorf("truncate %s: %w", j.active(), err)
	}
	if !j.opts.NoSync {
		if err := j.w.active.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", j.active(), err)
		}
	}
	j.closeLanes()
	if err := j.w.active.Close(); err != nil {
		j.logger.Warn("journal: close rolled file", "file", j.active(), "err", err)
	}
	j.w.active = nil
	if err := j.createFile(j.w.files[len(j.w.files)-1].num + 1); err != nil {
		return err
	}
	j.deleteObsolete()
	return j.syncDir()
}

// createFile creates file num with a header describing the durable state
// of every known log, and makes it the active file. It does not sync.
func (j *Journal) createFile(num uint64) error {
	name := j.path(num)
	f, prepared := j.takePrepared(name)
	if !prepared {
		var err error
		if f, err = j.fs.Create(name); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
	}
	h := fileHeader{num: num, entries: make([]headerEntry, 0, len(j.w.known))}
	for _, l := range j.w.known {
		h.entries = append(h.entries, headerEntry{container: l.id, lastSeq: l.wLast, trunc: l.wTrunc})
	}
	slices.SortFunc(h.entries, func(a, b headerEntry) int { return cmp.Compare(a.container, b.container) })
	j.w.hdrBuf = h.encode(j.w.hdrBuf[:0])
	if _, err := f.Write(j.w.hdrBuf); err != nil {
		_ = f.Close()
		return fmt.Errorf("write header of %s: %w", name, err)
	}
	j.w.active = f
	j.w.growing = !prepared
	j.w.size = int64(len(j.w.hdrBuf))
	j.w.headerLen = j.w.size
	j.w.files = append(j.w.files, &fileMeta{num: num, maxSeq: make(map[*Log]uint64)})
	j.stats.bytes.Add(uint64(len(j.w.hdrBuf)))
	j.stats.created.Add(1)
	j.stats.files.Add(1)
	return nil
}

func (j *Journal) syncDir() error {
	if j.opts.NoSync {
		return nil
	}
	if err := j.fs.SyncDir(j.dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", j.dir, err)
	}
	j.stats.dirSyncs.Add(1)
	return nil
}

// applyCommitted advances the writer's view of every log after a durable
// commit and reports whether a truncation point moved.
func (j *Journal) applyCommitted(entries []batchEntry) (truncated bool) {
	cur := j.w.files[len(j.w.files)-1]
	records := 0
	for i := range entries {
		e := &entries[i]
		l := e.log
		if !l.wKnown {
			l.wKnown = true
			j.w.known = append(j.w.known, l)
		}
		if e.maxSeq != 0 {
			records += int(e.maxSeq - l.wLast)
			l.wLast = e.maxSeq
			cur.maxSeq[l] = e.maxSeq
		}
		records += e.truncs
		if e.trunc > l.wTrunc {
			l.wTrunc = e.trunc
			truncated = true
		}
	}
	j.stats.records.Add(uint64(records))
	return truncated
}

// deleteObsolete hands the files no log needs any more to the remover.
func (j *Journal) deleteObsolete() {
	last := len(j.w.files) - 1
	kept := j.w.files[:0]
	var obsolete []uint64
	for i, f := range j.w.files {
		if i == last || !f.obsolete() {
			kept = append(kept, f)
			continue
		}
		obsolete = append(obsolete, f.num)
	}
	clear(j.w.files[len(kept):])
	j.w.files = kept
	j.removeLater(obsolete)
}
