package journal

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"
)

const readBufferSize = 256 << 10

// recState is a container's state while recovery scans the files.
type recState struct {
	log     *Log
	last    uint64 // highest seq seen, in a record or a header
	trunc   uint64 // highest truncation point seen
	missing uint64 // seqs up to here may be in deleted files: must be <= final trunc
}

// recovery scans the journal's files in order and rebuilds every log.
type recovery struct {
	j       *Journal
	states  map[uint32]*recState
	br      *bufio.Reader
	records int
}

func (r *recovery) state(c uint32) *recState {
	s, ok := r.states[c]
	if !ok {
		s = &recState{log: r.j.logLocked(c)}
		r.states[c] = s
	}
	return s
}

// recover runs before the writer goroutine starts; it owns everything.
func (j *Journal) recover() error {
	began := time.Now()
	names, err := j.fs.List(j.dir)
	if err != nil {
		return err
	}
	var nums []uint64
	for _, n := range names {
		if n == preparedName { // a fill that may not have finished
			if err := j.fs.Remove(filepath.Join(j.dir, n)); err != nil {
				return err
			}
			continue
		}
		if num, ok := parseFileName(n); ok {
			nums = append(nums, num)
		}
	}
	slices.Sort(nums)

	r := &recovery{j: j, states: make(map[uint32]*recState)}
	var lastEnd, lastSize, lastHeader int64
	nextNum := uint64(1)
	for i, num := range nums {
		last := i == len(nums)-1
		meta, hlen, end, size, err := r.scanFile(num, last)
		if err != nil && last && errors.Is(err, errBadHeader) && (i > 0 || num == 1) {
			// Created by a roll (or by the first Open) that never became
			// durable: nothing in it was ever reported durable.
			j.logger.Warn("journal: removing last file with a torn header", "file", j.path(num), "err", err)
			if err := j.fs.Remove(j.path(num)); err != nil {
				return err
			}
			nextNum = num
			break
		}
		if err != nil {
			return err
		}
		j.w.files = append(j.w.files, meta)
		lastEnd, lastSize, lastHeader = end, size, hlen
		nextNum = num + 1
	}
	if err := r.finish(); err != nil {
		return err
	}

	if len(j.w.files) == 0 {
		if err := j.createFile(nextNum); err != nil {
			return err
		}
		if err := j.w.active.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", j.active(), err)
		}
	} else if err := j.openActive(lastEnd, lastSize, lastHeader); err != nil {
		return err
	}
	if err := j.fs.SyncDir(j.dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", j.dir, err)
	}
	j.stats.files.Store(int64(len(j.w.files)))
	j.deleteObsolete()
	j.logger.Info("journal recovered", "dir", j.dir, "files", len(j.w.files), "containers", len(r.states),
		"records", r.records, "took", time.Since(began).Round(time.Microsecond))
	return nil
}

