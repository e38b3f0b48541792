package wire

import (
	"errors"
	"reflect"
	"testing"
)

func TestEventRecords(t *testing.T) {
	events := [][]byte{[]byte("a"), nil, []byte("hello world")}
	var data []byte
	for _, e := range events {
		data = AppendEvent(data, e)
	}
	var got [][]byte
	if err := SplitEvents(data, func(e []byte) bool { got = append(got, e); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got[0]) != "a" || len(got[1]) != 0 || string(got[2]) != "hello world" {
		t.Fatalf("got %q", got)
	}
	// Stopping early.
	n := 0
	if err := SplitEvents(data, func([]byte) bool { n++; return false }); err != nil || n != 1 {
		t.Fatalf("early stop: %d, %v", n, err)
	}
	// A framed Event is exactly the record.
	b, _ := AppendFrame(nil, &Event{Data: []byte("a")})
	if !reflect.DeepEqual(b, AppendEvent(nil, []byte("a"))) {
		t.Fatalf("framed Event %x", b)
	}
	for name, bad := range map[string][]byte{
		"partial header":  data[:len(data)-len("hello world")-3],
		"partial body":    data[:len(data)-1],
		"wrong type":      {0, 0, 0, 1, 0, 0, 0, 0},
		"negative length": {0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff},
	} {
		if err := SplitEvents(bad, func([]byte) bool { return true }); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	s := NewEventScanner(data)
	for s.Scan() {
	}
	if s.Err() != nil || s.Offset() != len(data) {
		t.Fatalf("scanner: %v at %d", s.Err(), s.Offset())
	}
}
