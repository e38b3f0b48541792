package naming

import (
	"fmt"
	"strings"
)

// TransactionName returns the name of a transaction segment:
// "<parent>#transaction.<32 hex digits of txn>". The parent is the qualified
// name of the segment the transaction will be merged into, built from the
// parent's segment number and the transaction's epoch.
func TransactionName(parent string, txn UUID) string {
	return parent + TransactionDelimiter + txn.Hex()
}

// ParseTransactionName splits a transaction segment name into its parent
// segment name and transaction id. The suffix must be exactly 32 hex digits.
func ParseTransactionName(name string) (parent string, txn UUID, err error) {
	i := strings.LastIndex(name, TransactionDelimiter)
	if i < 0 {
		return "", UUID{}, fmt.Errorf("%w: %q: not a transaction segment", ErrBadSegmentName, name)
	}
	txn, err = ParseUUIDHex(name[i+len(TransactionDelimiter):])
	if err != nil {
		return "", UUID{}, fmt.Errorf("%w: %q: %w", ErrBadSegmentName, name, err)
	}
	if i == 0 {
		return "", UUID{}, fmt.Errorf("%w: %q: empty parent", ErrBadSegmentName, name)
	}
	return name[:i], txn, nil
}

// IsTransactionName reports whether name parses as a transaction segment name.
func IsTransactionName(name string) bool {
	_, _, err := ParseTransactionName(name)
	return err == nil
}

// TransientName returns the name of a transient segment (used by writers for
// events larger than one append block):
// "<parent>#transient.<32 hex writer>.<32 hex random>".
func TransientName(parent string, writer, random UUID) string {
	return parent + TransientDelimiter + writer.Hex() + "." + random.Hex()
}

// ParseTransientName splits a transient segment name into its parent segment
// name, writer id and random id.
func ParseTransientName(name string) (parent string, writer, random UUID, err error) {
	i := strings.LastIndex(name, TransientDelimiter)
	if i <= 0 {
		return "", UUID{}, UUID{}, fmt.Errorf("%w: %q: not a transient segment", ErrBadSegmentName, name)
	}
	rest := name[i+len(TransientDelimiter):]
	if len(rest) != 65 || rest[32] != '.' {
		return "", UUID{}, UUID{}, fmt.Errorf("%w: %q: bad transient suffix", ErrBadSegmentName, name)
	}
	if writer, err = ParseUUIDHex(rest[:32]); err == nil {
		random, err = ParseUUIDHex(rest[33:])
	}
	if err != nil {
		return "", UUID{}, UUID{}, fmt.Errorf("%w: %q: %w", ErrBadSegmentName, name, err)
	}
	return name[:i], writer, random, nil
}

// IsTransientName reports whether name parses as a transient segment name.
func IsTransientName(name string) bool {
	_, _, _, err := ParseTransientName(name)
	return err == nil
}

// ParentName strips a "#transaction." or "#transient." suffix from a segment
// name, returning the segment it belongs to. Other names are returned as is.
// The suffix is cut at the last occurrence of its delimiter; the text after
// it is not checked, so ParentName never fails.
func ParentName(name string) string {
	if i := strings.LastIndex(name, TransactionDelimiter); i >= 0 {
		return name[:i]
	}
	if i := strings.LastIndex(name, TransientDelimiter); i >= 0 {
		return name[:i]
	}
	return name
}

// PrimaryName returns the name a segment is hashed by to pick its container:
// the parent name (see ParentName) with its last ".#epoch.<e>" suffix
// removed. All epochs of one segment number, and all their transaction and
// transient segments, therefore share a container. Names without an epoch
// delimiter (e.g. "_system/_tables/scopes") are returned unchanged. The
// result is a substring of name; nothing is allocated.
func PrimaryName(name string) string {
	p := ParentName(name)
	if i := strings.LastIndex(p, EpochDelimiter); i >= 0 {
		return p[:i]
	}
	return p
}
