package tables

import (
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
)

// Errors callers branch on; the server translates them into wire replies.
// Invalid arguments wrap container.ErrInvalidArgument and unsupported
// operations container.ErrUnsupported, so one translation table covers both
// packages.
var (
	// ErrKeyDoesNotExist: a conditional update or removal names a key that
	// does not exist (and its version is not NotExists).
	ErrKeyDoesNotExist = errors.New("table key does not exist")
	// ErrKeyBadVersion: a conditional update or removal names a key whose
	// version differs from the given one.
	ErrKeyBadVersion = errors.New("table key has a different version")
	// ErrNotEmpty: DeleteTableSegment with mustBeEmpty on a table with keys.
	ErrNotEmpty = errors.New("table segment is not empty")

	errCorrupt = errors.New("corrupt table segment record")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", container.ErrInvalidArgument, fmt.Sprintf(format, args...))
}

func unsupported(what string) error {
	return fmt.Errorf("%w: %s", container.ErrUnsupported, what)
}
