package container

import (
	"errors"
	"fmt"
)

// Errors callers branch on. The server translates them into wire replies in
// one table.
var (
	ErrNoSuchSegment      = errors.New("segment does not exist")
	ErrSegmentExists      = errors.New("segment already exists")
	ErrSegmentSealed      = errors.New("segment is sealed")
	ErrConditionFailed    = errors.New("conditional append: segment length differs from the expected offset")
	ErrAttributeConflict  = errors.New("attribute value differs from the expected value")
	ErrWriterConflict     = errors.New("writer's event number was updated by another connection")
	ErrInvalidArgument    = errors.New("invalid argument")
	ErrUnsupported        = errors.New("operation not supported on this segment")
	ErrContainerClosed    = errors.New("container is closed")
	ErrContainerFailed    = errors.New("container failed")
	errCorruptJournalData = errors.New("corrupt container operation in journal")
)

// TruncatedError reports an offset below a segment's start offset (or a
// truncation offset outside [start, length]).
type TruncatedError struct {
	Segment     string
	StartOffset int64
	Offset      int64
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("segment %q: offset %d is outside the readable range starting at %d", e.Segment, e.Offset, e.StartOffset)
}
