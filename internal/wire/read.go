package wire

// Reads and segment information: ReadSegment (9), SegmentRead (10),
// GetStreamSegmentInfo (11) and StreamSegmentInfo (12) from version 1 (read
// requestIds since v8, startOffset since v2); LocateOffset (41) and
// OffsetLocated (42) from version 17.

// ReadSegment asks for data of Segment from Offset. Note that requestId is the
// last field.
type ReadSegment struct {
	Segment         string
	Offset          int64
	SuggestedLength int32
	Token           string // delegation token, "" when auth is off
	RequestID       int64  // -1 before v8
}

// Type implements Command.
func (*ReadSegment) Type() Type { return TypeReadSegment }

// AppendPayload implements Command.
func (c *ReadSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ReadSegment) encode(e enc) enc {
	return e.str(c.Segment).i64(c.Offset).i32(c.SuggestedLength).str(c.Token).i64(c.RequestID)
}

func (c *ReadSegment) decode(d *dec) {
	c.Segment = d.str("segment")
	c.Offset = d.i64("offset")
	c.SuggestedLength = d.i32("suggestedLength")
	c.Token = d.str("token")
	c.RequestID = d.optI64("requestId", NoOffset)
}

func (c *ReadSegment) requestID() int64 { return c.RequestID }

// SegmentRead answers ReadSegment. Offset must equal the requested offset.
type SegmentRead struct {
	Segment      string
	Offset       int64 // the requested offset
	AtTail       bool  // the read stopped at the current end of a non-sealed segment
	EndOfSegment bool  // the read reached the end of a sealed segment
	Data         []byte
	RequestID    int64 // -1 before v8
}

// Type implements Command.
func (*SegmentRead) Type() Type { return TypeSegmentRead }

// AppendPayload implements Command.
func (c *SegmentRead) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentRead) encode(e enc) enc {
	return e.str(c.Segment).i64(c.Offset).boolean(c.AtTail).boolean(c.EndOfSegment).blob(c.Data).
		i64(c.RequestID)
}

func (c *SegmentRead) decode(d *dec) {
	c.Segment = d.str("segment")
	c.Offset = d.i64("offset")
	c.AtTail = d.boolean("atTail")
	c.EndOfSegment = d.boolean("endOfSegment")
	c.Data = d.blob("data")
	c.RequestID = d.optI64("requestId", NoOffset)
}

func (c *SegmentRead) requestID() int64 { return c.RequestID }

// GetStreamSegmentInfo asks for a segment's metadata.
type GetStreamSegmentInfo struct {
	RequestID   int64
	SegmentName string
	Token       string // delegation token, "" when auth is off
}

// Type implements Command.
func (*GetStreamSegmentInfo) Type() Type { return TypeGetStreamSegmentInfo }

// AppendPayload implements Command.
func (c *GetStreamSegmentInfo) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *GetStreamSegmentInfo) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.SegmentName).str(c.Token)
}

func (c *GetStreamSegmentInfo) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.SegmentName = d.str("segmentName")
	c.Token = d.str("token")
}

func (c *GetStreamSegmentInfo) requestID() int64 { return c.RequestID }

// StreamSegmentInfo answers GetStreamSegmentInfo.
type StreamSegmentInfo struct {
	RequestID    int64
	SegmentName  string
	Exists       bool
	IsSealed     bool
	IsDeleted    bool
	LastModified int64 // epoch milliseconds
	WriteOffset  int64 // segment length
	StartOffset  int64 // 0 before v2
}

// Type implements Command.
func (*StreamSegmentInfo) Type() Type { return TypeStreamSegmentInfo }

// AppendPayload implements Command.
func (c *StreamSegmentInfo) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *StreamSegmentInfo) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.SegmentName).boolean(c.Exists).boolean(c.IsSealed).
		boolean(c.IsDeleted).i64(c.LastModified).i64(c.WriteOffset).i64(c.StartOffset)
}

func (c *StreamSegmentInfo) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.SegmentName = d.str("segmentName")
	c.Exists = d.boolean("exists")
	c.IsSealed = d.boolean("isSealed")
	c.IsDeleted = d.boolean("isDeleted")
	c.LastModified = d.i64("lastModified")
	c.WriteOffset = d.i64("writeOffset")
	c.StartOffset = d.optI64("startOffset", 0)
}

func (c *StreamSegmentInfo) requestID() int64 { return c.RequestID }

// LocateOffset (v17) asks for the first event boundary at or after
// TargetOffset.
type LocateOffset struct {
	RequestID    int64
	Segment      string
	TargetOffset int64
	Token        string // delegation token, "" when auth is off
}

// Type implements Command.
func (*LocateOffset) Type() Type { return TypeLocateOffset }

// AppendPayload implements Command.
func (c *LocateOffset) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *LocateOffset) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).i64(c.TargetOffset).str(c.Token)
}

func (c *LocateOffset) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.TargetOffset = d.i64("targetOffset")
	c.Token = d.str("token")
}

func (c *LocateOffset) requestID() int64 { return c.RequestID }

// OffsetLocated (v17) answers LocateOffset.
type OffsetLocated struct {
	RequestID int64
	Segment   string
	Offset    int64
}

// Type implements Command.
func (*OffsetLocated) Type() Type { return TypeOffsetLocated }

// AppendPayload implements Command.
func (c *OffsetLocated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *OffsetLocated) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).i64(c.Offset)
}

func (c *OffsetLocated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Offset = d.i64("offset")
}

func (c *OffsetLocated) requestID() int64 { return c.RequestID }
