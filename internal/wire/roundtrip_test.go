package wire

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

// encodeFrame frames c and checks the header against AppendPayload.
func encodeFrame(t *testing.T, c Command) []byte {
	t.Helper()
	prefix := []byte("prefix")
	b, err := AppendFrame(append([]byte(nil), prefix...), c)
	if err != nil {
		t.Fatalf("AppendFrame(%T): %v", c, err)
	}
	if !bytes.HasPrefix(b, prefix) {
		t.Fatalf("AppendFrame clobbered the buffer prefix")
	}
	b = b[len(prefix):]
	if got := Type(int32(binary.BigEndian.Uint32(b))); got != c.Type() {
		t.Fatalf("header type %v, want %v", got, c.Type())
	}
	if n := int(binary.BigEndian.Uint32(b[4:])); n != len(b)-HeaderSize {
		t.Fatalf("header length %d, payload is %d bytes", n, len(b)-HeaderSize)
	}
	if p := c.AppendPayload(nil); !bytes.Equal(p, b[HeaderSize:]) && (len(p) != 0 || len(b) != HeaderSize) {
		t.Fatalf("AppendPayload differs from the framed payload:\n%x\n%x", p, b[HeaderSize:])
	}
	return b
}

func TestRoundTripEveryCommand(t *testing.T) {
	seen := map[Type]bool{}
	for _, c := range sampleCommands() {
		t.Run(c.Type().String(), func(t *testing.T) {
			seen[c.Type()] = true
			b := encodeFrame(t, c)
			got, err := Decode(c.Type(), b[HeaderSize:])
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Fatalf("round trip mismatch:\n got %#v\nwant %#v", got, c)
			}
			// Through a FrameReader too.
			fr := NewFrameReader(bytes.NewReader(b), 16)
			got, err = fr.ReadCommand()
			if err != nil || !reflect.DeepEqual(got, c) {
				t.Fatalf("FrameReader: %v, %#v", err, got)
			}
		})
	}
	for typ := range typeNames {
		if !seen[typ] {
			t.Errorf("no sample command of type %v", typ)
		}
	}
}

// Unread trailing bytes are ignored (forward compatibility), except where the
// last field is "the rest of the payload".
func TestDecodeIgnoresTrailingBytes(t *testing.T) {
	for _, c := range sampleCommands() {
		switch c.(type) {
		case *AppendBlock, *Event, *PartialEvent, *Padding:
			continue
		}
		p := append(c.AppendPayload(nil), 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9)
		got, err := Decode(c.Type(), p)
		if err != nil {
			t.Errorf("%v with trailing bytes: %v", c.Type(), err)
			continue
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%v with trailing bytes:\n got %#v\nwant %#v", c.Type(), got, c)
		}
	}
}

// Every prefix of every sample payload decodes or fails cleanly (no panic,
// typed error).
func TestDecodeEveryPrefix(t *testing.T) {
	for _, c := range sampleCommands() {
		p := c.AppendPayload(nil)
		for i := range p {
			_, err := Decode(c.Type(), p[:i])
			if err != nil && !isMalformed(err) {
				t.Errorf("%v prefix %d: unexpected error %v", c.Type(), i, err)
			}
		}
	}
}

func TestRequestIDOf(t *testing.T) {
	for _, c := range sampleCommands() {
		id, ok := RequestIDOf(c)
		switch c.(type) {
		case *Hello:
			if !ok || id != 0 {
				t.Errorf("Hello: %d %v", id, ok)
			}
		case *KeepAlive:
			if !ok || id != -1 {
				t.Errorf("KeepAlive: %d %v", id, ok)
			}
		case *AppendBlock, *Padding, *PartialEvent, *Event:
			if ok {
				t.Errorf("%T has no requestId, got %d", c, id)
			}
		default:
			want := reflect.ValueOf(c).Elem().FieldByName("RequestID")
			if !ok || !want.IsValid() || want.Int() != id {
				t.Errorf("%T: RequestIDOf = %d, %v", c, id, ok)
			}
		}
	}
}

func TestTypeString(t *testing.T) {
	if s := TypeReadSegment.String(); s != "ReadSegment" {
		t.Errorf("got %q", s)
	}
	if s := Type(72).String(); s != "Type(72)" {
		t.Errorf("got %q", s)
	}
	if Type(73).Known() || !TypeKeepAlive.Known() {
		t.Error("Known is wrong")
	}
}
