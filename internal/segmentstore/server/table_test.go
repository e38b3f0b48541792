package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// tc wraps a test connection with table requests.
type tc struct {
	*sstest.Conn
	t   *testing.T
	seg string
	id  int64
}

func (c *tc) next() int64 { c.id++; return c.id }

func entry(k, v string, version int64) wire.TableEntry {
	return wire.TableEntry{Key: wire.TableKey{Key: []byte(k), Version: version}, Value: []byte(v)}
}

func key(k string, version int64) wire.TableKey {
	return wire.TableKey{Key: []byte(k), Version: version}
}

// is checks a reply's type.
func is[T wire.Command](t *testing.T, cmd wire.Command) T {
	t.Helper()
	v, ok := cmd.(T)
	if !ok {
		var zero T
		t.Fatalf("expected %T, got %#v", zero, cmd)
	}
	return v
}

// update sends UpdateTableEntries and returns the reply.
func (c *tc) update(offset int64, es ...wire.TableEntry) wire.Command {
	c.t.Helper()
	id := c.next()
	c.Send(&wire.UpdateTableEntries{RequestID: id, Segment: c.seg, Entries: es, TableSegmentOffset: offset})
	r := c.Recv()
	if rid, _ := wire.RequestIDOf(r); rid != id {
		c.t.Fatalf("reply %#v to request %d", r, id)
	}
	return r
}

func (c *tc) mustUpdate(es ...wire.TableEntry) []int64 {
	c.t.Helper()
	r, ok := c.update(-1, es...).(*wire.TableEntriesUpdated)
	if !ok || len(r.UpdatedVersions) != len(es) {
		c.t.Fatalf("update reply %#v", r)
	}
	return r.UpdatedVersions
}

func (c *tc) remove(offset int64, ks ...wire.TableKey) wire.Command {
	c.t.Helper()
	id := c.next()
	c.Send(&wire.RemoveTableKeys{RequestID: id, Segment: c.seg, Keys: ks, TableSegmentOffset: offset})
	return c.Recv()
}

func (c *tc) read(keys ...string) []wire.TableEntry {
	c.t.Helper()
	var ks []wire.TableKey
	for _, k := range keys {
		ks = append(ks, key(k, wire.NoVersion))
	}
	c.Send(&wire.ReadTable{RequestID: c.next(), Segment: c.seg, Keys: ks})
	r := sstest.Expect[*wire.TableRead](c.Conn)
	if len(r.Entries) != len(keys) {
		c.t.Fatalf("TableRead has %d entries for %d keys", len(r.Entries), len(keys))
	}
	return r.Entries
}

func (c *tc) info() *wire.TableSegmentInfo {
	c.t.Helper()
	c.Send(&wire.GetTableSegmentInfo{RequestID: c.next(), SegmentName: c.seg})
	return sstest.Expect[*wire.TableSegmentInfo](c.Conn)
}

// entries iterates over the whole table with ReadTableEntries.
func (c *tc) entries(count int32) map[string]wire.TableEntry {
	c.t.Helper()
	out := map[string]wire.TableEntry{}
	var token []byte
	for {
		c.Send(&wire.ReadTableEntries{RequestID: c.next(), Segment: c.seg, SuggestedEntryCount: count,
			Args: wire.TableIteratorArgs{ContinuationToken: token}})
		r := sstest.Expect[*wire.TableEntriesRead](c.Conn)
		if len(r.Entries) == 0 {
			return out
		}
		for _, e := range r.Entries {
			if _, dup := out[string(e.Key.Key)]; dup {
				c.t.Fatalf("key %q returned twice", e.Key.Key)
			}
			out[string(e.Key.Key)] = e
		}
		token = r.ContinuationToken
	}
}

func newTable(t *testing.T, addr, seg string, keyLength int32) *tc {
	c := &tc{Conn: sstest.Dial(t, addr), t: t, seg: seg}
	c.Send(&wire.CreateTableSegment{RequestID: c.next(), Segment: seg, KeyLength: keyLength})
	sstest.Expect[*wire.SegmentCreated](c.Conn)
	return c
}

