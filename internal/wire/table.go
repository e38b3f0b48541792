package wire

// Table segment commands (version 7 unless noted): info (68/69, v12 era),
// create (70; sorted flag v10 era, keyLength v12, rolloverSizeBytes v14),
// delete (71), update (74/75) and remove (76/77) with tableSegmentOffset since
// v10, read (78/79), key and entry iteration (83-86; TableIteratorArgs beyond
// the continuation token since v12) and delta reads (87/88, v10).

// GetTableSegmentInfo asks for a table segment's metadata.
type GetTableSegmentInfo struct {
	RequestID   int64
	SegmentName string
	Token       string // delegation token, "" when auth is off
}

// Type implements Command.
func (*GetTableSegmentInfo) Type() Type { return TypeGetTableSegmentInfo }

// AppendPayload implements Command.
func (c *GetTableSegmentInfo) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *GetTableSegmentInfo) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.SegmentName).str(c.Token)
}

func (c *GetTableSegmentInfo) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.SegmentName = d.str("segmentName")
	c.Token = d.str("token")
}

func (c *GetTableSegmentInfo) requestID() int64 { return c.RequestID }

// TableSegmentInfo answers GetTableSegmentInfo.
type TableSegmentInfo struct {
	RequestID   int64
	SegmentName string
	StartOffset int64
	Length      int64
	EntryCount  int64 // live keys
	KeyLength   int32 // 0 for a variable-length (hash) table
}

// Type implements Command.
func (*TableSegmentInfo) Type() Type { return TypeTableSegmentInfo }

// AppendPayload implements Command.
func (c *TableSegmentInfo) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableSegmentInfo) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.SegmentName).i64(c.StartOffset).i64(c.Length).i64(c.EntryCount).
		i32(c.KeyLength)
}

func (c *TableSegmentInfo) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.SegmentName = d.str("segmentName")
	c.StartOffset = d.i64("startOffset")
	c.Length = d.i64("length")
	c.EntryCount = d.i64("entryCount")
	c.KeyLength = d.i32("keyLength")
}

func (c *TableSegmentInfo) requestID() int64 { return c.RequestID }

// CreateTableSegment creates a table segment. The Token precedes the optional
// fields; a request with only requestId, segment and token creates a hash table.
type CreateTableSegment struct {
	RequestID         int64
	Segment           string
	Token             string // delegation token, "" when auth is off
	SortedDeprecated  bool   // ignored; false when absent
	KeyLength         int32  // 0 (hash table) when absent
	RolloverSizeBytes int64  // 0 when absent
}

// Type implements Command.
func (*CreateTableSegment) Type() Type { return TypeCreateTableSegment }

// AppendPayload implements Command.
func (c *CreateTableSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *CreateTableSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).boolean(c.SortedDeprecated).i32(c.KeyLength).
		i64(c.RolloverSizeBytes)
}

func (c *CreateTableSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.SortedDeprecated = d.optBool("sortedDeprecated")
	c.KeyLength = d.optI32("keyLength", 0)
	c.RolloverSizeBytes = d.optI64("rolloverSizeBytes", 0)
}

func (c *CreateTableSegment) requestID() int64 { return c.RequestID }

// DeleteTableSegment deletes a table segment.
type DeleteTableSegment struct {
	RequestID   int64
	Segment     string
	MustBeEmpty bool
	Token       string // delegation token, "" when auth is off
}

// Type implements Command.
func (*DeleteTableSegment) Type() Type { return TypeDeleteTableSegment }

// AppendPayload implements Command.
func (c *DeleteTableSegment) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *DeleteTableSegment) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).boolean(c.MustBeEmpty).str(c.Token)
}

func (c *DeleteTableSegment) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.MustBeEmpty = d.boolean("mustBeEmpty")
	c.Token = d.str("token")
}

func (c *DeleteTableSegment) requestID() int64 { return c.RequestID }

// UpdateTableEntries inserts or updates entries (conditionally if any key has a
// version other than NoVersion).
type UpdateTableEntries struct {
	RequestID          int64
	Segment            string
	Token              string // delegation token, "" when auth is off
	Entries            []TableEntry
	TableSegmentOffset int64 // -1: no condition on the table length
}

