package wire

import (
	"bytes"
	"testing"
)

// eventData returns n event records of size bytes each (header included).
func eventData(n, size int) []byte {
	body := bytes.Repeat([]byte("x"), size-EventHeaderSize)
	b := make([]byte, 0, n*size)
	for range n {
		b = AppendEvent(b, body)
	}
	return b
}

// 10,000 events of ~100 bytes in one 1 MiB AppendBlockEnd, read through a
// FrameReader.
func BenchmarkDecodeAppendBlockEnd(b *testing.B) {
	data := eventData(10_000, 105) // 1,050,000 bytes
	frame := frameBytes(&AppendBlockEnd{WriterID: w1, Data: data, NumEvents: 10_000, LastEventNumber: 10_000, RequestID: 1})
	br := bytes.NewReader(frame)
	fr := NewFrameReader(br, 64<<10)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		br.Reset(frame)
		c, err := fr.ReadCommand()
		if err != nil {
			b.Fatal(err)
		}
		if c.(*AppendBlockEnd).NumEvents != 10_000 {
			b.Fatal("bad frame")
		}
	}
}

// The same, also walking the 10,000 event records.
func BenchmarkDecodeAppendBlockEndAndSplit(b *testing.B) {
	data := eventData(10_000, 105)
	frame := frameBytes(&AppendBlockEnd{WriterID: w1, Data: data, NumEvents: 10_000, LastEventNumber: 10_000, RequestID: 1})
	br := bytes.NewReader(frame)
	fr := NewFrameReader(br, 64<<10)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		br.Reset(frame)
		c, err := fr.ReadCommand()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := SplitEvents(c.(*AppendBlockEnd).Data, func([]byte) bool { n++; return true }); err != nil || n != 10_000 {
			b.Fatal(n, err)
		}
	}
}

// A 1 MiB SegmentRead encoded into a reused buffer.
func BenchmarkEncodeSegmentRead(b *testing.B) {
	c := &SegmentRead{Segment: "scope/stream/0.#epoch.0", Offset: 1 << 30, AtTail: true, Data: eventData(10_000, 105), RequestID: 1}
	var buf []byte
	b.SetBytes(int64(len(c.Data)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendFrame(buf[:0], c); err != nil {
			b.Fatal(err)
		}
	}
}

// A small request decoded from a FrameReader (the per-command overhead).
func BenchmarkDecodeReadSegment(b *testing.B) {
	frame := frameBytes(&ReadSegment{Segment: "scope/stream/0.#epoch.0", Offset: 1 << 30, SuggestedLength: 1 << 20, RequestID: 1})
	br := bytes.NewReader(frame)
	fr := NewFrameReader(br, 4096)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		br.Reset(frame)
		if _, err := fr.ReadCommand(); err != nil {
			b.Fatal(err)
		}
	}
}

// A Java-style append: a ~512 KiB AppendBlock of ~100-byte events ending in a
// PartialEvent, then its AppendBlockEnd, read from a FrameReader and
// reassembled.
func BenchmarkAppendAssembly(b *testing.B) {
	whole := eventData(5_000, 105)
	ev := eventData(1, 105)
	var stream []byte
	stream = append(stream, frameBytes(&AppendBlock{WriterID: w1,
		Data: append(append([]byte{}, whole...), frameBytes(&PartialEvent{Data: ev[:40]})...)})...)
	stream = append(stream, frameBytes(&AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: int32(len(whole)), Data: ev[40:],
		NumEvents: 5_001, LastEventNumber: 5_001, RequestID: 1})...)
	br := bytes.NewReader(stream)
	fr := NewFrameReader(br, 64<<10)
	var a AppendAssembler
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		br.Reset(stream)
		c, err := fr.ReadCommand()
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Block(c.(*AppendBlock)); err != nil {
			b.Fatal(err)
		}
		c, err = fr.ReadCommand()
		if err != nil {
			b.Fatal(err)
		}
		app, err := a.End(c.(*AppendBlockEnd))
		if err != nil {
			b.Fatal(err)
		}
		if len(app.Data) != len(whole)+len(ev) {
			b.Fatal("bad append")
		}
		a.Forget(w1)
	}
}
