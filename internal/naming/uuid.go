package naming

import (
	"errors"
	"fmt"
)

// UUID is a 128-bit identifier held the way java.util.UUID holds it: the most
// and the least significant 64 bits. Transaction ids, writer ids and the
// random part of transient segment names are UUIDs.
type UUID struct {
	MSB uint64
	LSB uint64
}

// UUIDFromInt64s builds a UUID from the two signed halves used by the gRPC
// TxnId message (highBits, lowBits).
func UUIDFromInt64s(msb, lsb int64) UUID {
	return UUID{MSB: uint64(msb), LSB: uint64(lsb)}
}

// TxnEpoch is the epoch a transaction id was created in: the high 32 bits of
// its most significant half.
func (u UUID) TxnEpoch() int32 {
	return int32(u.MSB >> 32)
}

// Hex returns the 32 lower-case hex digits of the UUID (MSB first, zero
// padded, no dashes): the form used inside segment names.
func (u UUID) Hex() string {
	var b [32]byte
	putHex64(b[:16], u.MSB)
	putHex64(b[16:], u.LSB)
	return string(b[:])
}

// String returns the canonical 8-4-4-4-12 form.
func (u UUID) String() string {
	h := u.Hex()
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ErrBadUUID is returned when a UUID text cannot be parsed.
var ErrBadUUID = errors.New("malformed uuid")

// ParseUUIDHex parses exactly 32 hex digits (either case) as written by Hex.
func ParseUUIDHex(s string) (UUID, error) {
	if len(s) != 32 {
		return UUID{}, fmt.Errorf("%w: %q: want 32 hex digits", ErrBadUUID, s)
	}
	msb, ok1 := parseHex64(s[:16])
	lsb, ok2 := parseHex64(s[16:])
	if !ok1 || !ok2 {
		return UUID{}, fmt.Errorf("%w: %q: not hex", ErrBadUUID, s)
	}
	return UUID{MSB: msb, LSB: lsb}, nil
}

const hexDigits = "0123456789abcdef"

func putHex64(dst []byte, v uint64) {
	for i := 15; i >= 0; i-- {
		dst[i] = hexDigits[v&0xf]
		v >>= 4
	}
}

func parseHex64(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}
