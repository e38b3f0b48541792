package segments

import "errors"

// Errors callers branch on with errors.Is.
var (
	// ErrNoSuchSegment: the segment does not exist (where that is not
	// already a success, e.g. truncate, info, merge target).
	ErrNoSuchSegment = errors.New("segments: no such segment")
	// ErrTruncated: a read below the segment's start offset.
	ErrTruncated = errors.New("segments: segment truncated")
	// ErrTableNotEmpty: DeleteTableSegment with mustBeEmpty on a non-empty table.
	ErrTableNotEmpty = errors.New("segments: table segment not empty")
	// ErrUnsupported: the segment store does not implement the request.
	ErrUnsupported = errors.New("segments: operation unsupported by the segment store")
	// ErrAuth: the segment store rejected the controller's token.
	ErrAuth = errors.New("segments: delegation token rejected")
	// ErrUnexpectedReply: any other reply.
	ErrUnexpectedReply = errors.New("segments: unexpected reply")
	// ErrConnection: the connection failed before the reply arrived
	// (retried internally; returned once the retries are exhausted).
	ErrConnection = errors.New("segments: connection failed")
	// ErrWrongHost: the endpoint does not own the segment's container
	// (retried internally).
	ErrWrongHost = errors.New("segments: wrong host")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("segments: client closed")
)
