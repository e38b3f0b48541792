package metastore

import (
	"errors"
	"fmt"
)

// Errors callers branch on. Implementations wrap them with context; test
// with errors.Is.
var (
	// ErrNotFound: Get of a key that does not exist.
	ErrNotFound = errors.New("metastore: key not found")
	// ErrConflict: a write's condition did not hold (optimistic concurrency
	// lost a race, or the key exists / does not exist / moved on).
	ErrConflict = errors.New("metastore: condition failed")
	// ErrLeaseNotFound: the lease expired, was revoked or never existed.
	ErrLeaseNotFound = errors.New("metastore: lease not found")
	// ErrInvalid: a malformed request (empty key, too many or duplicate ops
	// in a Txn, negative revision).
	ErrInvalid = errors.New("metastore: invalid request")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("metastore: store closed")
	// ErrCompacted: a Watch asked for history the store no longer keeps.
	ErrCompacted = errors.New("metastore: revision compacted")
)

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
