package lts

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on chunk names. S3 allows keys of 1024 bytes; most filesystems
// allow 255 bytes per path component.
const (
	MaxNameLen      = 1024
	MaxComponentLen = 255
)

// ReservedPrefix starts the names of a backend's own bookkeeping files (the
// filesystem backend's temporary files). No component of a chunk name may
// start with it.
const ReservedPrefix = ".lts-"

// ValidateName reports, as an error wrapping ErrInvalidName, why name cannot
// name a chunk. A chunk name is a "/"-separated path of at most MaxNameLen
// bytes of valid UTF-8 without control characters, whose components are
// non-empty, not "." or "..", at most MaxComponentLen bytes long and do not
// start with ReservedPrefix.
//
// One more rule cannot be checked name by name: a chunk name must never be a
// directory of another, as "a/b" is of "a/b/c". S3 would allow both; a
// filesystem cannot hold them, so the filesystem backend refuses the second
// one and the layout in doc.go never produces such pairs.
func ValidateName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrInvalidName, name, why) }
	switch {
	case name == "":
		return bad("empty")
	case len(name) > MaxNameLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxNameLen))
	case !utf8.ValidString(name):
		return bad("not valid UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return bad("contains a control character")
		}
	}
	for c := range strings.SplitSeq(name, "/") {
		switch {
		case c == "":
			return bad("empty path component")
		case c == "." || c == "..":
			return bad("path component . or ..")
		case len(c) > MaxComponentLen:
			return bad(fmt.Sprintf("path component longer than %d bytes", MaxComponentLen))
		case strings.HasPrefix(c, ReservedPrefix):
			return bad("path component starts with reserved " + ReservedPrefix)
		}
	}
	return nil
}
