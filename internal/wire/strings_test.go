package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"unicode/utf8"
)

func TestModifiedUTF8Encode(t *testing.T) {
	tests := []struct {
		in   string
		want string // hex
	}{
		{"", ""},
		{"abc", "616263"},
		{"\x00", "c080"},
		{"é", "c3a9"},
		{"€", "e282ac"},
		{"\U0001F600", "eda0bdedb880"},
		{"\U0010FFFF", "edafbfedbfbf"},
		{"a\xffb", "61efbfbd62"}, // invalid input byte → U+FFFD
	}
	for _, tc := range tests {
		e := enc{}.str(tc.in)
		want := unhex(t, tc.want)
		if e.err != nil || int(binary.BigEndian.Uint16(e.b)) != len(want) || !bytes.Equal(e.b[2:], want) {
			t.Errorf("str(%q) = %x, %v; want length %d + %x", tc.in, e.b, e.err, len(want), want)
		}
	}
}

func TestStringDecode(t *testing.T) {
	tests := []struct {
		hex  string
		want string
	}{
		{"616263", "abc"},
		{"c080", "\x00"},
		{"00", "\x00"},                 // raw NUL, as Java accepts
		{"c3a9", "é"},                  // standard and modified agree
		{"eda0bdedb880", "\U0001F600"}, // modified: surrogate pair
		{"f09f9880", "\U0001F600"},     // standard 4-byte form (Rust)
		{"c1a1", "a"},                  // over-long 2-byte form, as Java accepts
		{"61e282ac62", "a€b"},
	}
	for _, tc := range tests {
		got, err := decodeString(unhex(t, tc.hex))
		if err != nil || got != tc.want {
			t.Errorf("decode %s = %q, %v; want %q", tc.hex, got, err, tc.want)
		}
	}
	for _, bad := range []string{"ff", "c0", "e282", "80", "eda0bd", "edb880", "eda0bd61", "f8808080", "f4908080", "f0808080"} {
		if s, err := decodeString(unhex(t, bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("decode %s = %q, %v; want ErrMalformed", bad, s, err)
		}
	}
}

// Any decoded string is valid UTF-8 and survives a re-encode.
func FuzzStringDecode(f *testing.F) {
	f.Add([]byte("abc"))
	f.Add([]byte("\xc0\x80\xed\xa0\xbd\xed\xb8\x80\xf0\x9f\x98\x80"))
	f.Fuzz(func(t *testing.T, p []byte) {
		s, err := decodeString(p)
		if err != nil {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("decoded %x to invalid UTF-8 %q", p, s)
		}
		e := enc{}.str(s)
		if e.err != nil {
			return // a standard-UTF-8 input may grow past 65535 bytes
		}
		s2, err := decodeString(e.b[2:])
		if err != nil || s2 != s {
			t.Fatalf("re-decode of %q: %q, %v", s, s2, err)
		}
	})
}

func TestUUID(t *testing.T) {
	const s = "00112233-4455-6677-8899-aabbccddeeff"
	if w1.String() != s {
		t.Fatalf("String = %s", w1)
	}
	u, err := ParseUUID("00112233-4455-6677-8899-AABBCCDDEEFF")
	if err != nil || u != w1 {
		t.Fatalf("ParseUUID = %v, %v", u, err)
	}
	msb, lsb := w1.Halves()
	if msb != 0x0011223344556677 || uint64(lsb) != 0x8899aabbccddeeff || UUIDFromHalves(msb, lsb) != w1 {
		t.Fatalf("Halves = %x %x", msb, lsb)
	}
	for _, bad := range []string{"", "00112233-4455-6677-8899-aabbccddeef", "00112233x4455-6677-8899-aabbccddeeff",
		"0011223g-4455-6677-8899-aabbccddeeff"} {
		if _, err := ParseUUID(bad); err == nil {
			t.Errorf("ParseUUID(%q) succeeded", bad)
		}
	}
}
