package streammodel

import (
	"errors"
	"fmt"
)

// Errors returned by the model. Callers branch on them with errors.Is and
// translate them at the gRPC boundary.
var (
	// ErrBadPartition: key ranges are not an exact partition of [0, 1).
	ErrBadPartition = errors.New("key ranges do not partition [0, 1)")
	// ErrBadSegmentCount: a stream needs at least one segment.
	ErrBadSegmentCount = errors.New("segment count must be at least 1")
	// ErrBadStartNumber: the first segment number is negative.
	ErrBadStartNumber = errors.New("segment start number must be non-negative")
	// ErrSegmentNotFound: the id names no segment of the stream's history.
	ErrSegmentNotFound = errors.New("segment not found")
	// ErrEpochNotFound: the epoch is negative or beyond the active epoch.
	ErrEpochNotFound = errors.New("epoch not found")
	// ErrStreamSealed: the stream is sealed; it cannot scale or be truncated.
	ErrStreamSealed = errors.New("stream is sealed")
	// ErrInvalidCut: a stream cut breaks the validity rules.
	ErrInvalidCut = errors.New("invalid stream cut")
	// ErrCutOutOfOrder: a cut lies behind the one it must follow (a
	// truncation behind the current head, or getSegmentsBetween with from
	// after to).
	ErrCutOutOfOrder = errors.New("stream cut is behind the previous one")
	// ErrUnboundedRange: both cuts of a segments-between query are empty.
	ErrUnboundedRange = errors.New("both stream cuts are unbounded")
	// ErrStalePlan: a scale plan no longer fits the stream (another scale
	// happened first).
	ErrStalePlan = errors.New("scale plan does not match the stream")
	// ErrCorrupt: an encoded stream record breaks the model's invariants.
	ErrCorrupt = errors.New("corrupt stream record")
	// ErrUnsupportedVersion: an encoded stream record has an unknown version.
	ErrUnsupportedVersion = errors.New("unsupported stream record version")
)

// Reasons a scale request is refused; they come wrapped in a *ScaleError.
var (
	// ErrSegmentNotActive: a segment to seal is not in the active epoch
	// (PRECONDITION_FAILED).
	ErrSegmentNotActive = errors.New("segment to seal is not active")
	// ErrTooFewSegments: the scale would leave fewer segments than the
	// policy's minimum (PRECONDITION_FAILED).
	ErrTooFewSegments = errors.New("scale leaves fewer than the minimum number of segments")
	// ErrNothingToSeal: the request names no segment to seal (FAILURE).
	ErrNothingToSeal = errors.New("no segments to seal")
	// ErrEmptyRange: a new key range has start >= end (FAILURE).
	ErrEmptyRange = errors.New("new key range is empty")
	// ErrRangesOverlap: two new key ranges overlap (FAILURE).
	ErrRangesOverlap = errors.New("new key ranges overlap")
	// ErrRangesMismatch: the new ranges do not cover exactly the sealed
	// segments' ranges (FAILURE).
	ErrRangesMismatch = errors.New("new key ranges do not match the sealed ranges")
	// ErrNumbersExhausted: no segment numbers or epochs are left (FAILURE).
	ErrNumbersExhausted = errors.New("segment numbers or epochs exhausted")
	// ErrHistoryFull: the stream's record, which holds every epoch and
	// segment, is as large as the metadata store allows a stream to grow
	// (FAILURE); the stream still works, but no longer scales.
	ErrHistoryFull = errors.New("stream history is full")
)

// ScaleError says why a scale request was refused and which status the
// controller replies with: PRECONDITION_FAILED if Precondition, else FAILURE.
type ScaleError struct {
	Precondition bool
	Reason       error // one of the scale reason sentinels, or ErrStreamSealed
	Detail       string
}

// Error formats the reason and detail.
func (e *ScaleError) Error() string {
	if e.Detail == "" {
		return "scale: " + e.Reason.Error()
	}
	return fmt.Sprintf("scale: %v: %s", e.Reason, e.Detail)
}

// Unwrap returns the reason.
func (e *ScaleError) Unwrap() error { return e.Reason }

// IsPreconditionFailed reports whether err is a *ScaleError that maps to
// PRECONDITION_FAILED.
func IsPreconditionFailed(err error) bool {
	var se *ScaleError
	return errors.As(err, &se) && se.Precondition
}

func failure(reason error, format string, args ...any) error {
	return &ScaleError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

func precondition(reason error, format string, args ...any) error {
	return &ScaleError{Precondition: true, Reason: reason, Detail: fmt.Sprintf(format, args...)}
}
