package journal

import "errors"

// Errors returned by the journal. Callers branch on them with errors.Is.
var (
	// ErrClosed is returned by operations on a closed journal, and by
	// Appends that were waiting for buffer space when Close was called.
	ErrClosed = errors.New("journal: closed")
	// ErrFailed wraps the write or sync error that made the journal
	// unusable. Every later Append and Truncate returns it.
	ErrFailed = errors.New("journal: failed")
	// ErrCorrupt is returned by Open and Replay when the files on disk are
	// not a journal this code could have written (a bad checksum before the
	// tail of the last file, a sequence gap, a bad header).
	ErrCorrupt = errors.New("journal: corrupt")
	// ErrTooLarge is returned by Append for a payload larger than
	// MaxPayloadSize.
	ErrTooLarge = errors.New("journal: payload too large")
	// ErrBeyondEnd is returned by Truncate for a sequence number that was
	// never assigned.
	ErrBeyondEnd = errors.New("journal: truncation beyond the last sequence number")
	// ErrReplayAfterAppend is returned by Replay once the log has appended.
	ErrReplayAfterAppend = errors.New("journal: replay after append")
)
