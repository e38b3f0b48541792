package lts

import "errors"

// Errors returned by every ChunkStorage implementation, wrapped with what was
// being done; test them with errors.Is.
var (
	// ErrNotFound: the named chunk does not exist.
	ErrNotFound = errors.New("lts: chunk not found")
	// ErrInvalidName: the name breaks the rules of ValidateName.
	ErrInvalidName = errors.New("lts: invalid chunk name")
	// ErrBadOffset: a read offset is negative.
	ErrBadOffset = errors.New("lts: negative read offset")
)
