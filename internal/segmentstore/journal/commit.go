package journal

import (
	"cmp"
	"fmt"
	"slices"
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
	batch   []byte      // the batch being committed; swapped with mu.buf
	entries []batchEntry
	hdrBuf  []byte
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

// run is the writer goroutine: it swaps out the accumulated batch, commits
// it with one write and one fsync, reports durability, and repeats until
// Close, after draining, or until a failure.
func (j *Journal) run() {
	defer close(j.done)
	for {
		j.mu.Lock()
		for len(j.mu.buf) == 0 && !j.mu.closing {
			j.work.Wait()
		}
		if len(j.mu.buf) == 0 {
			j.mu.Unlock()
			return
		}
		j.mu.buf, j.w.batch = j.w.batch[:0], j.mu.buf
		j.mu.entries, j.w.entries = j.w.entries[:0], j.mu.entries
		j.mu.gen++
		j.mu.inflight = len(j.w.batch)
		j.mu.Unlock()

		rolled, err := j.commit(j.w.batch)

		j.mu.Lock()
		j.mu.inflight = 0
		if err != nil {
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
			return
		}
		j.space.Broadcast()
		j.mu.Unlock()

		j.maybePrepare()
		truncated := j.applyCommitted(j.w.entries)
		for i := range j.w.entries {
			if e := &j.w.entries[i]; e.maxSeq != 0 {
				e.log.notify(e.maxSeq, nil)
			}
		}
		if truncated || rolled {
			j.deleteObsolete()
		}
	}
}

// commit writes batch to the journal and makes it durable, first moving
// to a new file if the batch would take the active one past FileSize, or
// the active one is growing and a prepared file is ready.
func (j *Journal) commit(batch []byte) (rolled bool, err error) {
	full := j.w.size+int64(len(batch)) > j.opts.FileSize
	if j.w.size > j.w.headerLen && (full || j.w.growing && j.preparedReady()) {
		if err := j.roll(); err != nil {
			return false, err
		}
		rolled = true
	}
	name := j.active()
	began := time.Now()
	defer func() { j.stats.commitLatency.Observe(time.Since(began)) }()
	if _, err := j.w.active.Write(batch); err != nil {
		return rolled, fmt.Errorf("write %s: %w", name, err)
	}
	j.w.size += int64(len(batch))
	j.stats.bytes.Add(uint64(len(batch)))
	if !j.opts.NoSync {
		if err := j.w.active.Sync(); err != nil {
			return rolled, fmt.Errorf("sync %s: %w", name, err)
		}
		j.stats.fsyncs.Add(1)
		if rolled {
			if err := j.syncDir(); err != nil {
				return rolled, err
			}
		}
	}
	j.stats.batches.Add(1)
	return rolled, nil
}

func (j *Journal) active() string { return j.path(j.w.files[len(j.w.files)-1].num) }

// roll closes the active file (synced by the previous commit) and starts
// the next one with a header holding every log's state so far. The header
// is made durable together with the first batch of the file.
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
	if err := j.w.active.Close(); err != nil {
		j.logger.Warn("journal: close rolled file", "file", j.active(), "err", err)
	}
	j.w.active = nil
	return j.createFile(j.w.files[len(j.w.files)-1].num + 1)
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

// deleteObsolete removes the files no log needs any more. A file that
// cannot be removed is kept and retried after a later commit.
func (j *Journal) deleteObsolete() {
	last := len(j.w.files) - 1
	kept := j.w.files[:0]
	removed := false
	for i, f := range j.w.files {
		if i == last || !f.obsolete() {
			kept = append(kept, f)
			continue
		}
		if err := j.fs.Remove(j.path(f.num)); err != nil {
			j.logger.Warn("journal: remove obsolete file", "file", j.path(f.num), "err", err)
			kept = append(kept, f)
			continue
		}
		removed = true
		j.stats.deleted.Add(1)
		j.stats.files.Add(-1)
	}
	clear(j.w.files[len(kept):])
	j.w.files = kept
	if removed {
		if err := j.syncDir(); err != nil {
			j.logger.Warn("journal: sync directory after removing files", "err", err)
		}
	}
}