func TestTableCommandsAndConditions(t *testing.T) {
	dir := t.TempDir()
	st := startStore(t, dir)
	c := newTable(t, st.Addr().String(), "sc/rg_kvtable/0.#epoch.0", 0)
	c.Send(&wire.CreateTableSegment{RequestID: 99, Segment: c.seg})
	sstest.Expect[*wire.SegmentAlreadyExists](c.Conn)

	v := c.mustUpdate(entry("a", "1", wire.NotExists), entry("b", "2", wire.NoVersion))
	if v[0] != 0 || v[1] <= v[0] {
		t.Fatalf("versions %v", v)
	}
	// Conditional failures, each all-or-nothing.
	is[*wire.TableKeyBadVersion](t, c.update(-1, entry("a", "x", wire.NotExists)))
	is[*wire.TableKeyBadVersion](t, c.update(-1, entry("a", "x", v[0]+1)))
	is[*wire.TableKeyDoesNotExist](t, c.update(-1, entry("c", "x", 5)))
	is[*wire.TableKeyBadVersion](t, c.update(-1, entry("c", "3", wire.NotExists), entry("b", "x", v[0])))
	if got := c.read("c"); got[0].Key.Version != wire.NotExists {
		t.Fatalf("key of a failed batch was written: %+v", got)
	}
	info := c.info()
	if info.EntryCount != 2 || info.KeyLength != 0 || info.StartOffset != 0 || info.Length <= 0 {
		t.Fatalf("info %+v", info)
	}
	tr := is[*wire.SegmentIsTruncated](t, c.update(info.Length-1, entry("c", "3", wire.NoVersion)))
	if tr.StartOffset != info.Length || tr.Offset != info.Length-1 {
		t.Fatalf("offset condition reply %+v", tr)
	}
	v2 := is[*wire.TableEntriesUpdated](t, c.update(info.Length, entry("b", "22", v[1]), entry("c", "3", wire.NotExists))).UpdatedVersions
	if v2[0] != info.Length {
		t.Fatalf("version %d of a record at %d", v2[0], info.Length)
	}
	// Limits.
	em := is[*wire.ErrorMessage](t, c.update(-1, entry(strings.Repeat("k", 8193), "", wire.NoVersion)))
	if em.ErrorCode != wire.ErrorCodeIllegalArgument {
		t.Fatalf("long key reply %+v", em)
	}
	is[*wire.ErrorMessage](t, c.update(-1, entry("k", strings.Repeat("v", 1<<20-8191), wire.NoVersion)))
	is[*wire.TableEntriesUpdated](t, c.update(-1, entry(strings.Repeat("k", 8192), strings.Repeat("v", 1<<20-8192), wire.NoVersion)))
	is[*wire.TableKeysRemoved](t, c.remove(-1, key(strings.Repeat("k", 8192), wire.NoVersion)))

	got := c.read("a", "missing", "b")
	if string(got[0].Value) != "1" || got[0].Key.Version != v[0] || got[1].Key.Version != wire.NotExists ||
		len(got[1].Value) != 0 || string(got[2].Value) != "22" || got[2].Key.Version != v2[0] {
		t.Fatalf("read %+v", got)
	}
	// Removals.
	is[*wire.TableKeysRemoved](t, c.remove(-1, key("never", wire.NoVersion)))
	is[*wire.TableKeyBadVersion](t, c.remove(-1, key("a", v[0]+1)))
	is[*wire.TableKeyDoesNotExist](t, c.remove(-1, key("never", 7)))
	is[*wire.SegmentIsTruncated](t, c.remove(0, key("a", wire.NoVersion)))
	is[*wire.TableKeysRemoved](t, c.remove(-1, key("a", v[0])))
	if got := c.read("a"); got[0].Key.Version != wire.NotExists {
		t.Fatalf("removed key read back %+v", got)
	}
	// Iteration: keys and entries, small pages, until an empty reply.
	for i := range 25 {
		c.mustUpdate(entry(fmt.Sprintf("it-%02d", i), fmt.Sprint(i), wire.NoVersion))
	}
	all := c.entries(4)
	if len(all) != 27 || string(all["it-07"].Value) != "7" || string(all["c"].Value) != "3" {
		t.Fatalf("iteration found %d entries", len(all))
	}
	var keys int
	var token []byte
	for {
		c.Send(&wire.ReadTableKeys{RequestID: c.next(), Segment: c.seg, SuggestedKeyCount: 10,
			Args: wire.TableIteratorArgs{ContinuationToken: token}})
		r := sstest.Expect[*wire.TableKeysRead](c.Conn)
		if len(r.Keys) == 0 {
			break
		}
		for _, k := range r.Keys {
			if all[string(k.Key)].Key.Version != k.Version {
				t.Fatalf("key %q version %d, entry iteration said %d", k.Key, k.Version, all[string(k.Key)].Key.Version)
			}
		}
		keys += len(r.Keys)
		token = r.ContinuationToken
	}
	if keys != 27 {
		t.Fatalf("key iteration found %d keys", keys)
	}
	c.Send(&wire.ReadTableKeys{RequestID: c.next(), Segment: c.seg, SuggestedKeyCount: 10,
		Args: wire.TableIteratorArgs{FromKey: []byte("a")}})
	sstest.Expect[*wire.ErrorMessage](c.Conn)
	c.Send(&wire.ReadTableKeys{RequestID: c.next(), Segment: c.seg, SuggestedKeyCount: 10,
		Args: wire.TableIteratorArgs{ContinuationToken: []byte("bad")}})
	sstest.Expect[*wire.ErrorMessage](c.Conn)

	// Delta reads from the start: latest value per key, removed keys left out.
	seen := map[string]string{}
	pos := int64(0)
	for {
		c.Send(&wire.ReadTableEntriesDelta{RequestID: c.next(), Segment: c.seg, FromPosition: pos, SuggestedEntryCount: 10})
		d := sstest.Expect[*wire.TableEntriesDeltaRead](c.Conn)
		for _, e := range d.Entries {
			seen[string(e.Key.Key)] = string(e.Value)
		}
		if d.ShouldClear {
			t.Fatal("shouldClear without compaction")
		}
		if d.ReachedEnd || len(d.Entries) == 0 {
			break
		}
		pos = d.LastPosition
	}
	if seen["b"] != "22" || seen["it-24"] != "24" || len(seen) < 27 {
		t.Fatalf("delta saw %d keys, b=%q", len(seen), seen["b"])
	}
	c.Send(&wire.ReadTableEntriesDelta{RequestID: c.next(), Segment: c.seg, FromPosition: 1 << 40, SuggestedEntryCount: 10})
	sstest.Expect[*wire.ErrorMessage](c.Conn)

	// Table segments take no appends and no stream-segment changes.
	c.Send(&wire.SetupAppend{RequestID: c.next(), WriterID: uuid(9), Segment: c.seg})
	sstest.Expect[*wire.OperationUnsupported](c.Conn)
	c.Send(&wire.SealSegment{RequestID: c.next(), Segment: c.seg})
	sstest.Expect[*wire.OperationUnsupported](c.Conn)
	c.Send(&wire.TruncateSegment{RequestID: c.next(), Segment: c.seg, TruncationOffset: 1})
	sstest.Expect[*wire.OperationUnsupported](c.Conn)
	// But they can be read as bytes and described.
	if si := c.Info(c.seg); si.WriteOffset != c.info().Length {
		t.Fatalf("stream info %+v", si)
	}

	// A restart rebuilds the index from the log.
	before := c.entries(100)
	beforeInfo := c.info()
	c.Close()
	_ = st.Close()
	st = startStore(t, dir)
	c = &tc{Conn: sstest.Dial(t, st.Addr().String()), t: t, seg: c.seg, id: 1000}
	if after := c.entries(7); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("after restart:\n%v\nbefore:\n%v", after, before)
	}
	if ai := c.info(); *ai != *beforeInfo {
		ai.RequestID = beforeInfo.RequestID
		if *ai != *beforeInfo {
			t.Fatalf("info after restart %+v, before %+v", ai, beforeInfo)
		}
	}
	is[*wire.TableKeyBadVersion](t, c.update(-1, entry("b", "x", v[1])))
	is[*wire.TableEntriesUpdated](t, c.update(-1, entry("b", "x", v2[0])))

	// Deletion.
	c.Send(&wire.DeleteTableSegment{RequestID: c.next(), Segment: c.seg, MustBeEmpty: true})
	sstest.Expect[*wire.TableSegmentNotEmpty](c.Conn)
	var ks []wire.TableKey
	for k := range c.entries(100) {
		ks = append(ks, key(k, wire.NoVersion))
	}
	is[*wire.TableKeysRemoved](t, c.remove(-1, ks...))
	if n := c.info().EntryCount; n != 0 {
		t.Fatalf("%d entries after removing all", n)
	}
	c.Send(&wire.DeleteTableSegment{RequestID: c.next(), Segment: c.seg, MustBeEmpty: true})
	sstest.Expect[*wire.SegmentDeleted](c.Conn)
	c.Send(&wire.GetTableSegmentInfo{RequestID: c.next(), SegmentName: c.seg})
	sstest.Expect[*wire.NoSuchSegment](c.Conn)
	is[*wire.NoSuchSegment](t, c.update(-1, entry("a", "1", wire.NoVersion)))
	c.read2NoSuch()
	// Recreated under the same name: empty.
	c.Send(&wire.CreateTableSegment{RequestID: c.next(), Segment: c.seg})
	sstest.Expect[*wire.SegmentCreated](c.Conn)
	if n := c.info().EntryCount; n != 0 {
		t.Fatalf("recreated table has %d entries", n)
	}
	c.mustUpdate(entry("a", "1", wire.NotExists))
	c.Send(&wire.DeleteSegment{RequestID: c.next(), Segment: c.seg})
	sstest.Expect[*wire.SegmentDeleted](c.Conn)
}

