package journal

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/vfs"
)

// Options configures a Journal. The zero value is valid.
type Options struct {
	// FileSize is the size after which the journal moves on to a new file
	// (default 128 MiB). A file holds whole group commits: a commit that
	// would take the file past FileSize goes to a new file, so a file
	// exceeds FileSize only when a single commit does.
	FileSize int64
	// NoSync skips every fsync. For benchmarks only: nothing is durable,
	// and a crash may leave a journal that Open refuses.
	NoSync bool
	// MaxBufferedBytes bounds the bytes appended but not yet durable (the
	// batch being written plus the one accumulating). Append blocks beyond
	// it. A single record larger than the bound is admitted when nothing
	// else is pending. Default 64 MiB.
	MaxBufferedBytes int
	// ConcurrentSyncs is how many group commits may be syncing at once
	// (default 4). The writer takes the next batch while earlier fsyncs
	// run; the disk merges the concurrent flushes.
	ConcurrentSyncs int
	// Logger receives recovery and failure reports; nil discards them.
	Logger *slog.Logger
}

const (
	defaultFileSize         = 128 << 20
	defaultMaxBufferedBytes = 64 << 20
	defaultConcurrentSyncs  = 4
)

// Journal is a node's tier-1 durable log: one append-only sequence of files
// that multiplexes the logical logs (Log) of all containers on the node.
// One goroutine writes everything appended, from all logs, as one group
// commit and starts its fsync, while the next batch accumulates.
//
// Lock order: Journal.mu only. Listeners are called with no lock held.
type Journal struct {
	fs     vfs.FS
	dir    string
	opts   Options
	logger *slog.Logger

	mu struct {
		sync.Mutex
		logs     map[uint32]*Log
		buf      []byte       // records appended since the last swap
		entries  []batchEntry // per-log summary of buf
		gen      uint64       // identifies the batch accumulating in buf
		inflight int          // bytes of batches written but not yet durable
		synced   []syncResult // fsyncs finished, for the writer to take
		closing  bool         // Close was called
		failed   error        // wraps ErrFailed once a write or sync failed
	}
	work  sync.Cond // writer waits for buf to fill or closing; on mu
	space sync.Cond // appenders wait for buffer space; on mu
	done  chan struct{}
	prep  preparer
	rm    remover

	w     writer // owned by the writer goroutine (by Open before it starts)
	stats counters
}

// batchEntry summarises what one batch holds for one log.
type batchEntry struct {
	log    *Log
	maxSeq uint64 // highest data seq in the batch, 0 if none
	trunc  uint64 // highest truncation point in the batch, 0 if none
	truncs int    // truncate records in the batch
}

// Stats are cumulative counters of a journal since Open.
type Stats struct {
	BytesWritten  uint64 // bytes written to journal files, headers included
	Records       uint64 // records written (data and truncate)
	Batches       uint64 // group commits
	Fsyncs        uint64 // file fsyncs
	DirSyncs      uint64 // directory fsyncs
	FilesCreated  uint64
	FilesDeleted  uint64
	Files         int // journal files on disk now
	BufferedBytes int // bytes appended but not yet durable, now
	// CommitLatency is the time of each group commit's write and fsync.
	CommitLatency metrics.HistogramSnapshot
}

type counters struct {
	bytes, records, batches, fsyncs, dirSyncs, created, deleted atomic.Uint64
	files                                                       atomic.Int64
	commitLatency                                               metrics.Histogram
}

// Open opens the journal in dir, creating dir and a first file if needed,
// and recovers it: it validates every file, truncates a torn tail of the
// last file, and prepares every container's log for Replay. A malformed
// file other than the last one is reported as ErrCorrupt.
func Open(fsys vfs.FS, dir string, opts Options) (*Journal, error) {
	if opts.FileSize <= 0 {
		opts.FileSize = defaultFileSize
	}
	if opts.MaxBufferedBytes <= 0 {
		opts.MaxBufferedBytes = defaultMaxBufferedBytes
	}
	if opts.ConcurrentSyncs <= 0 {
		opts.ConcurrentSyncs = defaultConcurrentSyncs
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	j := &Journal{fs: fsys, dir: dir, opts: opts, logger: opts.Logger, done: make(chan struct{})}
	j.prep.stop = make(chan struct{})
	j.rm.idle.L = &j.rm.mu
	j.mu.logs = make(map[uint32]*Log)
	j.mu.gen = 1
	j.work.L = &j.mu.Mutex
	j.space.L = &j.mu.Mutex
	if opts.NoSync {
		j.logger.Warn("journal: NoSync is set: NOTHING IS DURABLE; use for benchmarks only", "dir", dir)
	}
	if err := fsys.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("open journal %s: %w", dir, err)
	}
	// Make dir's own entry durable in case MkdirAll just created it.
	if err := fsys.SyncDir(filepath.Dir(dir)); err != nil {
		return nil, fmt.Errorf("open journal %s: %w", dir, err)
	}
	if err := j.recover(); err != nil {
		if j.w.active != nil {
			_ = j.w.active.Close()
		}
		return nil, fmt.Errorf("open journal %s: %w", dir, err)
	}
	go j.run()
	return j, nil
}

