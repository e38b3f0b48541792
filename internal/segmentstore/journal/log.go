package journal

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync/atomic"
)

// Listener receives a container's durability reports. It is called from
// the journal's goroutine and must not block (nor call Journal.Close):
// after each group commit holding records of the container, with the
// highest sequence number of the container that is now durable and a nil
// error; and once, with the last durable sequence number and a non-nil
// error wrapping ErrFailed, if the journal fails.
type Listener func(durableSeq uint64, err error)

// Log is one container's logical log inside the journal: a sequence of
// records numbered 1, 2, 3, ... with a truncation point below which the
// container no longer needs them. Its methods are safe for concurrent use.
type Log struct {
	j        *Journal
	id       uint32
	listener atomic.Pointer[Listener]

	// Guarded by j.mu.
	lastSeq  uint64 // highest seq assigned
	trunc    uint64 // highest truncation point requested
	appended bool   // Append was called since Open
	batchGen uint64 // the batch in which entries[batchIdx] belongs to l
	batchIdx int

	// Set by Open; read-only afterwards.
	recovered struct {
		lastSeq uint64
		trunc   uint64
		spans   []replaySpan // files holding records above trunc, oldest first
	}

	// Owned by the writer goroutine.
	wLast  uint64 // highest seq durable in the files
	wTrunc uint64 // highest truncation point durable in the files
	wKnown bool   // l is in writer.known
}

// replaySpan is a file that holds records to replay and how much of it was
// valid at Open.
type replaySpan struct {
	num uint64
	end int64
}

// ID returns the container id of the log.
func (l *Log) ID() uint32 { return l.id }

// SetListener sets the function that receives durability reports (nil to
// stop them). Set it before appending.
func (l *Log) SetListener(fn Listener) {
	if fn == nil {
		l.listener.Store(nil)
		return
	}
	l.listener.Store(&fn)
}

func (l *Log) notify(seq uint64, err error) {
	if fn := l.listener.Load(); fn != nil {
		(*fn)(seq, err)
	}
}

// Append adds a record to the log and returns its sequence number. It
// copies payload (the caller may reuse it at once) and returns without
// waiting for durability, which the Listener reports. It blocks while the
// journal's buffer is full. It fails with ErrTooLarge, ErrClosed or an
// error wrapping ErrFailed.
func (l *Log) Append(payload []byte) (uint64, error) { return l.AppendParts(payload, nil) }

// AppendParts is Append of the payload head followed by body, without the
// caller having to join them first: a container passes its operation header
// and the appended data separately, so the data is copied once, into the
// journal's buffer.
func (l *Log) AppendParts(head, body []byte) (uint64, error) {
	size := len(head) + len(body)
	if size > MaxPayloadSize {
		return 0, fmt.Errorf("%w: %d bytes (max %d)", ErrTooLarge, size, MaxPayloadSize)
	}
	sum := crc32.Update(crc32.Checksum(head, castagnoli), castagnoli, body)
	need := recordHeaderSize + size
	j := l.j
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.reserveLocked(need); err != nil {
		return 0, err
	}
	l.lastSeq++
	l.appended = true
	wasEmpty := len(j.mu.buf) == 0
	j.mu.buf = appendRecord(j.mu.buf, kindData, l.id, l.lastSeq, sum, head, body)
	j.noteLocked(l, l.lastSeq, 0, wasEmpty)
	return l.lastSeq, nil
}

// Truncate records that the container no longer needs the records with
// seq <= upTo. The truncation is durable with the next group commit; the
// journal deletes a file once no container needs any record in it.
// Truncating at or below the current truncation point does nothing;
// truncating beyond LastSeq fails with ErrBeyondEnd.
func (l *Log) Truncate(upTo uint64) error {
	j := l.j
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.mu.failed != nil:
		return j.mu.failed
	case j.mu.closing:
		return ErrClosed
	case upTo > l.lastSeq:
		return fmt.Errorf("%w: container %d: truncate to %d, last seq %d", ErrBeyondEnd, l.id, upTo, l.lastSeq)
	case upTo <= l.trunc:
		return nil
	}
	if err := j.reserveLocked(recordHeaderSize); err != nil {
		return err
	}
	l.trunc = upTo
	wasEmpty := len(j.mu.buf) == 0
	j.mu.buf = appendRecord(j.mu.buf, kindTruncate, l.id, upTo, 0, nil, nil)
	j.noteLocked(l, 0, upTo, wasEmpty)
	return nil
}

// LastSeq returns the highest sequence number assigned in the log: by
// Append, or before Open (even if those records were truncated since).
func (l *Log) LastSeq() uint64 {
	l.j.mu.Lock()
	defer l.j.mu.Unlock()
	return l.lastSeq
}

// TruncatedSeq returns the log's truncation point: records with seq at or
// below it are no longer needed.
func (l *Log) TruncatedSeq() uint64 {
	l.j.mu.Lock()
	defer l.j.mu.Unlock()
	return l.trunc
}

// Replay calls fn, in seq order, for every record recovered by Open with a
// seq above the log's truncation point; they are contiguous and end at
// LastSeq. payload is valid only during the call. An error from fn stops
// the replay and is returned. Replay must be called before the first
// Append; after it, it fails with ErrReplayAfterAppend.
func (l *Log) Replay(fn func(seq uint64, payload []byte) error) error {
	j := l.j
	j.mu.Lock()
	appended, closing := l.appended, j.mu.closing
	j.mu.Unlock()
	switch {
	case closing:
		return ErrClosed
	case appended:
		return ErrReplayAfterAppend
	}
	rec := &l.recovered
	next := rec.trunc + 1
	var br *bufio.Reader
	for _, sp := range rec.spans {
		var err error
		next, br, err = l.replayFile(sp, next, br, fn)
		if err != nil {
			return err
		}
	}
	if rec.lastSeq > rec.trunc && next != rec.lastSeq+1 {
		return fmt.Errorf("%w: container %d: replay ended before seq %d, recovery saw %d",
			ErrCorrupt, l.id, next, rec.lastSeq)
	}
	return nil
}

// replayFile replays the records of l in one file and returns the next
// seq expected.
func (l *Log) replayFile(sp replaySpan, next uint64, br *bufio.Reader, fn func(uint64, []byte) error) (uint64, *bufio.Reader, error) {
	name := l.j.path(sp.num)
	f, err := l.j.fs.Open(name)
	if err != nil {
		return next, br, fmt.Errorf("replay container %d: %w", l.id, err)
	}
	defer func() { _ = f.Close() }() // read-only
	if br == nil {
		br = bufio.NewReaderSize(f, readBufferSize)
	} else {
		br.Reset(f)
	}
	hdr, err := readHeader(br, sp.end)
	if err != nil {
		return next, br, fmt.Errorf("%w: replay %s: %w", ErrCorrupt, name, err)
	}
	sc := scanner{r: br, off: hdr.size(), limit: sp.end}
	for {
		r, err := sc.next()
		if errors.Is(err, io.EOF) {
			return next, br, nil
		}
		if err != nil {
			return next, br, fmt.Errorf("%w: replay %s: %w", ErrCorrupt, name, err)
		}
		if r.kind != kindData || r.container != l.id || r.seq < next {
			continue
		}
		if r.seq != next {
			return next, br, fmt.Errorf("%w: replay %s: container %d: seq %d, want %d",
				ErrCorrupt, name, l.id, r.seq, next)
		}
		if err := fn(r.seq, r.payload); err != nil {
			return next, br, err
		}
		next++
	}
}
