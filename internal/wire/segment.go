package wire

import "fmt"

// Segment management: create (20/21), seal (28/29), delete (30/31), scaling
// policy (32/33), attributes (34-37) and merge (58/59) from version 1; truncate
// (38/39) from v2; CreateTransientSegment (40) from the v14 era; merge
// attribute updates from v13, rolloverSizeBytes from v14; MergeSegmentsBatch
// (90/91) from v15.

// CreateSegment creates a stream segment. TargetRate precedes ScaleType on the
// wire.
type CreateSegment struct {
	RequestID         int64
	Segment           string
	TargetRate        int32
	ScaleType         ScaleType
	Token             string // delegation token, "" when auth is off
	RolloverSizeBytes int64  // 0 (server default) before v14
}

// Type implements Command.
func (*CreateSegment) Type() Type { return TypeCreateSegment }

// AppendPayload implements Command.
func (c *CreateSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *CreateSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).i32(c.TargetRate).i8(int8(c.ScaleType)).str(c.Token).
		i64(c.RolloverSizeBytes)
}

func (c *CreateSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.TargetRate = d.i32("targetRate")
	c.ScaleType = ScaleType(d.i8("scaleType"))
	c.Token = d.str("token")
	c.RolloverSizeBytes = d.optI64("rolloverSizeBytes", 0)
}

func (c *CreateSegment) requestID() int64 { return c.RequestID }

// SegmentCreated answers CreateSegment, CreateTransientSegment and
// CreateTableSegment.
type SegmentCreated struct {
	RequestID int64
	Segment   string
}

// Type implements Command.
func (*SegmentCreated) Type() Type { return TypeSegmentCreated }

// AppendPayload implements Command.
func (c *SegmentCreated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentCreated) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment)
}

func (c *SegmentCreated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
}

func (c *SegmentCreated) requestID() int64 { return c.RequestID }

// CreateTransientSegment creates a connection-owned transient segment under
// ParentSegment; the reply is SegmentCreated with the generated name.
type CreateTransientSegment struct {
	RequestID     int64
	WriterID      UUID
	ParentSegment string
	Token         string // delegation token, "" when auth is off
}

// Type implements Command.
func (*CreateTransientSegment) Type() Type { return TypeCreateTransientSegment }

// AppendPayload implements Command.
func (c *CreateTransientSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *CreateTransientSegment) encode(e enc) enc {
	return e.i64(c.RequestID).uuid(c.WriterID).str(c.ParentSegment).str(c.Token)
}

func (c *CreateTransientSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.WriterID = d.uuid("writerId")
	c.ParentSegment = d.str("parentSegment")
	c.Token = d.str("token")
}

func (c *CreateTransientSegment) requestID() int64 { return c.RequestID }

// SealSegment seals a segment.
type SealSegment struct {
	RequestID int64
	Segment   string
	Token     string // delegation token, "" when auth is off
}

// Type implements Command.
func (*SealSegment) Type() Type { return TypeSealSegment }

// AppendPayload implements Command.
func (c *SealSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SealSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token)
}

func (c *SealSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
}

func (c *SealSegment) requestID() int64 { return c.RequestID }

// SegmentSealed answers SealSegment.
type SegmentSealed struct {
	RequestID int64
	Segment   string
}

// Type implements Command.
func (*SegmentSealed) Type() Type { return TypeSegmentSealed }

// AppendPayload implements Command.
func (c *SegmentSealed) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentSealed) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment)
}

func (c *SegmentSealed) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
}

func (c *SegmentSealed) requestID() int64 { return c.RequestID }

// DeleteSegment deletes a segment.
type DeleteSegment struct {
	RequestID int64
	Segment   string
	Token     string // delegation token, "" when auth is off
}

// Type implements Command.
func (*DeleteSegment) Type() Type { return TypeDeleteSegment }

// AppendPayload implements Command.
func (c *DeleteSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *DeleteSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token)
}

func (c *DeleteSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
}

func (c *DeleteSegment) requestID() int64 { return c.RequestID }

// SegmentDeleted answers DeleteSegment and DeleteTableSegment.
type SegmentDeleted struct {
	RequestID int64
	Segment   string
}

// Type implements Command.
func (*SegmentDeleted) Type() Type { return TypeSegmentDeleted }

// AppendPayload implements Command.
func (c *SegmentDeleted) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentDeleted) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment)
}

func (c *SegmentDeleted) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
}

func (c *SegmentDeleted) requestID() int64 { return c.RequestID }

// UpdateSegmentPolicy replaces a segment's scaling policy.
type UpdateSegmentPolicy struct {
	RequestID  int64
	Segment    string
	TargetRate int32
	ScaleType  ScaleType
	Token      string // delegation token, "" when auth is off
}

