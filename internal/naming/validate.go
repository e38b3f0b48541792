package naming

import (
	"errors"
	"fmt"
)

// Length limits of names, in bytes (names are ASCII when valid).
const (
	// MaxNameLength bounds scope names and internal stream names.
	MaxNameLength = 255
	// MaxUserNameLength bounds user-given stream, key-value table, reader
	// group, reader and writer names.
	MaxUserNameLength = 250
)

// Why a name was rejected. A *NameError matches ErrInvalidName and exactly
// one of the reason sentinels with errors.Is.
var (
	ErrInvalidName   = errors.New("invalid name")
	ErrNameEmpty     = errors.New("name is empty")
	ErrNameTooLong   = errors.New("name is too long")
	ErrNameCharacter = errors.New("name has a character outside [A-Za-z0-9.-]")
)

// NameKind says what a validated name names; it only shapes error messages.
type NameKind string

// Kinds of names.
const (
	KindScope       NameKind = "scope"
	KindStream      NameKind = "stream"
	KindKVTable     NameKind = "key-value table"
	KindReaderGroup NameKind = "reader group"
	KindReader      NameKind = "reader"
	KindWriter      NameKind = "writer"
)

// NameError reports an invalid name.
type NameError struct {
	Kind   NameKind
	Name   string
	Reason error // ErrNameEmpty, ErrNameTooLong or ErrNameCharacter
}

// Error formats the kind, name (shortened) and reason.
func (e *NameError) Error() string {
	name := e.Name
	if len(name) > 64 {
		name = name[:64] + "..."
	}
	return fmt.Sprintf("invalid %s name %q: %v", e.Kind, name, e.Reason)
}

// Unwrap lets errors.Is match both ErrInvalidName and the reason.
func (e *NameError) Unwrap() []error { return []error{ErrInvalidName, e.Reason} }

// ValidateUserScopeName checks a scope name given by a user (REST): one or
// more of [A-Za-z0-9.-], at most 255 characters.
func ValidateUserScopeName(name string) error {
	return validate(KindScope, name, MaxNameLength, false)
}

// ValidateScopeName checks a scope name with the internal rule used by the
// gRPC createScope: an optional leading "_", then [A-Za-z0-9.-]+, at most
// 255 characters in all.
func ValidateScopeName(name string) error {
	return validate(KindScope, name, MaxNameLength, true)
}

// ValidateUserStreamName checks a user stream name: [A-Za-z0-9.-]+, at most
// 250 characters.
func ValidateUserStreamName(name string) error {
	return validate(KindStream, name, MaxUserNameLength, false)
}

// ValidateStreamName checks a stream name with the internal rule used by the
// gRPC createStream (which must accept "_RG..." and "_MARK..."): an optional
// leading "_", then [A-Za-z0-9.-]+, at most 255 characters in all.
func ValidateStreamName(name string) error {
	return validate(KindStream, name, MaxNameLength, true)
}

// ValidateUserName checks a key-value table, reader group, reader or writer
// name: [A-Za-z0-9.-]+, at most 250 characters.
func ValidateUserName(kind NameKind, name string) error {
	return validate(kind, name, MaxUserNameLength, false)
}

func validate(kind NameKind, name string, maxLen int, internal bool) error {
	if len(name) > maxLen {
		return &NameError{Kind: kind, Name: name, Reason: ErrNameTooLong}
	}
	body := name
	if internal && len(body) > 0 && body[0] == '_' {
		body = body[1:]
	}
	if body == "" {
		return &NameError{Kind: kind, Name: name, Reason: ErrNameEmpty}
	}
	for i := 0; i < len(body); i++ {
		if !nameChar(body[i]) {
			return &NameError{Kind: kind, Name: name, Reason: ErrNameCharacter}
		}
	}
	return nil
}

func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}