func (c *tc) read2NoSuch() {
	c.t.Helper()
	c.Send(&wire.ReadTable{RequestID: c.next(), Segment: c.seg, Keys: []wire.TableKey{key("a", wire.NoVersion)}})
	sstest.Expect[*wire.NoSuchSegment](c.Conn)
}

func TestFixedKeyLengthTable(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := newTable(t, st.Addr().String(), "sc/kvt_kvtable/0.#epoch.0", 4)
	for _, k := range []string{"dddd", "aaaa", "cccc", "bbbb", "\xff\x00\x00\x00"} {
		c.mustUpdate(entry(k, "v-"+k, wire.NoVersion))
	}
	is[*wire.ErrorMessage](t, c.update(-1, entry("abc", "x", wire.NoVersion)))
	if info := c.info(); info.KeyLength != 4 || info.EntryCount != 5 {
		t.Fatalf("info %+v", info)
	}
	c.Send(&wire.ReadTableEntries{RequestID: c.next(), Segment: c.seg, SuggestedEntryCount: 10,
		Args: wire.TableIteratorArgs{FromKey: []byte("bbbb"), ToKey: []byte("dddd")}})
	r := sstest.Expect[*wire.TableEntriesRead](c.Conn)
	var got []string
	for _, e := range r.Entries {
		got = append(got, string(e.Key.Key))
	}
	if fmt.Sprint(got) != "[bbbb cccc dddd]" {
		t.Fatalf("range read %v", got)
	}
	// The Java KVT client pages by moving fromKey past the last key.
	var all [][]byte
	from := []byte{}
	for {
		c.Send(&wire.ReadTableKeys{RequestID: c.next(), Segment: c.seg, SuggestedKeyCount: 2,
			Args: wire.TableIteratorArgs{FromKey: from}})
		r := sstest.Expect[*wire.TableKeysRead](c.Conn)
		if len(r.Keys) == 0 {
			break
		}
		for _, k := range r.Keys {
			all = append(all, k.Key)
		}
		last := append([]byte(nil), r.Keys[len(r.Keys)-1].Key...)
		from = increment(last)
		if from == nil {
			break
		}
	}
	if len(all) != 5 || !bytes.Equal(all[4], []byte("\xff\x00\x00\x00")) {
		t.Fatalf("paged keys %q", all)
	}
	c.Send(&wire.ReadTableEntriesDelta{RequestID: c.next(), Segment: c.seg, SuggestedEntryCount: 10})
	sstest.Expect[*wire.OperationUnsupported](c.Conn)
	c.Send(&wire.DeleteTableSegment{RequestID: c.next(), Segment: c.seg, MustBeEmpty: true})
	sstest.Expect[*wire.OperationUnsupported](c.Conn)
	c.Send(&wire.DeleteTableSegment{RequestID: c.next(), Segment: c.seg})
	sstest.Expect[*wire.SegmentDeleted](c.Conn)
}

