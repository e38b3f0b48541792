package wire

// Error replies (server to client). serverStackTrace became an optional
// trailing string in version 6 and the offsets of SegmentIsSealed,
// NoSuchSegment and SegmentIsTruncated optional i64s in v8 (-1 when absent).
// AuthTokenCheckFailed exists since v5 (errorCode since v9), OperationUnsupported
// since v4, ErrorMessage since the v10 era, the table errors since v7.

// WrongHost reports that this server does not own the segment.
type WrongHost struct {
	RequestID        int64
	Segment          string
	CorrectHost      string // Java always sends ""
	ServerStackTrace string // optional since v6, normally ""
}

// Type implements Command.
func (*WrongHost) Type() Type { return TypeWrongHost }

// AppendPayload implements Command.
func (c *WrongHost) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *WrongHost) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.CorrectHost).str(c.ServerStackTrace)
}

func (c *WrongHost) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.CorrectHost = d.str("correctHost")
	c.ServerStackTrace = d.optStr("serverStackTrace")
}

func (c *WrongHost) requestID() int64 { return c.RequestID }

// SegmentIsSealed reports that the segment is sealed.
type SegmentIsSealed struct {
	RequestID        int64
	Segment          string
	ServerStackTrace string // optional since v6, normally ""
	Offset           int64  // read offset, or the eventNumber for appends; -1 before v8
}

// Type implements Command.
func (*SegmentIsSealed) Type() Type { return TypeSegmentIsSealed }

// AppendPayload implements Command.
func (c *SegmentIsSealed) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentIsSealed) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.ServerStackTrace).i64(c.Offset)
}

func (c *SegmentIsSealed) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.ServerStackTrace = d.optStr("serverStackTrace")
	c.Offset = d.optI64("offset", NoOffset)
}

func (c *SegmentIsSealed) requestID() int64 { return c.RequestID }

// SegmentAlreadyExists reports that the segment to create exists.
type SegmentAlreadyExists struct {
	RequestID        int64
	Segment          string
	ServerStackTrace string // optional since v6, normally ""
}

// Type implements Command.
func (*SegmentAlreadyExists) Type() Type { return TypeSegmentAlreadyExists }

// AppendPayload implements Command.
func (c *SegmentAlreadyExists) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentAlreadyExists) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.ServerStackTrace)
}

func (c *SegmentAlreadyExists) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.ServerStackTrace = d.optStr("serverStackTrace")
}

func (c *SegmentAlreadyExists) requestID() int64 { return c.RequestID }

// NoSuchSegment reports that the segment does not exist.
type NoSuchSegment struct {
	RequestID        int64
	Segment          string
	ServerStackTrace string // optional since v6, normally ""
	Offset           int64  // request offset, or -1
}

// Type implements Command.
func (*NoSuchSegment) Type() Type { return TypeNoSuchSegment }

// AppendPayload implements Command.
func (c *NoSuchSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *NoSuchSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.ServerStackTrace).i64(c.Offset)
}

func (c *NoSuchSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.ServerStackTrace = d.optStr("serverStackTrace")
	c.Offset = d.optI64("offset", NoOffset)
}

func (c *NoSuchSegment) requestID() int64 { return c.RequestID }

// InvalidEventNumber reports that a writer's event number check failed; the
// server closes the connection after sending it. This is the v16+ layout
// (writerId, requestId, stack, eventNumber), which is what Decode reads; a
// v6-v15 peer put eventNumber where requestId is now (see
// DecodeInvalidEventNumberV15).
type InvalidEventNumber struct {
	WriterID         UUID
	RequestID        int64
	ServerStackTrace string // optional since v6, normally ""
	EventNumber      int64  // -1 when absent
}

// Type implements Command.
func (*InvalidEventNumber) Type() Type { return TypeInvalidEventNumber }

// AppendPayload implements Command.
func (c *InvalidEventNumber) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *InvalidEventNumber) encode(e enc) enc {
	return e.uuid(c.WriterID).i64(c.RequestID).str(c.ServerStackTrace).i64(c.EventNumber)
}

func (c *InvalidEventNumber) decode(d *dec) {
	c.WriterID = d.uuid("writerId")
	c.RequestID = d.i64("requestId")
	c.ServerStackTrace = d.optStr("serverStackTrace")
	c.EventNumber = d.optI64("eventNumber", NoOffset)
}

func (c *InvalidEventNumber) requestID() int64 { return c.RequestID }

// SegmentIsTruncated reports that the offset is below the segment's start
// offset.
type SegmentIsTruncated struct {
	RequestID        int64
	Segment          string
	StartOffset      int64
	ServerStackTrace string // optional since v6, normally ""
	Offset           int64  // requested offset; -1 before v8
}

// Type implements Command.
func (*SegmentIsTruncated) Type() Type { return TypeSegmentIsTruncated }

// AppendPayload implements Command.
func (c *SegmentIsTruncated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentIsTruncated) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).i64(c.StartOffset).str(c.ServerStackTrace).i64(c.Offset)
}

