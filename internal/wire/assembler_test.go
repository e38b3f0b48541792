package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// frameBytes frames c without error handling.
func frameBytes(c Command) []byte {
	b, err := AppendFrame(nil, c)
	if err != nil {
		panic(err)
	}
	return b
}

func events(n int, size int) []byte {
	var b []byte
	for i := range n {
		b = AppendEvent(b, bytes.Repeat([]byte{byte('a' + i%26)}, size))
	}
	return b
}

// refAssemble is the spec's reassembly algorithm written as plainly as
// possible; the assembler must agree with it.
func refAssemble(block []byte, hasBlock bool, blockWriter UUID, e *AppendBlockEnd) ([]byte, bool) {
	var out []byte
	if hasBlock {
		if e.WriterID != blockWriter || e.SizeOfWholeEvents < 0 || int(e.SizeOfWholeEvents) > len(block) {
			return nil, false
		}
		out = append(out, block[:e.SizeOfWholeEvents]...)
		rest := block[e.SizeOfWholeEvents:]
		if len(rest) > 0 {
			if len(rest) < 8 {
				return nil, false
			}
			t := int32(binary.BigEndian.Uint32(rest))
			n := int32(binary.BigEndian.Uint32(rest[4:]))
			if int(n) != len(rest)-8 {
				return nil, false
			}
			switch Type(t) {
			case TypePartialEvent:
				out = append(append(out, rest[8:]...), e.Data...)
			case TypePadding:
				if len(e.Data) != 0 {
					return nil, false
				}
			default:
				return nil, false
			}
		} else {
			out = append(out, e.Data...)
		}
	} else {
		out = e.Data
	}
	if e.NumEvents <= 0 {
		return nil, false
	}
	return out, true
}

func TestAssemblerJavaBlocks(t *testing.T) {
	whole := events(3, 10)
	ev := AppendEvent(nil, []byte("0123456789abcdef"))
	tests := []struct {
		name  string
		block []byte
		size  int32
		end   []byte
		want  []byte
	}{
		{"partial event", append(append([]byte{}, whole...), frameBytes(&PartialEvent{Data: ev[:5]})...), int32(len(whole)), ev[5:],
			append(append([]byte{}, whole...), ev...)},
		{"partial event holding the whole event (exact fit)", append(append([]byte{}, whole...), frameBytes(&PartialEvent{Data: ev})...),
			int32(len(whole)), nil, append(append([]byte{}, whole...), ev...)},
		{"padding", append(append([]byte{}, whole...), frameBytes(&Padding{Length: 100})...), int32(len(whole)), nil, whole},
		{"no trailing frame", whole, int32(len(whole)), ev, append(append([]byte{}, whole...), ev...)},
		{"only a partial event", frameBytes(&PartialEvent{Data: ev[:3]}), 0, ev[3:], ev},
		{"raw bytes (byte stream), sizeOfWholeEvents = all", []byte("raw bytes, not records"), 22, []byte("+end"), []byte("raw bytes, not records+end")},
		{"raw bytes then partial", append([]byte("raw"), frameBytes(&PartialEvent{Data: []byte("xy")})...), 3, []byte("z"), []byte("rawxyz")},
		{"records but size points before the last one (unsplit path)",
			append(append([]byte{}, whole[:18]...), frameBytes(&PartialEvent{Data: append(append([]byte{}, whole[18:]...), ev[:4]...)})...),
			18, ev[4:], append(append([]byte{}, whole...), ev...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a AppendAssembler
			if err := a.Block(&AppendBlock{WriterID: w1, Data: tc.block}); err != nil {
				t.Fatal(err)
			}
			if !a.Pending() {
				t.Fatal("not pending after Block")
			}
			e := &AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: tc.size, Data: tc.end, NumEvents: 4, LastEventNumber: 4, RequestID: 9}
			got, err := a.End(e)
			if err != nil {
				t.Fatal(err)
			}
			if a.Pending() {
				t.Fatal("still pending after End")
			}
			if !bytes.Equal(got.Data, tc.want) {
				t.Fatalf("data\n got %q\nwant %q", got.Data, tc.want)
			}
			if got.WriterID != w1 || got.EventNumber != 4 || got.EventCount != 4 || got.RequestID != 9 {
				t.Fatalf("append %+v", got)
			}
			if ref, ok := refAssemble(tc.block, true, w1, e); !ok || !bytes.Equal(ref, got.Data) {
				t.Fatalf("reference disagrees: %q %v", ref, ok)
			}
		})
	}
}