// increment returns the next key of the same length, nil after the last.
func increment(k []byte) []byte {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] < 0xff {
			k[i]++
			return k
		}
		k[i] = 0
	}
	return nil
}

// TestBatchNamesKeyTwice: a batch may name a key several times with the same
// expected version; each is checked against the table before the batch and
// the last one wins. The Rust client's table synchronizer (Python reader
// groups) sends such batches for its per-map version keys.
func TestBatchNamesKeyTwice(t *testing.T) {
	st := startStore(t, t.TempDir())
	c := newTable(t, st.Addr().String(), "sc/rg_kvtable/0.#epoch.0", 0)
	vs := c.mustUpdate(entry("05outer", "v1", wire.NotExists), entry("05outer/a", "x", wire.NotExists),
		entry("05outer", "v2", wire.NotExists))
	if len(vs) != 3 || vs[0] == vs[2] {
		t.Fatalf("versions %v", vs)
	}
	got := c.read("05outer")
	if string(got[0].Value) != "v2" || got[0].Key.Version != vs[2] {
		t.Fatalf("key named twice reads %q at %d, want v2 at %d", got[0].Value, got[0].Key.Version, vs[2])
	}
	// Again with the current version named twice.
	c.mustUpdate(entry("05outer", "v3", vs[2]), entry("05outer", "v4", vs[2]))
}
