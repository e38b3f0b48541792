package wire

import (
	"errors"
	"fmt"
)

// Errors returned by the codec. They arrive wrapped (usually in a *FrameError
// naming the command type); test for them with errors.Is.
var (
	// ErrFrameTooLarge: a frame announces or would need a payload above
	// MaxPayload.
	ErrFrameTooLarge = errors.New("wire: frame too large")
	// ErrUnknownType: the type code is not assigned by the protocol.
	ErrUnknownType = errors.New("wire: unknown command type")
	// ErrMalformed: a payload or header does not follow the layout (negative
	// length, truncated field, invalid string, bad embedded record, ...).
	ErrMalformed = errors.New("wire: malformed payload")
	// ErrStringTooLong: a string needs more than 65,535 bytes in modified
	// UTF-8 and cannot be encoded.
	ErrStringTooLong = errors.New("wire: string longer than 65535 bytes")
	// ErrIncompatibleVersion: the peer's Hello range does not overlap ours.
	ErrIncompatibleVersion = errors.New("wire: incompatible protocol version")
	// ErrBadAppend: an AppendBlock / AppendBlockEnd sequence breaks the append
	// framing rules; the connection must be closed.
	ErrBadAppend = errors.New("wire: invalid append")
)

// FrameError reports a failure to encode, frame or decode one command.
type FrameError struct {
	Type Type  // the frame's type code
	Err  error // wraps one of the sentinel errors above, or an I/O error
}

// Error implements error.
func (e *FrameError) Error() string {
	return fmt.Sprintf("%v frame: %v", e.Type, e.Err)
}

// Unwrap returns the underlying error.
func (e *FrameError) Unwrap() error { return e.Err }

// malformed builds an ErrMalformed with a reason.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}