// The block's bytes are copied: the caller may reuse its buffer (as
// FrameReader does) between Block and End.
func TestAssemblerCopiesBlock(t *testing.T) {
	block := append(events(2, 5), frameBytes(&PartialEvent{Data: []byte("\x00\x00\x00\x00\x00\x00\x00\x03a")})...)
	want := append(events(2, 5), "\x00\x00\x00\x00\x00\x00\x00\x03abc"...)
	var a AppendAssembler
	if err := a.Block(&AppendBlock{WriterID: w1, Data: block}); err != nil {
		t.Fatal(err)
	}
	clear(block)
	got, err := a.End(&AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: int32(len(events(2, 5))), Data: []byte("bc"), NumEvents: 3, LastEventNumber: 3})
	if err != nil || !bytes.Equal(got.Data, want) {
		t.Fatalf("%q %v", got.Data, err)
	}
}

func TestAssemblerRustStyle(t *testing.T) {
	var a AppendAssembler
	data := events(3, 4)
	e := &AppendBlockEnd{WriterID: w2, SizeOfWholeEvents: 12345, Data: data, NumEvents: 3, LastEventNumber: 3, RequestID: 1}
	got, err := a.End(e)
	if err != nil || !bytes.Equal(got.Data, data) || &got.Data[0] != &data[0] {
		t.Fatalf("%v %q", err, got.Data)
	}
	// Skipping event numbers forward is allowed.
	e.LastEventNumber = 10
	if _, err := a.End(e); err != nil {
		t.Fatal(err)
	}
	// Equal is allowed (the Java server's check is >=).
	if _, err := a.End(e); err != nil {
		t.Fatal(err)
	}
	// Forget resets the writer.
	a.Forget(w2)
	e.LastEventNumber = 1
	if _, err := a.End(e); err != nil {
		t.Fatal(err)
	}
}

func TestAssemblerErrors(t *testing.T) {
	whole := events(2, 3)
	partial := append(append([]byte{}, whole...), frameBytes(&PartialEvent{Data: []byte("pp")})...)
	padded := append(append([]byte{}, whole...), frameBytes(&Padding{Length: 4})...)
	end := func(w UUID, size int, data string) *AppendBlockEnd {
		return &AppendBlockEnd{WriterID: w, SizeOfWholeEvents: int32(size), Data: []byte(data), NumEvents: 1, LastEventNumber: 5}
	}
	tests := []struct {
		name  string
		block []byte
		end   *AppendBlockEnd
	}{
		{"writer mismatch", partial, end(w2, len(whole), "x")},
		{"sizeOfWholeEvents negative", partial, end(w1, -1, "x")},
		{"sizeOfWholeEvents beyond block", partial, end(w1, len(partial)+1, "x")},
		{"trailing bytes shorter than a header", partial, end(w1, len(partial)-3, "x")},
		{"trailing frame is an event", whole, end(w1, 0, "")},
		{"trailing frame of another type", append(append([]byte{}, whole...), frameBytes(&KeepAlive{})...), end(w1, len(whole), "")},
		{"trailing frame does not fill the block", append(partial, 0), end(w1, len(whole), "x")},
		{"trailing frame longer than the block", partial[:len(partial)-1], end(w1, len(whole), "x")},
		{"padding followed by data", padded, end(w1, len(whole), "x")},
		{"numEvents zero", whole, &AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: int32(len(whole)), NumEvents: 0, LastEventNumber: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a AppendAssembler
			if err := a.Block(&AppendBlock{WriterID: w1, Data: tc.block}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.End(tc.end); !errors.Is(err, ErrBadAppend) {
				t.Fatalf("err = %v, want ErrBadAppend", err)
			}
			if a.Pending() {
				t.Fatal("block still pending after a failed End")
			}
			if _, ok := refAssemble(tc.block, true, w1, tc.end); ok {
				t.Fatal("reference accepts it")
			}
		})
	}

	t.Run("event number going backwards", func(t *testing.T) {
		var a AppendAssembler
		if _, err := a.End(&AppendBlockEnd{WriterID: w1, Data: whole, NumEvents: 2, LastEventNumber: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.End(&AppendBlockEnd{WriterID: w2, Data: whole, NumEvents: 2, LastEventNumber: 1}); err != nil {
			t.Fatalf("other writer: %v", err)
		}
		if err := a.Block(&AppendBlock{WriterID: w1, Data: whole}); err != nil {
			t.Fatal(err)
		}
		_, err := a.End(&AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: int32(len(whole)), NumEvents: 2, LastEventNumber: 9})
		if !errors.Is(err, ErrBadAppend) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("Block while Block pending", func(t *testing.T) {
		var a AppendAssembler
		if err := a.Block(&AppendBlock{WriterID: w1, Data: whole}); err != nil {
			t.Fatal(err)
		}
		if err := a.Block(&AppendBlock{WriterID: w2, Data: whole}); !errors.Is(err, ErrBadAppend) {
			t.Fatalf("err = %v", err)
		}
	})
}
