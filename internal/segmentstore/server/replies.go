package server

import (
	"errors"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/tables"
	"github.com/sluicestream/sluice/internal/wire"
)

// errorReply translates a container or token error into the wire reply the
// Pravega clients expect (wire-protocol fact sheet §3.3). offset is the
// request's offset (reads), event number (appends) or -1. It reports false
// for errors that have no reply; the connection is then closed.
func errorReply(requestID int64, segment string, offset int64, err error) (wire.Command, bool) {
	var truncated *container.TruncatedError
	switch {
	case errors.Is(err, tables.ErrKeyDoesNotExist):
		return &wire.TableKeyDoesNotExist{RequestID: requestID, Segment: segment}, true
	case errors.Is(err, tables.ErrKeyBadVersion):
		return &wire.TableKeyBadVersion{RequestID: requestID, Segment: segment}, true
	case errors.Is(err, tables.ErrNotEmpty):
		return &wire.TableSegmentNotEmpty{RequestID: requestID, Segment: segment}, true
	case errors.Is(err, container.ErrNoSuchSegment):
		return &wire.NoSuchSegment{RequestID: requestID, Segment: segment, Offset: offset}, true
	case errors.Is(err, container.ErrSegmentExists):
		return &wire.SegmentAlreadyExists{RequestID: requestID, Segment: segment}, true
	case errors.Is(err, container.ErrSegmentSealed):
		return &wire.SegmentIsSealed{RequestID: requestID, Segment: segment, Offset: offset}, true
	case errors.As(err, &truncated):
		return &wire.SegmentIsTruncated{RequestID: requestID, Segment: segment,
			StartOffset: truncated.StartOffset, Offset: truncated.Offset}, true
	case errors.Is(err, container.ErrAttributeConflict):
		return &wire.SegmentAttributeUpdated{RequestID: requestID, Success: false}, true
	case errors.Is(err, container.ErrUnsupported):
		return &wire.OperationUnsupported{RequestID: requestID, OperationName: err.Error()}, true
	case errors.Is(err, container.ErrInvalidArgument):
		return &wire.ErrorMessage{RequestID: requestID, Segment: segment, Message: err.Error(),
			ErrorCode: wire.ErrorCodeIllegalArgument}, true
	case errors.Is(err, ErrTokenExpired):
		return &wire.AuthTokenCheckFailed{RequestID: requestID, ErrorCode: wire.AuthErrorTokenExpired}, true
	case errors.Is(err, ErrTokenInvalid):
		return &wire.AuthTokenCheckFailed{RequestID: requestID, ErrorCode: wire.AuthErrorTokenCheckFailed}, true
	case errors.Is(err, container.ErrDataUnavailable):
		return &wire.ErrorMessage{RequestID: requestID, Segment: segment, Message: err.Error(),
			ErrorCode: wire.ErrorCodeUnspecified}, true
	case errors.Is(err, container.ErrContainerClosed), errors.Is(err, container.ErrContainerFailed):
		// The container is going away; the client retries elsewhere.
		return &wire.WrongHost{RequestID: requestID, Segment: segment}, true
	}
	return nil, false
}

// reply sends the translation of err, or closes the connection when err has
// none.
func (c *conn) replyError(requestID int64, segment string, offset int64, err error) {
	if cmd, ok := errorReply(requestID, segment, offset, err); ok {
		c.send(cmd)
		return
	}
	c.logger.Error("request failed without a wire reply; closing connection", "segment", segment, "err", err)
	c.shutdown()
}
