package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Append reassembly (spec §1.2). A Java client sends an append as an
// AppendBlock followed by the same writer's AppendBlockEnd. The block holds
// SizeOfWholeEvents bytes of whole event records and then, optionally, exactly
// one frame filling the block: a PartialEvent (the start of an event whose
// rest is the AppendBlockEnd's data) or a Padding (unused space; the
// AppendBlockEnd's data must then be empty). A Rust client sends the
// AppendBlockEnd alone, its data holding all the records.

// Append is one logical append produced by AppendAssembler.End.
type Append struct {
	WriterID    UUID
	EventNumber int64 // the event number of the last event in Data
	EventCount  int32
	Data        []byte
	RequestID   int64
}

// AppendAssembler reassembles appends on one connection. It also checks that
// each writer's event numbers never go backwards on this connection. Not safe
// for concurrent use.
type AppendAssembler struct {
	pending bool
	writer  UUID
	// buf holds the pending block. When split is true the trailing frame's
	// header was recognised at offset split in the block and left out, so buf
	// is block[:splitAt] + block[splitAt+8:]; trailer describes it.
	buf       []byte
	blockLen  int
	split     bool
	splitAt   int
	trailer   [HeaderSize]byte
	lastEvent map[UUID]int64
}

// Pending reports whether an AppendBlock awaits its AppendBlockEnd. While it
// does, any other command on the connection is a protocol error.
func (a *AppendAssembler) Pending() bool { return a.pending }

// Block takes the first part of an append. It copies b.Data (whose bytes
// usually alias a reader buffer), leaving out a recognised trailing frame
// header and Padding content, so End need not copy again.
func (a *AppendAssembler) Block(b *AppendBlock) error {
	if a.pending {
		return fmt.Errorf("%w: AppendBlock for writer %v while a block of writer %v is pending",
			ErrBadAppend, b.WriterID, a.writer)
	}
	data := b.Data
	a.pending, a.writer, a.blockLen, a.split = true, b.WriterID, len(data), false
	p := wholeEventsPrefix(data)
	rest := data[p:]
	if len(rest) >= HeaderSize {
		t := Type(int32(binary.BigEndian.Uint32(rest)))
		n := int32(binary.BigEndian.Uint32(rest[4:]))
		body := rest[HeaderSize:]
		switch {
		case t == TypePartialEvent && int(n) == len(body):
			// Reserve room for the rest of the event, known from its header
			// when the partial part holds it.
			extra := 0
			if len(body) >= EventHeaderSize {
				if l := int(int32(binary.BigEndian.Uint32(body[4:]))); l >= 0 {
					// Bounded so a tiny hostile block cannot make us
					// reserve a huge buffer.
					extra = min(max(EventHeaderSize+l-len(body), 0), len(data)+1<<20)
				}
			}
			a.buf = make([]byte, 0, len(data)-HeaderSize+extra)
			a.buf = append(append(a.buf, data[:p]...), body...)
			a.split, a.splitAt = true, p
			copy(a.trailer[:], rest)
			return nil
		case t == TypePadding && int(n) == len(body) && allZero(body):
			a.buf = append(make([]byte, 0, p), data[:p]...)
			a.split, a.splitAt = true, p
			copy(a.trailer[:], rest)
			return nil
		}
	}
	a.buf = append(make([]byte, 0, len(data)), data...)
	return nil
}

// End completes an append and returns it. Without a pending block the
// append's Data is e.Data itself (no copy). With one, Data is a fresh slice:
// the block's whole events, then the PartialEvent's bytes, then e.Data. End
// checks that the writer matches the block's, 0 <= SizeOfWholeEvents <= block
// length, that the block ends in at most one PartialEvent or Padding frame
// filling it exactly, that Padding comes with empty end data, NumEvents > 0,
// and that the writer's LastEventNumber did not go backwards. Errors wrap
// ErrBadAppend; the pending block is dropped either way.
func (a *AppendAssembler) End(e *AppendBlockEnd) (Append, error) {
	out := Append{WriterID: e.WriterID, EventNumber: e.LastEventNumber, EventCount: e.NumEvents,
		RequestID: e.RequestID}
	if a.pending {
		data, err := a.combine(e)
		a.pending, a.buf = false, nil
		if err != nil {
			return Append{}, err
		}
		out.Data = data
	} else {
		out.Data = e.Data
	}
	if e.NumEvents <= 0 {
		return Append{}, fmt.Errorf("%w: writer %v: numEvents %d", ErrBadAppend, e.WriterID, e.NumEvents)
	}
	if last, ok := a.lastEvent[e.WriterID]; ok && e.LastEventNumber < last {
		return Append{}, fmt.Errorf("%w: writer %v: event number %d after %d", ErrBadAppend,
			e.WriterID, e.LastEventNumber, last)
	}
	if a.lastEvent == nil {
		a.lastEvent = make(map[UUID]int64)
	}
	a.lastEvent[e.WriterID] = e.LastEventNumber
	return out, nil
}

