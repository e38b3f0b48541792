package wire

// Append commands: SetupAppend (1), AppendSetup (2), AppendBlock (3),
// AppendBlockEnd (4), ConditionalAppend (5), DataAppended (7),
// ConditionalCheckFailed (8) from version 1, and ConditionalBlockEnd (89) from
// version 11. requestId became part of AppendBlockEnd, ConditionalAppend,
// DataAppended and ConditionalCheckFailed in version 8 (decoded as -1 when
// absent); DataAppended gained previousEventNumber in version 3 and
// currentSegmentWriteOffset later (both -1 when absent).

// SetupAppend starts (or resumes) appends of writer WriterID to Segment on this
// connection.
type SetupAppend struct {
	RequestID int64
	WriterID  UUID
	Segment   string
	Token     string // delegation token, "" when auth is off
}

// Type implements Command.
func (*SetupAppend) Type() Type { return TypeSetupAppend }

// AppendPayload implements Command.
func (c *SetupAppend) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SetupAppend) encode(e enc) enc {
	return e.i64(c.RequestID).uuid(c.WriterID).str(c.Segment).str(c.Token)
}

func (c *SetupAppend) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.WriterID = d.uuid("writerId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
}

func (c *SetupAppend) requestID() int64 { return c.RequestID }

// AppendSetup answers SetupAppend with the last event number stored for the
// writer (NullAttributeValue if it never wrote).
type AppendSetup struct {
	RequestID       int64
	Segment         string
	WriterID        UUID
	LastEventNumber int64
}

// Type implements Command.
func (*AppendSetup) Type() Type { return TypeAppendSetup }

// AppendPayload implements Command.
func (c *AppendSetup) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *AppendSetup) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).uuid(c.WriterID).i64(c.LastEventNumber)
}

func (c *AppendSetup) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.WriterID = d.uuid("writerId")
	c.LastEventNumber = d.i64("lastEventNumber")
}

func (c *AppendSetup) requestID() int64 { return c.RequestID }

// AppendBlock carries the first part of an append: whole event records, then
// possibly one PartialEvent or Padding frame. Data has no length prefix on the
// wire (it is the rest of the payload). The next frame must be the writer's
// AppendBlockEnd; see AppendAssembler.
type AppendBlock struct {
	WriterID UUID
	Data     []byte
}

// Type implements Command.
func (*AppendBlock) Type() Type { return TypeAppendBlock }

// AppendPayload implements Command.
func (c *AppendBlock) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *AppendBlock) encode(e enc) enc { return e.uuid(c.WriterID).raw(c.Data) }

func (c *AppendBlock) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.Data = d.rest()
}

// AppendBlockEnd completes an append. Without a preceding AppendBlock, Data
// holds all the event records (Rust client) and SizeOfWholeEvents is ignored.
type AppendBlockEnd struct {
	WriterID          UUID
	SizeOfWholeEvents int32 // bytes of whole events at the start of the AppendBlock
	Data              []byte
	NumEvents         int32
	LastEventNumber   int64
	RequestID         int64 // the writer's SetupAppend requestId; -1 before v8
}

// Type implements Command.
func (*AppendBlockEnd) Type() Type { return TypeAppendBlockEnd }

// AppendPayload implements Command.
func (c *AppendBlockEnd) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *AppendBlockEnd) encode(e enc) enc {
	return e.uuid(c.WriterID).i32(c.SizeOfWholeEvents).blob(c.Data).i32(c.NumEvents).
		i64(c.LastEventNumber).i64(c.RequestID)
}

func (c *AppendBlockEnd) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.SizeOfWholeEvents = d.i32("sizeOfWholeEvents")
	c.Data = d.blob("data")
	c.NumEvents = d.i32("numEvents")
	c.LastEventNumber = d.i64("lastEventNumber")
	c.RequestID = d.optI64("requestId", NoOffset)
}

func (c *AppendBlockEnd) requestID() int64 { return c.RequestID }

// ConditionalAppend appends one event if the segment length equals
// ExpectedOffset. On the wire the event is a full record [i32 0][i32 len][data];
// Data holds the event bytes without that header, and the bytes stored in the
// segment are the whole record (AppendEvent(nil, Data)).
type ConditionalAppend struct {
	WriterID       UUID
	EventNumber    int64
	ExpectedOffset int64
	Data           []byte
	RequestID      int64 // -1 before v8
}

