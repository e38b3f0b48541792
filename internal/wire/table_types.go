package wire

// Structures nested in commands: table keys and entries, iterator arguments,
// conditional attribute updates and chunk descriptions, with their encodings.

// TableKey is a table key with its version. Wire form:
// [i32 payloadLen = 4+len(Key)+8][i32 len(Key)][Key][i64 Version]. An empty
// key is written the Java way, [i32 12][i32 0] without a version, and decodes
// as an empty key with version NoVersion (the Rust client would write a
// version, so never exchange empty keys).
type TableKey struct {
	Key     []byte
	Version int64 // NoVersion (unconditional), NotExists, or a server-assigned version
}

// TableEntry is a key with its value. The value's wire form is
// [i32 payloadLen = 4+len(Value)][i32 len(Value)][Value].
type TableEntry struct {
	Key   TableKey
	Value []byte
}

// TableIteratorArgs bounds a key or entry iteration (v12). Hash tables use the
// opaque ContinuationToken (empty = from the start); fixed-key-length tables
// use the inclusive FromKey / ToKey range. The deprecated prefix filter that
// sits between them on the wire is written empty and ignored when read; each
// field is optional on decode (older peers send only the continuation token).
type TableIteratorArgs struct {
	ContinuationToken []byte
	FromKey           []byte
	ToKey             []byte
}

// ConditionalAttributeUpdate is an attribute update applied to the target of a
// merge (33 bytes on the wire).
type ConditionalAttributeUpdate struct {
	AttributeID UUID
	UpdateType  AttributeUpdateType // Replace or ReplaceIfEquals
	NewValue    int64
	OldValue    int64 // compared for ReplaceIfEquals
}

// conditionalAttributeUpdateSize is the wire size of a ConditionalAttributeUpdate.
const conditionalAttributeUpdateSize = 16 + 1 + 8 + 8

// ChunkInfo describes one chunk of a segment in long-term storage.
type ChunkInfo struct {
	LengthInMetadata int64
	LengthInStorage  int64
	StartOffset      int64
	ChunkName        string
	ExistsInStorage  bool
}

func (e enc) tableKey(k TableKey) enc {
	e = e.i32(int32(4 + len(k.Key) + 8)).i32(int32(len(k.Key)))
	if len(k.Key) == 0 {
		return e
	}
	return e.raw(k.Key).i64(k.Version)
}

func (e enc) tableValue(v []byte) enc {
	return e.i32(int32(4 + len(v))).blob(v)
}

func (e enc) keys(ks []TableKey) enc {
	e = e.i32(int32(len(ks)))
	for _, k := range ks {
		e = e.tableKey(k)
	}
	return e
}

func (e enc) entries(es []TableEntry) enc {
	e = e.i32(int32(len(es)))
	for i := range es {
		e = e.tableKey(es[i].Key).tableValue(es[i].Value)
	}
	return e
}

func (e enc) iterArgs(a TableIteratorArgs) enc {
	return e.blob(a.ContinuationToken).i32(0).blob(a.FromKey).blob(a.ToKey)
}

func (e enc) attrUpdates(us []ConditionalAttributeUpdate) enc {
	e = e.i32(int32(len(us)))
	for _, u := range us {
		e = e.uuid(u.AttributeID).i8(int8(u.UpdateType)).i64(u.NewValue).i64(u.OldValue)
	}
	return e
}

func (e enc) strs(ss []string) enc {
	e = e.i32(int32(len(ss)))
	for _, s := range ss {
		e = e.str(s)
	}
	return e
}

func (e enc) i64s(vs []int64) enc {
	e = e.i32(int32(len(vs)))
	for _, v := range vs {
		e = e.i64(v)
	}
	return e
}

func (e enc) chunks(cs []ChunkInfo) enc {
	e = e.i32(int32(len(cs)))
	for _, c := range cs {
		e = e.i64(c.LengthInMetadata).i64(c.LengthInStorage).i64(c.StartOffset).str(c.ChunkName).
			boolean(c.ExistsInStorage)
	}
	return e
}

// sizedHeader reads the [i32 payloadLen][i32 len] prefix shared by table keys
// and values. payloadLen is only checked against the bytes remaining.
func (d *dec) sizedHeader(what string) int {
	avail := d.remaining()
	payloadLen := d.i32(what + " payload length")
	n := d.i32(what + " length")
	if d.err != nil {
		return 0
	}
	if n < 0 {
		d.err = malformed("%s: negative length %d", what, n)
		return 0
	}
	if n > 0 && int(payloadLen) > avail {
		d.err = malformed("%s: payload length %d exceeds %d remaining bytes", what, payloadLen, avail)
		return 0
	}
	return int(n)
}

func (d *dec) tableKey(what string) TableKey {
	n := d.sizedHeader(what)
	if n == 0 {
		return TableKey{Version: NoVersion}
	}
	k := TableKey{Key: d.take(n, what)}
	k.Version = d.i64(what + " version")
	return k
}

func (d *dec) tableValue(what string) []byte {
	n := d.sizedHeader(what)
	if n == 0 {
		return nil
	}
	return d.take(n, what)
}

func (d *dec) keys(what string) []TableKey {
	n := d.length(what, 8)
	if n == 0 {
		return nil
	}
	ks := make([]TableKey, n)
	for i := range ks {
		ks[i] = d.tableKey("key")
	}
	return ks
}

func (d *dec) entries(what string) []TableEntry {
	n := d.length(what, 16)
	if n == 0 {
		return nil
	}
	es := make([]TableEntry, n)
	for i := range es {
		es[i].Key = d.tableKey("key")
		es[i].Value = d.tableValue("value")
	}
	return es
}

func (d *dec) iterArgs(string) TableIteratorArgs {
	var a TableIteratorArgs
	a.ContinuationToken = d.optBlob("continuationToken")
	d.optBlob("prefixFilter")
	a.FromKey = d.optBlob("fromKey")
	a.ToKey = d.optBlob("toKey")
	return a
}

// optAttrUpdates reads the v13 trailing list; absent means empty.
func (d *dec) optAttrUpdates(what string) []ConditionalAttributeUpdate {
	if d.err != nil || d.remaining() < 4 {
		return nil
	}
	n := d.length(what, conditionalAttributeUpdateSize)
	if n == 0 {
		return nil
	}
	us := make([]ConditionalAttributeUpdate, n)
	for i := range us {
		us[i].AttributeID = d.uuid("attributeId")
		us[i].UpdateType = AttributeUpdateType(d.i8("updateType"))
		us[i].NewValue = d.i64("newValue")
		us[i].OldValue = d.i64("oldValue")
	}
	return us
}

func (d *dec) strs(what string) []string {
	n := d.length(what, 2)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str(what)
	}
	return ss
}

func (d *dec) i64s(what string) []int64 {
	n := d.length(what, 8)
	if n == 0 {
		return nil
	}
	vs := make([]int64, n)
	for i := range vs {
		vs[i] = d.i64(what)
	}
	return vs
}

func (d *dec) chunks(what string) []ChunkInfo {
	n := d.length(what, 8+8+8+2+1)
	if n == 0 {
		return nil
	}
	cs := make([]ChunkInfo, n)
	for i := range cs {
		cs[i].LengthInMetadata = d.i64("lengthInMetadata")
		cs[i].LengthInStorage = d.i64("lengthInStorage")
		cs[i].StartOffset = d.i64("startOffset")
		cs[i].ChunkName = d.str("chunkName")
		cs[i].ExistsInStorage = d.boolean("existsInStorage")
	}
	return cs
}