// Forget drops the event-number tracking of a writer (after its WriterState
// is discarded, so a new SetupAppend starts afresh).
func (a *AppendAssembler) Forget(writer UUID) { delete(a.lastEvent, writer) }

func (a *AppendAssembler) combine(e *AppendBlockEnd) ([]byte, error) {
	if e.WriterID != a.writer {
		return nil, fmt.Errorf("%w: AppendBlockEnd of writer %v after AppendBlock of writer %v",
			ErrBadAppend, e.WriterID, a.writer)
	}
	size := int(e.SizeOfWholeEvents)
	if size < 0 || size > a.blockLen {
		return nil, fmt.Errorf("%w: writer %v: sizeOfWholeEvents %d outside block of %d bytes",
			ErrBadAppend, e.WriterID, size, a.blockLen)
	}
	if a.split && size != a.splitAt {
		a.unsplit()
	}
	if a.split {
		if Type(int32(binary.BigEndian.Uint32(a.trailer[:]))) == TypePadding {
			return padded(a.buf, e)
		}
		return append(a.buf, e.Data...), nil
	}
	buf := a.buf
	rest := buf[size:]
	if len(rest) == 0 {
		return append(buf, e.Data...), nil
	}
	if len(rest) < HeaderSize {
		return nil, fmt.Errorf("%w: writer %v: %d trailing block bytes cannot hold a frame header",
			ErrBadAppend, e.WriterID, len(rest))
	}
	t := Type(int32(binary.BigEndian.Uint32(rest)))
	n := int32(binary.BigEndian.Uint32(rest[4:]))
	if n < 0 || int(n) != len(rest)-HeaderSize {
		return nil, fmt.Errorf("%w: writer %v: trailing %v frame of length %d does not fill the %d remaining block bytes",
			ErrBadAppend, e.WriterID, t, n, len(rest)-HeaderSize)
	}
	switch t {
	case TypePartialEvent:
		m := copy(rest, rest[HeaderSize:])
		return append(buf[:size+m], e.Data...), nil
	case TypePadding:
		return padded(buf[:size], e)
	}
	return nil, fmt.Errorf("%w: writer %v: block ends in a %v frame, want PartialEvent or Padding",
		ErrBadAppend, e.WriterID, t)
}

func padded(data []byte, e *AppendBlockEnd) ([]byte, error) {
	if len(e.Data) != 0 {
		return nil, fmt.Errorf("%w: writer %v: %d bytes of data after Padding", ErrBadAppend,
			e.WriterID, len(e.Data))
	}
	return data, nil
}

// unsplit rebuilds the verbatim block when SizeOfWholeEvents disagrees with
// the recognised trailing frame (rare: not an event stream's block).
func (a *AppendAssembler) unsplit() {
	body := a.buf[a.splitAt:]
	blk := make([]byte, 0, a.blockLen)
	blk = append(blk, a.buf[:a.splitAt]...)
	blk = append(blk, a.trailer[:]...)
	if Type(int32(binary.BigEndian.Uint32(a.trailer[:]))) == TypePadding {
		blk = blk[:a.blockLen] // Padding content was checked to be zero
		clear(blk[a.splitAt+HeaderSize:])
	} else {
		blk = append(blk, body...)
	}
	a.buf, a.split = blk, false
}

// wholeEventsPrefix returns the length of the longest prefix of data made of
// whole event records.
func wholeEventsPrefix(data []byte) int {
	p := 0
	for len(data)-p >= EventHeaderSize {
		if int32(binary.BigEndian.Uint32(data[p:])) != int32(TypeEvent) {
			break
		}
		n := int32(binary.BigEndian.Uint32(data[p+4:]))
		if n < 0 || int(n) > len(data)-p-EventHeaderSize {
			break
		}
		p += EventHeaderSize + int(n)
	}
	return p
}

var zeros [4096]byte

func allZero(p []byte) bool {
	for len(p) > 0 {
		n := min(len(p), len(zeros))
		if !bytes.Equal(p[:n], zeros[:n]) {
			return false
		}
		p = p[n:]
	}
	return true
}