// Type implements Command.
func (*ConditionalAppend) Type() Type { return TypeConditionalAppend }

// AppendPayload implements Command.
func (c *ConditionalAppend) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ConditionalAppend) encode(e enc) enc {
	return e.uuid(c.WriterID).i64(c.EventNumber).i64(c.ExpectedOffset).
		i32(int32(TypeEvent)).blob(c.Data).i64(c.RequestID)
}

func (c *ConditionalAppend) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.EventNumber = d.i64("eventNumber")
	c.ExpectedOffset = d.i64("expectedOffset")
	if t := d.i32("event type"); d.err == nil && t != int32(TypeEvent) {
		d.err = malformed("event type %d, want 0", t)
	}
	c.Data = d.blob("event")
	c.RequestID = d.optI64("requestId", NoOffset)
}

func (c *ConditionalAppend) requestID() int64 { return c.RequestID }

// ConditionalBlockEnd (v11) appends Data verbatim (any bytes, counted as one
// event) if the segment length equals ExpectedOffset. RequestID is required.
type ConditionalBlockEnd struct {
	WriterID       UUID
	EventNumber    int64
	ExpectedOffset int64
	Data           []byte
	RequestID      int64
}

// Type implements Command.
func (*ConditionalBlockEnd) Type() Type { return TypeConditionalBlockEnd }

// AppendPayload implements Command.
func (c *ConditionalBlockEnd) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ConditionalBlockEnd) encode(e enc) enc {
	return e.uuid(c.WriterID).i64(c.EventNumber).i64(c.ExpectedOffset).blob(c.Data).i64(c.RequestID)
}

func (c *ConditionalBlockEnd) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.EventNumber = d.i64("eventNumber")
	c.ExpectedOffset = d.i64("expectedOffset")
	c.Data = d.blob("data")
	c.RequestID = d.i64("requestId")
}

func (c *ConditionalBlockEnd) requestID() int64 { return c.RequestID }

// DataAppended acknowledges all of a writer's events up to EventNumber. Note
// that RequestID is the fourth field on the wire.
type DataAppended struct {
	WriterID                  UUID
	EventNumber               int64
	PreviousEventNumber       int64 // -1 before v3
	RequestID                 int64 // -1 before v8
	CurrentSegmentWriteOffset int64 // segment length after the append; -1 when absent
}

// Type implements Command.
func (*DataAppended) Type() Type { return TypeDataAppended }

// AppendPayload implements Command.
func (c *DataAppended) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *DataAppended) encode(e enc) enc {
	return e.uuid(c.WriterID).i64(c.EventNumber).i64(c.PreviousEventNumber).i64(c.RequestID).
		i64(c.CurrentSegmentWriteOffset)
}

func (c *DataAppended) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.EventNumber = d.i64("eventNumber")
	c.PreviousEventNumber = d.optI64("previousEventNumber", NoOffset)
	c.RequestID = d.optI64("requestId", NoOffset)
	c.CurrentSegmentWriteOffset = d.optI64("currentSegmentWriteOffset", NoOffset)
}

func (c *DataAppended) requestID() int64 { return c.RequestID }

// ConditionalCheckFailed reports a conditional append whose expected offset
// did not match. The connection stays usable.
type ConditionalCheckFailed struct {
	WriterID    UUID
	EventNumber int64
	RequestID   int64 // -1 before v8
}

// Type implements Command.
func (*ConditionalCheckFailed) Type() Type { return TypeConditionalCheckFailed }

// AppendPayload implements Command.
func (c *ConditionalCheckFailed) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ConditionalCheckFailed) encode(e enc) enc {
	return e.uuid(c.WriterID).i64(c.EventNumber).i64(c.RequestID)
}

func (c *ConditionalCheckFailed) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.EventNumber = d.i64("eventNumber")
	c.RequestID = d.optI64("requestId", NoOffset)
}

func (c *ConditionalCheckFailed) requestID() int64 { return c.RequestID }