// Type implements Command.
func (*UpdateSegmentPolicy) Type() Type { return TypeUpdateSegmentPolicy }

// AppendPayload implements Command.
func (c *UpdateSegmentPolicy) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *UpdateSegmentPolicy) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).i32(c.TargetRate).i8(int8(c.ScaleType)).str(c.Token)
}

func (c *UpdateSegmentPolicy) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.TargetRate = d.i32("targetRate")
	c.ScaleType = ScaleType(d.i8("scaleType"))
	c.Token = d.str("token")
}

func (c *UpdateSegmentPolicy) requestID() int64 { return c.RequestID }

// SegmentPolicyUpdated answers UpdateSegmentPolicy.
type SegmentPolicyUpdated struct {
	RequestID int64
	Segment   string
}

// Type implements Command.
func (*SegmentPolicyUpdated) Type() Type { return TypeSegmentPolicyUpdated }

// AppendPayload implements Command.
func (c *SegmentPolicyUpdated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentPolicyUpdated) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment)
}

func (c *SegmentPolicyUpdated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
}

func (c *SegmentPolicyUpdated) requestID() int64 { return c.RequestID }

// GetSegmentAttribute reads one segment attribute.
type GetSegmentAttribute struct {
	RequestID   int64
	SegmentName string
	AttributeID UUID
	Token       string // delegation token, "" when auth is off
}

// Type implements Command.
func (*GetSegmentAttribute) Type() Type { return TypeGetSegmentAttribute }

// AppendPayload implements Command.
func (c *GetSegmentAttribute) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *GetSegmentAttribute) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.SegmentName).uuid(c.AttributeID).str(c.Token)
}

func (c *GetSegmentAttribute) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.SegmentName = d.str("segmentName")
	c.AttributeID = d.uuid("attributeId")
	c.Token = d.str("token")
}

func (c *GetSegmentAttribute) requestID() int64 { return c.RequestID }

// SegmentAttribute answers GetSegmentAttribute; Value is NullAttributeValue
// when unset.
type SegmentAttribute struct {
	RequestID int64
	Value     int64
}

// Type implements Command.
func (*SegmentAttribute) Type() Type { return TypeSegmentAttribute }

// AppendPayload implements Command.
func (c *SegmentAttribute) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentAttribute) encode(e enc) enc {
	return e.i64(c.RequestID).i64(c.Value)
}

func (c *SegmentAttribute) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Value = d.i64("value")
}

func (c *SegmentAttribute) requestID() int64 { return c.RequestID }

// UpdateSegmentAttribute sets an attribute to NewValue if its current value is
// ExpectedValue (NullAttributeValue: must be unset).
type UpdateSegmentAttribute struct {
	RequestID     int64
	SegmentName   string
	AttributeID   UUID
	NewValue      int64
	ExpectedValue int64
	Token         string // delegation token, "" when auth is off
}

// Type implements Command.
func (*UpdateSegmentAttribute) Type() Type { return TypeUpdateSegmentAttribute }

// AppendPayload implements Command.
func (c *UpdateSegmentAttribute) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *UpdateSegmentAttribute) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.SegmentName).uuid(c.AttributeID).i64(c.NewValue).
		i64(c.ExpectedValue).str(c.Token)
}

func (c *UpdateSegmentAttribute) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.SegmentName = d.str("segmentName")
	c.AttributeID = d.uuid("attributeId")
	c.NewValue = d.i64("newValue")
	c.ExpectedValue = d.i64("expectedValue")
	c.Token = d.str("token")
}

func (c *UpdateSegmentAttribute) requestID() int64 { return c.RequestID }

// SegmentAttributeUpdated answers UpdateSegmentAttribute (and a MergeSegments
// whose attribute condition failed).
type SegmentAttributeUpdated struct {
	RequestID int64
	Success   bool
}

// Type implements Command.
func (*SegmentAttributeUpdated) Type() Type { return TypeSegmentAttributeUpdated }

// AppendPayload implements Command.
func (c *SegmentAttributeUpdated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentAttributeUpdated) encode(e enc) enc {
	return e.i64(c.RequestID).boolean(c.Success)
}

func (c *SegmentAttributeUpdated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Success = d.boolean("success")
}

func (c *SegmentAttributeUpdated) requestID() int64 { return c.RequestID }

// TruncateSegment (v2) makes data before TruncationOffset unreadable.
type TruncateSegment struct {
	RequestID        int64
	Segment          string
	TruncationOffset int64
	Token            string // delegation token, "" when auth is off
}

// Type implements Command.
func (*TruncateSegment) Type() Type { return TypeTruncateSegment }

// AppendPayload implements Command.
func (c *TruncateSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TruncateSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).i64(c.TruncationOffset).str(c.Token)
}

