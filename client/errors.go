package client

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Sentinel errors. Errors returned by the client wrap one of these (test
// with errors.Is) and say what was being done.
var (
	// ErrClosed: the client or writer was closed.
	ErrClosed = errors.New("sluice: closed")
	// ErrInvalidArgument: a name, configuration or stream cut was rejected.
	ErrInvalidArgument = errors.New("sluice: invalid argument")
	// ErrScopeExists: createScope found the scope already there.
	ErrScopeExists = errors.New("sluice: scope already exists")
	// ErrScopeNotFound: the scope does not exist.
	ErrScopeNotFound = errors.New("sluice: scope not found")
	// ErrScopeNotEmpty: a non-recursive delete found streams in the scope.
	ErrScopeNotEmpty = errors.New("sluice: scope not empty")
	// ErrStreamExists: createStream found the stream already there.
	ErrStreamExists = errors.New("sluice: stream already exists")
	// ErrStreamNotFound: the stream does not exist.
	ErrStreamNotFound = errors.New("sluice: stream not found")
	// ErrStreamSealed: the stream is sealed; it takes no more writes or updates.
	ErrStreamSealed = errors.New("sluice: stream sealed")
	// ErrStreamNotSealed: a stream must be sealed before it is deleted.
	ErrStreamNotSealed = errors.New("sluice: stream not sealed")
	// ErrFailed: the controller refused the operation without a more
	// precise reason (a conflicting operation in progress, an invalid cut).
	ErrFailed = errors.New("sluice: operation failed")
	// ErrAuth: authentication or authorisation failed.
	ErrAuth = errors.New("sluice: not authorised")
	// ErrConnection: a segment store connection failed.
	ErrConnection = errors.New("sluice: connection failed")
	// ErrNoSuchSegment: the segment does not exist (deleted or never created).
	ErrNoSuchSegment = errors.New("sluice: no such segment")
	// ErrSegmentTruncated: the offset lies before the segment's start.
	ErrSegmentTruncated = errors.New("sluice: segment truncated")
	// ErrEventTooLarge: an event exceeds MaxEventSize.
	ErrEventTooLarge = errors.New("sluice: event too large")
	// ErrReaderGroupNotFound: the reader group does not exist.
	ErrReaderGroupNotFound = errors.New("sluice: reader group not found")
	// ErrReaderExists: a reader with this id is already online in the group.
	ErrReaderExists = errors.New("sluice: reader already online")
	// ErrReaderOffline: the reader is not (or no longer) in the group; another
	// process may have declared it offline.
	ErrReaderOffline = errors.New("sluice: reader offline")
	// ErrCheckpointExists: a checkpoint of that name was already initiated.
	ErrCheckpointExists = errors.New("sluice: checkpoint already exists")
	// ErrCheckpointNotFound: no checkpoint of that name exists.
	ErrCheckpointNotFound = errors.New("sluice: checkpoint not found")
	// ErrTxnNotOpen: the transaction is committed, aborted or unknown.
	ErrTxnNotOpen = errors.New("sluice: transaction not open")
	// ErrKVTExists: createKeyValueTable found the table already there.
	ErrKVTExists = errors.New("sluice: key-value table already exists")
	// ErrKVTNotFound: the key-value table does not exist.
	ErrKVTNotFound = errors.New("sluice: key-value table not found")
	// ErrKeyNotFound: a conditional update or removal named a version of a
	// key that does not exist (Java's NoSuchKeyException), or Get found no
	// entry.
	ErrKeyNotFound = errors.New("sluice: key not found")
	// ErrBadKeyVersion: a conditional update or removal named a version the
	// key does not have (Java's BadKeyVersionException), e.g. PutIfAbsent of
	// an existing key or Replace after another update.
	ErrBadKeyVersion = errors.New("sluice: bad key version")
	// ErrKeyExists: PutIfAbsent found the key (it also wraps ErrBadKeyVersion).
	ErrKeyExists = errors.New("sluice: key already exists")
	// ErrProtocol: the server sent something this client does not expect.
	ErrProtocol = errors.New("sluice: protocol error")
)

// ControllerError is a controller call that failed with a gRPC status the
// client does not map to a sentinel. It unwraps to ErrAuth for
// authentication failures and to ErrFailed otherwise.
type ControllerError struct {
	Op   string     // the RPC, e.g. "createStream"
	Code codes.Code // the gRPC status code
	Msg  string     // the status message
}

// Error implements error.
func (e *ControllerError) Error() string {
	return fmt.Sprintf("sluice: controller %s: %s: %s", e.Op, e.Code, e.Msg)
}

// Unwrap maps the status code to a sentinel.
func (e *ControllerError) Unwrap() error {
	switch e.Code {
	case codes.Unauthenticated, codes.PermissionDenied:
		return ErrAuth
	case codes.InvalidArgument:
		return ErrInvalidArgument
	case codes.Canceled, codes.DeadlineExceeded:
		return nil
	}
	return ErrFailed
}

// controllerError turns a gRPC error into a client error. notFound is the
// sentinel a NOT_FOUND status means for this call (nil: keep the status).
func controllerError(op string, err error, notFound error) error {
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("sluice: controller %s: %w", op, err)
	}
	switch {
	case st.Code() == codes.NotFound && notFound != nil:
		return fmt.Errorf("%s: %w: %s", op, notFound, st.Message())
	case st.Code() == codes.Canceled || st.Code() == codes.DeadlineExceeded:
		return fmt.Errorf("sluice: controller %s: %w", op, err)
	}
	return &ControllerError{Op: op, Code: st.Code(), Msg: st.Message()}
}