// Type implements Command.
func (*UpdateTableEntries) Type() Type { return TypeUpdateTableEntries }

// AppendPayload implements Command.
func (c *UpdateTableEntries) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *UpdateTableEntries) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).entries(c.Entries).i64(c.TableSegmentOffset)
}

func (c *UpdateTableEntries) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.Entries = d.entries("entries")
	c.TableSegmentOffset = d.optI64("tableSegmentOffset", NoOffset)
}

func (c *UpdateTableEntries) requestID() int64 { return c.RequestID }

// TableEntriesUpdated answers UpdateTableEntries with one new version per entry.
type TableEntriesUpdated struct {
	RequestID       int64
	UpdatedVersions []int64
}

// Type implements Command.
func (*TableEntriesUpdated) Type() Type { return TypeTableEntriesUpdated }

// AppendPayload implements Command.
func (c *TableEntriesUpdated) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableEntriesUpdated) encode(e enc) enc {
	return e.i64(c.RequestID).i64s(c.UpdatedVersions)
}

func (c *TableEntriesUpdated) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.UpdatedVersions = d.i64s("updatedVersions")
}

func (c *TableEntriesUpdated) requestID() int64 { return c.RequestID }

// RemoveTableKeys removes keys (conditionally, as UpdateTableEntries).
type RemoveTableKeys struct {
	RequestID          int64
	Segment            string
	Token              string // delegation token, "" when auth is off
	Keys               []TableKey
	TableSegmentOffset int64 // -1: no condition on the table length
}

// Type implements Command.
func (*RemoveTableKeys) Type() Type { return TypeRemoveTableKeys }

// AppendPayload implements Command.
func (c *RemoveTableKeys) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *RemoveTableKeys) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).keys(c.Keys).i64(c.TableSegmentOffset)
}

func (c *RemoveTableKeys) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.Keys = d.keys("keys")
	c.TableSegmentOffset = d.optI64("tableSegmentOffset", NoOffset)
}

func (c *RemoveTableKeys) requestID() int64 { return c.RequestID }

// TableKeysRemoved answers RemoveTableKeys.
type TableKeysRemoved struct {
	RequestID int64
	Segment   string
}

// Type implements Command.
func (*TableKeysRemoved) Type() Type { return TypeTableKeysRemoved }

// AppendPayload implements Command.
func (c *TableKeysRemoved) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableKeysRemoved) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment)
}

func (c *TableKeysRemoved) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
}

func (c *TableKeysRemoved) requestID() int64 { return c.RequestID }

// ReadTable looks keys up (their versions are ignored).
type ReadTable struct {
	RequestID int64
	Segment   string
	Token     string // delegation token, "" when auth is off
	Keys      []TableKey
}

// Type implements Command.
func (*ReadTable) Type() Type { return TypeReadTable }

// AppendPayload implements Command.
func (c *ReadTable) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ReadTable) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).keys(c.Keys)
}

func (c *ReadTable) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.Keys = d.keys("keys")
}

func (c *ReadTable) requestID() int64 { return c.RequestID }

// TableRead answers ReadTable with one entry per requested key, in order; a
// missing key comes back with version NotExists and an empty value.
type TableRead struct {
	RequestID int64
	Segment   string
	Entries   []TableEntry
}

// Type implements Command.
func (*TableRead) Type() Type { return TypeTableRead }

// AppendPayload implements Command.
func (c *TableRead) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableRead) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).entries(c.Entries)
}

func (c *TableRead) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Entries = d.entries("entries")
}

func (c *TableRead) requestID() int64 { return c.RequestID }

// ReadTableKeys iterates over keys.
type ReadTableKeys struct {
	RequestID         int64
	Segment           string
	Token             string // delegation token, "" when auth is off
	SuggestedKeyCount int32
	Args              TableIteratorArgs
}

// Type implements Command.
func (*ReadTableKeys) Type() Type { return TypeReadTableKeys }

// AppendPayload implements Command.
func (c *ReadTableKeys) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ReadTableKeys) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).i32(c.SuggestedKeyCount).iterArgs(c.Args)
}

func (c *ReadTableKeys) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.SuggestedKeyCount = d.i32("suggestedKeyCount")
	c.Args = d.iterArgs("args")
}