func (j *Journal) path(num uint64) string { return filepath.Join(j.dir, fileName(num)) }

// Log returns the log of a container, creating it if needed. It returns the
// same *Log for the same id.
func (j *Journal) Log(container uint32) *Log {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.logLocked(container)
}

func (j *Journal) logLocked(container uint32) *Log {
	l, ok := j.mu.logs[container]
	if !ok {
		l = &Log{j: j, id: container}
		j.mu.logs[container] = l
	}
	return l
}

// Close commits everything appended before it (Appends still waiting for
// buffer space fail with ErrClosed), stops the writer goroutine and closes
// the files. It returns the journal's failure, if it failed, and
// ErrClosed if it was already closed. It must not be called from a
// Listener.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.mu.closing {
		j.mu.Unlock()
		return ErrClosed
	}
	j.mu.closing = true
	j.work.Signal()
	j.space.Broadcast()
	j.mu.Unlock()

	<-j.done
	j.stopPreparing()
	j.waitRemoved()
	var err error
	j.mu.Lock()
	failed := j.mu.failed != nil
	j.mu.Unlock()
	if j.w.active != nil && !failed {
		// Leave no preallocated zeros behind a clean shutdown.
		if err = j.w.active.Truncate(j.w.size); err == nil && !j.opts.NoSync {
			err = j.w.active.Sync()
		}
	}
	j.closeLanes()
	if j.w.active != nil {
		if cerr := j.w.active.Close(); err == nil {
			err = cerr
		}
		j.w.active = nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mu.failed != nil {
		return j.mu.failed
	}
	if err != nil {
		return fmt.Errorf("close journal %s: %w", j.dir, err)
	}
	return nil
}

// Stats returns the journal's counters.
func (j *Journal) Stats() Stats {
	j.mu.Lock()
	buffered := len(j.mu.buf) + j.mu.inflight
	j.mu.Unlock()
	return Stats{
		BytesWritten:  j.stats.bytes.Load(),
		Records:       j.stats.records.Load(),
		Batches:       j.stats.batches.Load(),
		Fsyncs:        j.stats.fsyncs.Load(),
		DirSyncs:      j.stats.dirSyncs.Load(),
		FilesCreated:  j.stats.created.Load(),
		FilesDeleted:  j.stats.deleted.Load(),
		Files:         int(j.stats.files.Load()),
		BufferedBytes: buffered,
		CommitLatency: j.stats.commitLatency.Snapshot(),
	}
}

// reserveLocked waits until need more bytes fit under MaxBufferedBytes, or
// returns why they never will.
func (j *Journal) reserveLocked(need int) error {
	for {
		if j.mu.failed != nil {
			return j.mu.failed
		}
		if j.mu.closing {
			return ErrClosed
		}
		pending := len(j.mu.buf) + j.mu.inflight
		if pending == 0 || pending+need <= j.opts.MaxBufferedBytes {
			return nil
		}
		j.space.Wait()
	}
}

// noteLocked records in the accumulating batch's summary that l added a
// record; seq or trunc is zero when the record is not of that kind. It wakes
// the writer when the batch was empty.
func (j *Journal) noteLocked(l *Log, seq, trunc uint64, wasEmpty bool) {
	if l.batchGen != j.mu.gen {
		l.batchGen = j.mu.gen
		l.batchIdx = len(j.mu.entries)
		j.mu.entries = append(j.mu.entries, batchEntry{log: l})
	}
	e := &j.mu.entries[l.batchIdx]
	if seq != 0 {
		e.maxSeq = seq
	}
	if trunc != 0 {
		e.trunc = trunc
		e.truncs++
	}
	if wasEmpty {
		j.work.Signal()
	}
}
