package wire

import (
	"encoding/binary"
	"slices"
)

// Event records and the commands that only appear inside appends: Event (0),
// PartialEvent (-2) and Padding (-1).
//
// An event is stored in a segment as a record [i32 0][i32 len][len bytes];
// event-stream segment data is a concatenation of such records. A framed Event
// command is byte-for-byte that record.

// EventHeaderSize is the size of an event record's header.
const EventHeaderSize = 8

// AppendEvent appends the record for event: [i32 0][i32 len(event)][event].
func AppendEvent(b []byte, event []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(TypeEvent))
	b = binary.BigEndian.AppendUint32(b, uint32(len(event)))
	return append(b, event...)
}

// EventScanner iterates over the whole event records of segment or append
// data:
//
//	s := wire.NewEventScanner(data)
//	for s.Scan() { use(s.Event()) }
//	if err := s.Err(); err != nil { ... }
type EventScanner struct {
	data  []byte
	off   int
	event []byte
	err   error
}

// NewEventScanner returns a scanner over data.
func NewEventScanner(data []byte) *EventScanner { return &EventScanner{data: data} }

// Scan advances to the next record. It returns false at the end of the data or
// on a bad record (see Err).
func (s *EventScanner) Scan() bool {
	s.event = nil
	if s.err != nil || s.off == len(s.data) {
		return false
	}
	rest := s.data[s.off:]
	if len(rest) < EventHeaderSize {
		s.err = malformed("event record at %d: %d bytes left, header needs %d", s.off, len(rest), EventHeaderSize)
		return false
	}
	if t := int32(binary.BigEndian.Uint32(rest)); t != int32(TypeEvent) {
		s.err = malformed("event record at %d: type %d, want 0", s.off, t)
		return false
	}
	n := int32(binary.BigEndian.Uint32(rest[4:]))
	if n < 0 || int(n) > len(rest)-EventHeaderSize {
		s.err = malformed("event record at %d: length %d, %d bytes left", s.off, n, len(rest)-EventHeaderSize)
		return false
	}
	end := EventHeaderSize + int(n)
	s.event = rest[EventHeaderSize:end:end]
	s.off += end
	return true
}

// Event returns the current event's bytes (aliasing the data).
func (s *EventScanner) Event() []byte { return s.event }

// Offset is the position in the data just after the current record.
func (s *EventScanner) Offset() int { return s.off }

// Err returns the error that stopped the scan, wrapping ErrMalformed, or nil.
func (s *EventScanner) Err() error { return s.err }

// SplitEvents calls fn for each whole event record of data, in order, until fn
// returns false. It returns an error wrapping ErrMalformed if it meets a
// partial or invalid record (records before it have been passed to fn).
func SplitEvents(data []byte, fn func(event []byte) bool) error {
	s := EventScanner{data: data}
	for s.Scan() {
		if !fn(s.event) {
			return nil
		}
	}
	return s.err
}

// Event is an event record as a command: type 0, payload = the event bytes.
// It is never a top-level frame; AppendFrame of an Event yields exactly the
// record AppendEvent writes.
type Event struct {
	Data []byte
}

// Type implements Command.
func (*Event) Type() Type { return TypeEvent }

// AppendPayload implements Command.
func (c *Event) AppendPayload(b []byte) []byte { return append(b, c.Data...) }

func (c *Event) encode(e enc) enc { return e.raw(c.Data) }

func (c *Event) decode(d *dec) { c.Data = d.rest() }

// PartialEvent holds the first bytes of an event that did not fit in an
// AppendBlock; the rest follows in the AppendBlockEnd's data.
type PartialEvent struct {
	Data []byte
}

// Type implements Command.
func (*PartialEvent) Type() Type { return TypePartialEvent }

// AppendPayload implements Command.
func (c *PartialEvent) AppendPayload(b []byte) []byte { return append(b, c.Data...) }

func (c *PartialEvent) encode(e enc) enc { return e.raw(c.Data) }

func (c *PartialEvent) decode(d *dec) { c.Data = d.rest() }

// Padding fills the unused end of an AppendBlock: Length zero bytes. Its
// content is not checked on decode.
type Padding struct {
	Length int
}

// Type implements Command.
func (*Padding) Type() Type { return TypePadding }

// AppendPayload implements Command.
func (c *Padding) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *Padding) encode(e enc) enc {
	n := max(c.Length, 0)
	e.b = slices.Grow(e.b, n)
	l := len(e.b)
	e.b = e.b[:l+n]
	clear(e.b[l:])
	return e
}
