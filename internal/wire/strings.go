package wire

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Strings travel as Java's DataOutput.writeUTF writes them: an unsigned 16-bit
// big-endian byte count, then "modified UTF-8". Modified UTF-8 differs from
// standard UTF-8 in two ways: U+0000 is written as the two bytes C0 80, and a
// character outside the Basic Multilingual Plane is written as its UTF-16
// surrogate pair, each surrogate as a 3-byte sequence (6 bytes in all).
//
// We always encode modified UTF-8 (what Java reads). We decode both forms, since
// the Rust client writes standard UTF-8. For pure ASCII without NUL both forms
// are the same bytes.

// maxStringBytes is the longest encodable string, in encoded bytes.
const maxStringBytes = 0xFFFF

// asciiNoNUL reports whether every byte of s is in 0x01..0x7F.
func asciiNoNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// modifiedRuneLen is the number of modified UTF-8 bytes for r. Invalid input
// bytes reach here as utf8.RuneError and count as 3.
func modifiedRuneLen(r rune) int {
	switch {
	case r >= 1 && r < 0x80:
		return 1
	case r < 0x800:
		return 2
	case r < 0x10000:
		return 3
	default:
		return 6
	}
}

// modifiedLen is the encoded length of s in modified UTF-8.
func modifiedLen(s string) int {
	n := 0
	for _, r := range s {
		n += modifiedRuneLen(r)
	}
	return n
}

// truncateModified returns the longest prefix of s (cut at a character
// boundary) whose modified UTF-8 form fits in max bytes, and that length.
func truncateModified(s string, max int) (string, int) {
	n := 0
	for i, r := range s {
		l := modifiedRuneLen(r)
		if n+l > max {
			return s[:i], n
		}
		n += l
	}
	return s, n
}

// appendModified appends s in modified UTF-8 (no length prefix). Bytes of s that
// are not valid UTF-8 are written as U+FFFD.
func appendModified(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r >= 1 && r < 0x80:
			b = append(b, byte(r))
		case r < 0x800:
			b = append(b, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
		case r < 0x10000:
			b = appendThree(b, r)
		default:
			r -= 0x10000
			b = appendThree(b, 0xD800+(r>>10))
			b = appendThree(b, 0xDC00+(r&0x3FF))
		}
	}
	return b
}

func appendThree(b []byte, r rune) []byte {
	return append(b, 0xE0|byte(r>>12), 0x80|byte((r>>6)&0x3F), 0x80|byte(r&0x3F))
}

// decodeString turns the bytes of a wire string into a Go string. It accepts
// modified UTF-8 (C0 80, surrogate pairs), standard UTF-8 (4-byte sequences)
// and, like Java, raw 0x00 bytes and over-long 2/3-byte forms. It rejects
// truncated or invalid sequences and unpaired surrogates, which a Go string
// cannot hold as valid UTF-8.
func decodeString(p []byte) (string, error) {
	i := 0
	for i < len(p) && p[i] < utf8.RuneSelf {
		i++
	}
	if i == len(p) {
		return string(p), nil
	}
	out := make([]byte, i, len(p)+len(p)/2)
	copy(out, p[:i])
	for i < len(p) {
		r, n, err := decodeModifiedRune(p[i:])
		if err != nil {
			return "", malformed("string byte %d: %v", i, err)
		}
		i += n
		if r >= 0xD800 && r <= 0xDBFF {
			lo, m, err := decodeModifiedRune(p[i:])
			if err != nil || lo < 0xDC00 || lo > 0xDFFF {
				return "", malformed("string byte %d: unpaired high surrogate", i-n)
			}
			i += m
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		} else if r >= 0xDC00 && r <= 0xDFFF {
			return "", malformed("string byte %d: unpaired low surrogate", i-n)
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out), nil
}

// decodeModifiedRune decodes one 1-, 2-, 3- or 4-byte sequence from p. A 3-byte
// sequence may yield a surrogate half; the caller pairs them.
func decodeModifiedRune(p []byte) (rune, int, error) {
	if len(p) == 0 {
		return 0, 0, errors.New("missing low surrogate")
	}
	c := p[0]
	cont := func(n int) bool {
		if len(p) < n {
			return false
		}
		for _, x := range p[1:n] {
			if x&0xC0 != 0x80 {
				return false
			}
		}
		return true
	}
	switch {
	case c < 0x80:
		return rune(c), 1, nil
	case c&0xE0 == 0xC0:
		if !cont(2) {
			return 0, 0, errors.New("bad 2-byte sequence")
		}
		return rune(c&0x1F)<<6 | rune(p[1]&0x3F), 2, nil
	case c&0xF0 == 0xE0:
		if !cont(3) {
			return 0, 0, errors.New("bad 3-byte sequence")
		}
		return rune(c&0x0F)<<12 | rune(p[1]&0x3F)<<6 | rune(p[2]&0x3F), 3, nil
	case c&0xF8 == 0xF0:
		if !cont(4) {
			return 0, 0, errors.New("bad 4-byte sequence")
		}
		r := rune(c&0x07)<<18 | rune(p[1]&0x3F)<<12 | rune(p[2]&0x3F)<<6 | rune(p[3]&0x3F)
		if r < 0x10000 || r > utf8.MaxRune {
			return 0, 0, errors.New("4-byte sequence out of range")
		}
		return r, 4, nil
	}
	return 0, 0, fmt.Errorf("invalid lead byte %#x", c)
}