// openActive opens the last file for appending, cutting off a torn tail,
// and makes what it holds durable: records recovered from it may have been
// written but never synced before the crash, and seqs continue after them.
func (j *Journal) openActive(end, size, headerLen int64) error {
	name := j.active()
	f, err := j.fs.OpenFile(name)
	if err != nil {
		return err
	}
	j.w.active = f
	j.w.growing = true // cut to what it holds: no prepared space after it
	if end < size {
		j.logger.Warn("journal: truncating torn tail of last file", "file", name, "offset", end, "bytes", size-end)
		if err := f.Truncate(end); err != nil {
			return fmt.Errorf("truncate %s: %w", name, err)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", name, err)
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("seek %s: %w", name, err)
	}
	j.w.size, j.w.headerLen = end, headerLen
	return nil
}

// scanFile validates one file and applies its header and records to the
// recovery state. In the last file, a bad record ends the scan (a torn
// tail: end is where it starts); anywhere else it is ErrCorrupt. A bad
// header is returned wrapping errBadHeader (and ErrCorrupt).
func (r *recovery) scanFile(num uint64, last bool) (meta *fileMeta, headerLen, end, size int64, err error) {
	name := r.j.path(num)
	f, err := r.j.fs.Open(name)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	defer func() { _ = f.Close() }() // read-only
	if size, err = f.Size(); err != nil {
		return nil, 0, 0, 0, err
	}
	if r.br == nil {
		r.br = bufio.NewReaderSize(f, readBufferSize)
	} else {
		r.br.Reset(f)
	}
	corrupt := func(err error) error { return fmt.Errorf("%w: %s: %w", ErrCorrupt, name, err) }
	hdr, err := readHeader(r.br, size)
	if errors.Is(err, errBadHeader) {
		return nil, 0, 0, size, corrupt(err)
	}
	if err != nil {
		return nil, 0, 0, size, fmt.Errorf("read %s: %w", name, err)
	}
	if hdr.num != num {
		return nil, 0, 0, size, corrupt(fmt.Errorf("header says file %d", hdr.num))
	}
	if err := r.applyHeader(&hdr); err != nil {
		return nil, 0, 0, size, corrupt(err)
	}
	meta = &fileMeta{num: num, maxSeq: make(map[*Log]uint64)}
	sc := scanner{r: r.br, off: hdr.size(), limit: size}
	for {
		rec, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if last && errors.Is(err, errBadRecord) {
				break // torn tail
			}
			if errors.Is(err, errBadRecord) {
				return nil, 0, 0, size, corrupt(err)
			}
			return nil, 0, 0, size, fmt.Errorf("read %s: %w", name, err)
		}
		if err := r.applyRecord(&rec, meta); err != nil {
			return nil, 0, 0, size, corrupt(fmt.Errorf("record at offset %d: %w", sc.off, err))
		}
		r.records++
	}
	meta.end = sc.off
	return meta, hdr.size(), sc.off, size, nil
}

func (r *recovery) applyHeader(h *fileHeader) error {
	for _, e := range h.entries {
		s := r.state(e.container)
		switch {
		case e.lastSeq < s.last:
			return fmt.Errorf("container %d: header last seq %d, earlier files hold %d", e.container, e.lastSeq, s.last)
		case e.trunc < s.trunc:
			return fmt.Errorf("container %d: header truncation point %d, earlier files hold %d", e.container, e.trunc, s.trunc)
		case e.trunc > e.lastSeq:
			return fmt.Errorf("container %d: header truncation point %d beyond last seq %d", e.container, e.trunc, e.lastSeq)
		}
		if e.lastSeq > s.last {
			s.missing, s.last = e.lastSeq, e.lastSeq
		}
		s.trunc = e.trunc
	}
	for c, s := range r.states {
		if s.last == 0 {
			continue
		}
		if _, found := slices.BinarySearchFunc(h.entries, c, func(e headerEntry, c uint32) int {
			return cmp.Compare(e.container, c)
		}); !found {
			return fmt.Errorf("container %d (last seq %d) missing from header", c, s.last)
		}
	}
	return nil
}

func (r *recovery) applyRecord(rec *record, meta *fileMeta) error {
	s := r.state(rec.container)
	switch rec.kind {
	case kindData:
		if rec.seq != s.last+1 {
			return fmt.Errorf("container %d: seq %d follows %d", rec.container, rec.seq, s.last)
		}
		s.last = rec.seq
		meta.maxSeq[s.log] = rec.seq
	case kindTruncate:
		if rec.seq > s.last {
			return fmt.Errorf("container %d: truncation to %d beyond last seq %d", rec.container, rec.seq, s.last)
		}
		s.trunc = max(s.trunc, rec.seq)
	}
	return nil
}

// finish checks the end state and hands it to the logs and the writer.
func (r *recovery) finish() error {
	j := r.j
	for c, s := range r.states {
		if s.missing > s.trunc {
			return fmt.Errorf("%w: container %d: seqs up to %d are in deleted files but truncated only to %d",
				ErrCorrupt, c, s.missing, s.trunc)
		}
		l := s.log
		l.lastSeq, l.trunc = s.last, s.trunc
		l.wLast, l.wTrunc, l.wKnown = s.last, s.trunc, true
		l.recovered.lastSeq, l.recovered.trunc = s.last, s.trunc
		j.w.known = append(j.w.known, l)
	}
	slices.SortFunc(j.w.known, func(a, b *Log) int { return cmp.Compare(a.id, b.id) })
	for _, f := range j.w.files {
		for l, seq := range f.maxSeq {
			if seq > l.recovered.trunc {
				l.recovered.spans = append(l.recovered.spans, replaySpan{num: f.num, end: f.end})
			}
		}
	}
	return nil
}