func (c *SegmentIsTruncated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.StartOffset = d.i64("startOffset")
	c.ServerStackTrace = d.optStr("serverStackTrace")
	c.Offset = d.optI64("offset", NoOffset)
}

func (c *SegmentIsTruncated) requestID() int64 { return c.RequestID }

// OperationUnsupported reports that the server does not support the
// operation.
type OperationUnsupported struct {
	RequestID        int64
	OperationName    string
	ServerStackTrace string // optional since v6, normally ""
}

// Type implements Command.
func (*OperationUnsupported) Type() Type { return TypeOperationUnsupported }

// AppendPayload implements Command.
func (c *OperationUnsupported) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *OperationUnsupported) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.OperationName).str(c.ServerStackTrace)
}

func (c *OperationUnsupported) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.OperationName = d.str("operationName")
	c.ServerStackTrace = d.optStr("serverStackTrace")
}

func (c *OperationUnsupported) requestID() int64 { return c.RequestID }

// AuthTokenCheckFailed reports that the delegation token is invalid or expired.
type AuthTokenCheckFailed struct {
	RequestID        int64
	ServerStackTrace string        // optional since v6, normally ""
	ErrorCode        AuthErrorCode // AuthErrorUnspecified before v9
}

// Type implements Command.
func (*AuthTokenCheckFailed) Type() Type { return TypeAuthTokenCheckFailed }

// AppendPayload implements Command.
func (c *AuthTokenCheckFailed) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *AuthTokenCheckFailed) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.ServerStackTrace).i32(int32(c.ErrorCode))
}

func (c *AuthTokenCheckFailed) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.ServerStackTrace = d.optStr("serverStackTrace")
	c.ErrorCode = AuthErrorCode(d.optI32("errorCode", -1))
}

func (c *AuthTokenCheckFailed) requestID() int64 { return c.RequestID }

// ErrorMessage reports a generic failure with a message (all fields required).
type ErrorMessage struct {
	RequestID int64
	Segment   string
	Message   string
	ErrorCode ErrorCode
}

// Type implements Command.
func (*ErrorMessage) Type() Type { return TypeErrorMessage }

// AppendPayload implements Command.
func (c *ErrorMessage) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ErrorMessage) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Message).i32(int32(c.ErrorCode))
}

func (c *ErrorMessage) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Message = d.str("message")
	c.ErrorCode = ErrorCode(d.i32("errorCode"))
}

func (c *ErrorMessage) requestID() int64 { return c.RequestID }

// TableSegmentNotEmpty reports a DeleteTableSegment with mustBeEmpty on a
// non-empty table.
type TableSegmentNotEmpty struct {
	RequestID        int64
	Segment          string
	ServerStackTrace string // required
}

// Type implements Command.
func (*TableSegmentNotEmpty) Type() Type { return TypeTableSegmentNotEmpty }

// AppendPayload implements Command.
func (c *TableSegmentNotEmpty) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableSegmentNotEmpty) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.ServerStackTrace)
}

func (c *TableSegmentNotEmpty) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.ServerStackTrace = d.str("serverStackTrace")
}

func (c *TableSegmentNotEmpty) requestID() int64 { return c.RequestID }

// TableKeyDoesNotExist reports that a conditional update or removal names a
// missing key.
type TableKeyDoesNotExist struct {
	RequestID        int64
	Segment          string
	ServerStackTrace string // required
}

// Type implements Command.
func (*TableKeyDoesNotExist) Type() Type { return TypeTableKeyDoesNotExist }

// AppendPayload implements Command.
func (c *TableKeyDoesNotExist) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableKeyDoesNotExist) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.ServerStackTrace)
}

func (c *TableKeyDoesNotExist) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.ServerStackTrace = d.str("serverStackTrace")
}

func (c *TableKeyDoesNotExist) requestID() int64 { return c.RequestID }

// TableKeyBadVersion reports that a conditional update or removal has the
// wrong version.
type TableKeyBadVersion struct {
	RequestID        int64
	Segment          string
	ServerStackTrace string // required
}

// Type implements Command.
func (*TableKeyBadVersion) Type() Type { return TypeTableKeyBadVersion }

// AppendPayload implements Command.
func (c *TableKeyBadVersion) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableKeyBadVersion) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.ServerStackTrace)
}

func (c *TableKeyBadVersion) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.ServerStackTrace = d.str("serverStackTrace")
}

func (c *TableKeyBadVersion) requestID() int64 { return c.RequestID }

// DecodeInvalidEventNumberV15 decodes an InvalidEventNumber payload in the
// v6-v15 layout (writerId, eventNumber, serverStackTrace), which is what the
// Rust client parses and what a pre-v16 server sends. RequestID is -1.
func DecodeInvalidEventNumberV15(payload []byte) (*InvalidEventNumber, error) {
	d := dec{b: payload}
	c := &InvalidEventNumber{RequestID: NoOffset}
	c.WriterID = d.uuid("writerId")
	c.EventNumber = d.i64("eventNumber")
	c.ServerStackTrace = d.optStr("serverStackTrace")
	if d.err != nil {
		return nil, &FrameError{Type: TypeInvalidEventNumber, Err: d.err}
	}
	return c, nil
}