func (c *TruncateSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.TruncationOffset = d.i64("truncationOffset")
	c.Token = d.str("token")
}

func (c *TruncateSegment) requestID() int64 { return c.RequestID }

// SegmentTruncated answers TruncateSegment.
type SegmentTruncated struct {
	RequestID int64
	Segment   string
}

// Type implements Command.
func (*SegmentTruncated) Type() Type { return TypeSegmentTruncated }

// AppendPayload implements Command.
func (c *SegmentTruncated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentTruncated) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment)
}

func (c *SegmentTruncated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
}

func (c *SegmentTruncated) requestID() int64 { return c.RequestID }

// MergeSegments seals Source, appends it to Target and deletes it, applying
// AttributeUpdates to Target (v13; an older request without the list decodes as
// empty).
type MergeSegments struct {
	RequestID        int64
	Target           string
	Source           string
	Token            string // delegation token, "" when auth is off
	AttributeUpdates []ConditionalAttributeUpdate
}

// Type implements Command.
func (*MergeSegments) Type() Type { return TypeMergeSegments }

// AppendPayload implements Command.
func (c *MergeSegments) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *MergeSegments) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Target).str(c.Source).str(c.Token).attrUpdates(c.AttributeUpdates)
}

func (c *MergeSegments) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Target = d.str("target")
	c.Source = d.str("source")
	c.Token = d.str("token")
	c.AttributeUpdates = d.optAttrUpdates("attributeUpdates")
}

func (c *MergeSegments) requestID() int64 { return c.RequestID }

// SegmentsMerged answers MergeSegments.
type SegmentsMerged struct {
	RequestID            int64
	Target               string
	Source               string
	NewTargetWriteOffset int64 // -1 when absent
}

// Type implements Command.
func (*SegmentsMerged) Type() Type { return TypeSegmentsMerged }

// AppendPayload implements Command.
func (c *SegmentsMerged) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentsMerged) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Target).str(c.Source).i64(c.NewTargetWriteOffset)
}

func (c *SegmentsMerged) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Target = d.str("target")
	c.Source = d.str("source")
	c.NewTargetWriteOffset = d.optI64("newTargetWriteOffset", NoOffset)
}

func (c *SegmentsMerged) requestID() int64 { return c.RequestID }

// MergeSegmentsBatch (v15) merges several sources, in order, into Target.
type MergeSegmentsBatch struct {
	RequestID int64
	Target    string
	Sources   []string
	Token     string // delegation token, "" when auth is off
}

// Type implements Command.
func (*MergeSegmentsBatch) Type() Type { return TypeMergeSegmentsBatch }

// AppendPayload implements Command.
func (c *MergeSegmentsBatch) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *MergeSegmentsBatch) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Target).strs(c.Sources).str(c.Token)
}

func (c *MergeSegmentsBatch) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Target = d.str("target")
	c.Sources = d.strs("sources")
	c.Token = d.str("token")
}

func (c *MergeSegmentsBatch) requestID() int64 { return c.RequestID }

// SegmentsBatchMerged (v15) answers MergeSegmentsBatch. On the wire the two
// lists are interleaved: count, then count x (source, newTargetWriteOffset).
// Sources and NewTargetWriteOffsets must have the same length.
type SegmentsBatchMerged struct {
	RequestID             int64
	Target                string
	Sources               []string
	NewTargetWriteOffsets []int64
}

// Type implements Command.
func (*SegmentsBatchMerged) Type() Type { return TypeSegmentsBatchMerged }

// AppendPayload implements Command.
func (c *SegmentsBatchMerged) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *SegmentsBatchMerged) encode(e enc) enc {
	e = e.i64(c.RequestID).str(c.Target).i32(int32(len(c.Sources)))
	if len(c.NewTargetWriteOffsets) != len(c.Sources) && e.err == nil {
		e.err = fmt.Errorf("%w: SegmentsBatchMerged has %d sources but %d offsets", ErrMalformed,
			len(c.Sources), len(c.NewTargetWriteOffsets))
	}
	for i, s := range c.Sources {
		off := NoOffset
		if i < len(c.NewTargetWriteOffsets) {
			off = c.NewTargetWriteOffsets[i]
		}
		e = e.str(s).i64(off)
	}
	return e
}

func (c *SegmentsBatchMerged) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Target = d.str("target")
	n := d.length("count", 2+8)
	if n == 0 {
		return
	}
	c.Sources = make([]string, n)
	c.NewTargetWriteOffsets = make([]int64, n)
	for i := range n {
		c.Sources[i] = d.str("source")
		c.NewTargetWriteOffsets[i] = d.i64("newTargetWriteOffset")
	}
}

func (c *SegmentsBatchMerged) requestID() int64 { return c.RequestID }