func (c *ReadTableKeys) requestID() int64 { return c.RequestID }

// TableKeysRead answers ReadTableKeys.
type TableKeysRead struct {
	RequestID         int64
	Segment           string
	Keys              []TableKey
	ContinuationToken []byte
}

// Type implements Command.
func (*TableKeysRead) Type() Type { return TypeTableKeysRead }

// AppendPayload implements Command.
func (c *TableKeysRead) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableKeysRead) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).keys(c.Keys).blob(c.ContinuationToken)
}

func (c *TableKeysRead) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Keys = d.keys("keys")
	c.ContinuationToken = d.blob("continuationToken")
}

func (c *TableKeysRead) requestID() int64 { return c.RequestID }

// ReadTableEntries iterates over entries.
type ReadTableEntries struct {
	RequestID           int64
	Segment             string
	Token               string // delegation token, "" when auth is off
	SuggestedEntryCount int32
	Args                TableIteratorArgs
}

// Type implements Command.
func (*ReadTableEntries) Type() Type { return TypeReadTableEntries }

// AppendPayload implements Command.
func (c *ReadTableEntries) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ReadTableEntries) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).i32(c.SuggestedEntryCount).iterArgs(c.Args)
}

func (c *ReadTableEntries) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.SuggestedEntryCount = d.i32("suggestedEntryCount")
	c.Args = d.iterArgs("args")
}

func (c *ReadTableEntries) requestID() int64 { return c.RequestID }

// TableEntriesRead answers ReadTableEntries.
type TableEntriesRead struct {
	RequestID         int64
	Segment           string
	Entries           []TableEntry
	ContinuationToken []byte
}

// Type implements Command.
func (*TableEntriesRead) Type() Type { return TypeTableEntriesRead }

// AppendPayload implements Command.
func (c *TableEntriesRead) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableEntriesRead) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).entries(c.Entries).blob(c.ContinuationToken)
}

func (c *TableEntriesRead) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Entries = d.entries("entries")
	c.ContinuationToken = d.blob("continuationToken")
}

func (c *TableEntriesRead) requestID() int64 { return c.RequestID }

// ReadTableEntriesDelta (v10) reads entries changed since FromPosition.
type ReadTableEntriesDelta struct {
	RequestID           int64
	Segment             string
	Token               string // delegation token, "" when auth is off
	FromPosition        int64
	SuggestedEntryCount int32
}

// Type implements Command.
func (*ReadTableEntriesDelta) Type() Type { return TypeReadTableEntriesDelta }

// AppendPayload implements Command.
func (c *ReadTableEntriesDelta) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ReadTableEntriesDelta) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).str(c.Token).i64(c.FromPosition).
		i32(c.SuggestedEntryCount)
}

func (c *ReadTableEntriesDelta) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.FromPosition = d.i64("fromPosition")
	c.SuggestedEntryCount = d.i32("suggestedEntryCount")
}

func (c *ReadTableEntriesDelta) requestID() int64 { return c.RequestID }

// TableEntriesDeltaRead (v10) answers ReadTableEntriesDelta.
type TableEntriesDeltaRead struct {
	RequestID    int64
	Segment      string
	Entries      []TableEntry
	ShouldClear  bool // the client must drop its cache
	ReachedEnd   bool
	LastPosition int64 // the next fromPosition
}

// Type implements Command.
func (*TableEntriesDeltaRead) Type() Type { return TypeTableEntriesDeltaRead }

// AppendPayload implements Command.
func (c *TableEntriesDeltaRead) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *TableEntriesDeltaRead) encode(e enc) enc {
	return e.i64(c.RequestID).str(c.Segment).entries(c.Entries).boolean(c.ShouldClear).
		boolean(c.ReachedEnd).i64(c.LastPosition)
}

func (c *TableEntriesDeltaRead) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Segment = d.str("segment")
	c.Entries = d.entries("entries")
	c.ShouldClear = d.boolean("shouldClear")
	c.ReachedEnd = d.boolean("reachedEnd")
	c.LastPosition = d.i64("lastPosition")
}

func (c *TableEntriesDeltaRead) requestID() int64 { return c.RequestID }
