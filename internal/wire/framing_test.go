package wire

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func header(typ int32, n int32) []byte {
	return []byte{byte(typ >> 24), byte(typ >> 16), byte(typ >> 8), byte(typ), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}

func TestFrameReaderErrors(t *testing.T) {
	setup := (&SetupAppend{RequestID: 1, WriterID: w1, Segment: "seg"}).AppendPayload(nil)
	tests := []struct {
		name   string
		input  []byte
		target error
		typ    Type
	}{
		{"unknown type", append(header(6, 0), 1, 2, 3), ErrUnknownType, 6},
		{"retired type 72", header(72, 0), ErrUnknownType, 72},
		{"negative length", header(1, -1), ErrMalformed, TypeSetupAppend},
		{"length above MaxPayload", header(3, MaxPayload+1), ErrFrameTooLarge, TypeAppendBlock},
		{"huge length", header(3, 0x7fffffff), ErrFrameTooLarge, TypeAppendBlock},
		{"truncated payload", append(header(1, int32(len(setup))), setup[:10]...), io.ErrUnexpectedEOF, TypeSetupAppend},
		{"max length, no data", header(3, MaxPayload), io.ErrUnexpectedEOF, TypeAppendBlock},
		{"malformed payload", append(header(1, 12), setup[:12]...), ErrMalformed, TypeSetupAppend},
		{"bad string", append(header(29, 11), 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0xff), ErrMalformed, TypeSegmentSealed},
		{"bad event type in ConditionalAppend", append(header(5, 16+8+8+8), make([]byte, 40)...), ErrMalformed, TypeConditionalAppend},
	}
	// Give the ConditionalAppend case a non-zero embedded type.
	tests[len(tests)-1].input[HeaderSize+32+3] = 7
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFrameReader(bytes.NewReader(tc.input), 16).ReadCommand()
			if !errors.Is(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.target)
			}
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Type != tc.typ {
				t.Fatalf("err = %#v, want *FrameError of type %v", err, tc.typ)
			}
		})
	}
}

func TestFrameReaderEOF(t *testing.T) {
	fr := NewFrameReader(bytes.NewReader(nil), 0)
	if _, _, err := fr.Next(); err != io.EOF { //nolint:errorlint // io.EOF must come back unwrapped
		t.Fatalf("empty stream: %v, want io.EOF", err)
	}
	fr = NewFrameReader(bytes.NewReader(header(100, 0)[:5]), 0)
	if _, _, err := fr.Next(); err != io.ErrUnexpectedEOF { //nolint:errorlint // unwrapped for a partial header
		t.Fatalf("partial header: %v, want io.ErrUnexpectedEOF", err)
	}
	b, _ := AppendFrame(nil, &KeepAlive{})
	fr = NewFrameReader(bytes.NewReader(b), 0)
	if c, err := fr.ReadCommand(); err != nil || c.Type() != TypeKeepAlive {
		t.Fatalf("%v %v", c, err)
	}
	if _, _, err := fr.Next(); err != io.EOF { //nolint:errorlint // io.EOF must come back unwrapped
		t.Fatalf("after last frame: %v, want io.EOF", err)
	}
}

// A stream of every sample command, including a frame much larger than the
// buffer, read one byte at a time and in one piece.
func TestFrameReaderStream(t *testing.T) {
	cmds := append(sampleCommands(), &SegmentRead{Segment: "big", Data: bytes.Repeat([]byte("0123456789"), 300_000), RequestID: 1})
	cmds = append(cmds, sampleCommands()...)
	var stream []byte
	for _, c := range cmds {
		var err error
		if stream, err = AppendFrame(stream, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []io.Reader{bytes.NewReader(stream), iotest.OneByteReader(bytes.NewReader(stream)),
		iotest.HalfReader(bytes.NewReader(stream)), iotest.DataErrReader(bytes.NewReader(stream))} {
		fr := NewFrameReader(r, 64)
		for i, want := range cmds {
			got, err := fr.ReadCommand()
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("frame %d: got %T, want %T", i, got, want)
			}
		}
		if _, err := fr.ReadCommand(); err != io.EOF { //nolint:errorlint // io.EOF must come back unwrapped
			t.Fatalf("end: %v", err)
		}
	}
}

func TestFrameReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	b, _ := AppendFrame(nil, &Hello{17, 5})
	fr := NewFrameReader(io.MultiReader(bytes.NewReader(b[:10]), iotest.ErrReader(boom)), 0)
	if _, err := fr.ReadCommand(); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
}

func TestAppendFrameErrors(t *testing.T) {
	prefix := []byte("keep")
	long := strings.Repeat("x", 65536)
	b, err := AppendFrame(prefix, &SegmentCreated{RequestID: 1, Segment: long})
	if !errors.Is(err, ErrStringTooLong) || string(b) != "keep" {
		t.Fatalf("long string: %v, %q", err, b)
	}
	// Exactly 65535 bytes is fine; so is a NUL-heavy string whose modified
	// form fits.
	if _, err := AppendFrame(nil, &SegmentCreated{Segment: long[:65535]}); err != nil {
		t.Fatal(err)
	}
	if _, err := AppendFrame(nil, &SegmentCreated{Segment: strings.Repeat("\x00", 32768)}); !errors.Is(err, ErrStringTooLong) {
		t.Fatalf("NUL expands to 2 bytes: %v", err)
	}
	// AppendPayload cuts the string instead, at a character boundary.
	p := (&SegmentCreated{Segment: strings.Repeat("é", 40000)}).AppendPayload(nil)
	c, err := Decode(TypeSegmentCreated, p)
	if err != nil || len(c.(*SegmentCreated).Segment) != 65534 {
		t.Fatalf("truncated string: %v", err)
	}
	big := make([]byte, MaxPayload-16+1)
	b, err = AppendFrame(prefix, &AppendBlock{WriterID: w1, Data: big})
	if !errors.Is(err, ErrFrameTooLarge) || string(b) != "keep" {
		t.Fatalf("too large: %v", err)
	}
	if _, err := AppendFrame(nil, &AppendBlock{WriterID: w1, Data: big[:len(big)-1]}); err != nil {
		t.Fatalf("largest frame: %v", err)
	}
	_, err = AppendFrame(nil, &SegmentsBatchMerged{Sources: []string{"a"}})
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("mismatched lists: %v", err)
	}
}

// Encoding into a buffer with enough capacity does not allocate.
func TestEncodeDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 1<<16)
	for _, c := range sampleCommands() {
		n := testing.AllocsPerRun(20, func() {
			var err error
			if buf, err = AppendFrame(buf[:0], c); err != nil {
				t.Fatal(err)
			}
		})
		if n != 0 {
			t.Errorf("%v: %v allocs per AppendFrame", c.Type(), n)
		}
	}
}
