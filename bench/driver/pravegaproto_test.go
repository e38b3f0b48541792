package driver

import (
	"encoding/binary"
	"testing"
)

func record(payload string) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint32(b[4:], uint32(len(payload)))
	return append(b, payload...)
}

func TestSplitEventsAcrossReplies(t *testing.T) {
	all := append(append(record("first"), record("second")...), record("third")...)
	var got []string
	var buf []byte
	// Feed the bytes in replies that end inside headers and payloads.
	for _, cut := range [][2]int{{0, 3}, {3, 15}, {15, 16}, {16, len(all)}} {
		buf = append(buf, all[cut[0]:cut[1]]...)
		n, err := splitEvents(buf, func(p []byte) { got = append(got, string(p)) })
		if err != nil {
			t.Fatal(err)
		}
		buf = append(buf[:0], buf[n:]...)
	}
	if len(got) != 3 || got[0] != "first" || got[2] != "third" || len(buf) != 0 {
		t.Fatalf("got %q, %d bytes left", got, len(buf))
	}
	bad := record("x")
	bad[3] = 1 // type 1
	if _, err := splitEvents(bad, func([]byte) {}); err == nil {
		t.Fatal("type 1 accepted")
	}
}

func TestMetaRoundTrip(t *testing.T) {
	p := make([]byte, 100)
	PutMeta(p, Meta{Intended: 1234567890123, Seq: 42})
	m, ok := ParseMeta(p)
	if !ok || m.Intended != 1234567890123 || m.Seq != 42 {
		t.Fatalf("got %+v %v", m, ok)
	}
	if _, ok := ParseMeta(p[:10]); ok {
		t.Fatal("short payload parsed")
	}
}
