package wire

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzFrameDecoder feeds arbitrary bytes to a FrameReader. It must never
// panic, every error must be typed, and every decoded command must re-encode
// and decode to the same value.
func FuzzFrameDecoder(f *testing.F) {
	for _, g := range goldenFrames {
		f.Add(unhex(f, g.hex))
	}
	var all []byte
	for _, c := range sampleCommands() {
		b := frameBytes(c)
		f.Add(b)
		all = append(all, b...)
	}
	f.Add(all)
	f.Add(header(3, -1))
	f.Add(header(6, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := NewFrameReader(bytes.NewReader(data), 16)
		for {
			c, err := fr.ReadCommand()
			if err != nil {
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					return
				}
				var fe *FrameError
				if !errors.As(err, &fe) {
					t.Fatalf("untyped error %v", err)
				}
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownType) &&
					!errors.Is(err, ErrFrameTooLarge) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			b, err := AppendFrame(nil, c)
			if err != nil {
				// Standard UTF-8 input can grow when re-encoded as modified
				// UTF-8; nothing else may fail.
				if errors.Is(err, ErrStringTooLong) || errors.Is(err, ErrFrameTooLarge) {
					continue
				}
				t.Fatalf("re-encode %T: %v", c, err)
			}
			again, err := Decode(c.Type(), b[HeaderSize:])
			if err != nil {
				t.Fatalf("decode of re-encoded %T: %v", c, err)
			}
			if !reflect.DeepEqual(again, c) {
				t.Fatalf("re-encode changed the value:\n got %#v\nwant %#v", again, c)
			}
		}
	})
}

// FuzzAppendAssembler drives the assembler with random AppendBlock /
// AppendBlockEnd sequences and compares with the plain reference algorithm.
func FuzzAppendAssembler(f *testing.F) {
	whole := events(3, 7)
	ev := AppendEvent(nil, []byte("a longer event body"))
	withPartial := append(append([]byte{}, whole...), frameBytes(&PartialEvent{Data: ev[:6]})...)
	withPadding := append(append([]byte{}, whole...), frameBytes(&Padding{Length: 9})...)
	f.Add(withPartial, ev[6:], int32(len(whole)), uint8(1), int64(5), int32(4), []byte{1, 2})
	f.Add(withPartial, ev[6:], int32(len(whole)-5), uint8(1), int64(5), int32(4), []byte{0})
	f.Add(withPadding, []byte{}, int32(len(whole)), uint8(1), int64(5), int32(3), []byte{3, 1})
	f.Add(withPadding, []byte("x"), int32(len(whole)), uint8(1), int64(5), int32(3), []byte{})
	f.Add(whole, ev, int32(0), uint8(0), int64(1), int32(1), []byte{9})
	f.Add(whole, []byte{}, int32(len(whole)), uint8(5), int64(-1), int32(0), []byte{255})
	f.Add([]byte("raw"), []byte("bytes"), int32(3), uint8(9), int64(0), int32(1), []byte{})
	f.Fuzz(func(t *testing.T, block, endData []byte, size int32, flags uint8, lastEvent int64, numEvents int32, steps []byte) {
		writers := [2]UUID{w1, w2}
		var a AppendAssembler
		last := map[UUID]int64{}
		run := func(block, endData []byte, size int32, flags uint8, lastEvent int64, numEvents int32) {
			hasBlock := flags&1 != 0
			bw, ew := writers[flags>>1&1], writers[flags>>3&1]
			blockCopy := append([]byte(nil), block...)
			if hasBlock {
				if err := a.Block(&AppendBlock{WriterID: bw, Data: block}); err != nil {
					t.Fatalf("Block: %v", err)
				}
				// The reader buffer is reused before AppendBlockEnd arrives.
				for i := range block {
					block[i] ^= 0x5a
				}
				if flags&4 != 0 {
					if err := a.Block(&AppendBlock{WriterID: bw, Data: block}); !errors.Is(err, ErrBadAppend) {
						t.Fatalf("second Block: %v", err)
					}
				}
			}
			e := &AppendBlockEnd{WriterID: ew, SizeOfWholeEvents: size, Data: endData, NumEvents: numEvents,
				LastEventNumber: lastEvent, RequestID: 3}
			want, ok := refAssemble(blockCopy, hasBlock, bw, e)
			if prev, seen := last[ew]; ok && seen && lastEvent < prev {
				ok = false
			}
			got, err := a.End(e)
			if ok != (err == nil) {
				t.Fatalf("End: err %v, reference ok %v", err, ok)
			}
			if err != nil {
				if !errors.Is(err, ErrBadAppend) {
					t.Fatalf("untyped error %v", err)
				}
				return
			}
			last[ew] = lastEvent
			if !bytes.Equal(got.Data, want) || got.WriterID != ew || got.EventNumber != lastEvent || got.EventCount != numEvents {
				t.Fatalf("got %+v, want data %q", got, want)
			}
			if a.Pending() {
				t.Fatal("pending after End")
			}
		}
		run(block, endData, size, flags, lastEvent, numEvents)
		// Further rounds on the same assembler, derived from steps (a few:
		// each round copies the block).
		for i, s := range steps[:min(len(steps), 8)] {
			cut := int(s) % (len(block) + 1)
			run(append([]byte(nil), block[:cut]...), endData, size-int32(i), s, lastEvent+int64(int8(s)), numEvents)
		}
	})
}
