package wire

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
)

// UUID is a 128-bit id (writer ids, attribute ids) in RFC 4122 byte order:
// the most-significant 64 bits first. That is also its wire encoding (two
// big-endian i64, most-significant first).
type UUID [16]byte

// UUIDFromHalves builds a UUID from its most- and least-significant halves, as
// Java's UUID(long, long) does.
func UUIDFromHalves(msb, lsb int64) UUID {
	var u UUID
	binary.BigEndian.PutUint64(u[:8], uint64(msb))
	binary.BigEndian.PutUint64(u[8:], uint64(lsb))
	return u
}

// Halves returns the most- and least-significant 64 bits as signed integers.
func (u UUID) Halves() (msb, lsb int64) {
	return int64(binary.BigEndian.Uint64(u[:8])), int64(binary.BigEndian.Uint64(u[8:]))
}

// String formats u as 8-4-4-4-12 lower-case hex digits.
func (u UUID) String() string {
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

var errBadUUID = errors.New("wire: invalid UUID syntax")

// ParseUUID parses the 36-character 8-4-4-4-12 hex form (either case).
func ParseUUID(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, errBadUUID
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := fromHex(s[i])
		lo, ok2 := fromHex(s[i+1])
		if !ok1 || !ok2 {
			return UUID{}, errBadUUID
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

func fromHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
