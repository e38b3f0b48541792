package client

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// newKVT creates and opens a table in a fresh scope.
func newKVT(t *testing.T, c *Client, cfg KVTConfig) *KeyValueTable {
	t.Helper()
	scope := newScope(t, c)
	if err := c.StreamManager().CreateKeyValueTable(t.Context(), scope, "kvt", cfg); err != nil {
		t.Fatal(err)
	}
	kvt, err := c.OpenKeyValueTable(t.Context(), scope, "kvt")
	if err != nil {
		t.Fatal(err)
	}
	return kvt
}

// TestKVTAdmin: create, list, configuration and delete, with their
// failures.
func TestKVTAdmin(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	m := c.StreamManager()
	scope := newScope(t, c)
	cfg := KVTConfig{Partitions: 3, PrimaryKeyLength: 8, SecondaryKeyLength: 2}
	for _, bad := range []KVTConfig{{PrimaryKeyLength: 1}, {Partitions: 1}, {Partitions: 1, PrimaryKeyLength: 1, SecondaryKeyLength: -1}} {
		if err := m.CreateKeyValueTable(ctx, scope, "bad", bad); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("create %+v: %v, want ErrInvalidArgument", bad, err)
		}
	}
	if err := m.CreateKeyValueTable(ctx, scope, "bad name!", cfg); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("create with a bad name: %v", err)
	}
	if err := m.CreateKeyValueTable(ctx, "no-such-scope", "t", cfg); !errors.Is(err, ErrScopeNotFound) {
		t.Fatalf("create in a missing scope: %v", err)
	}
	for _, name := range []string{"a", "b"} {
		if err := m.CreateKeyValueTable(ctx, scope, name, cfg); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.CreateKeyValueTable(ctx, scope, "a", KVTConfig{Partitions: 1, PrimaryKeyLength: 1}); !errors.Is(err, ErrKVTExists) {
		t.Fatalf("create again: %v", err)
	}
	var names []string
	for n, err := range m.ListKeyValueTables(ctx, scope) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("list: %v", names)
	}
	for _, err := range m.ListKeyValueTables(ctx, "no-such-scope") {
		if !errors.Is(err, ErrScopeNotFound) {
			t.Fatalf("list a missing scope: %v", err)
		}
	}
	got, err := m.KeyValueTableConfig(ctx, scope, "a")
	if err != nil || got != cfg {
		t.Fatalf("config: %+v %v", got, err)
	}
	kvt, err := c.OpenKeyValueTable(ctx, scope, "a")
	if err != nil || kvt.Config() != cfg || len(kvt.segs) != 3 {
		t.Fatalf("open: %v", err)
	}
	if err := m.DeleteKeyValueTable(ctx, scope, "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.DeleteKeyValueTable(ctx, scope, "a"); !errors.Is(err, ErrKVTNotFound) {
		t.Fatalf("delete again: %v", err)
	}
	if _, err := m.KeyValueTableConfig(ctx, scope, "a"); !errors.Is(err, ErrKVTNotFound) {
		t.Fatalf("config of a deleted table: %v", err)
	}
	if _, err := c.OpenKeyValueTable(ctx, scope, "a"); !errors.Is(err, ErrKVTNotFound) {
		t.Fatalf("open a deleted table: %v", err)
	}
}

func key(pk, sk string) TableKey { return TableKey{Primary: []byte(pk), Secondary: []byte(sk)} }

// TestKVTOperations: puts, conditional updates and removals, reads, and
// every conditional failure.
func TestKVTOperations(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	kvt := newKVT(t, c, KVTConfig{Partitions: 4, PrimaryKeyLength: 4, SecondaryKeyLength: 2})
	k1 := key("user", "01")

	v1, err := kvt.Put(ctx, k1, []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := kvt.Get(ctx, k1)
	if err != nil || string(e.Value) != "one" || e.Version != v1 || !bytes.Equal(e.Key.Secondary, []byte("01")) {
		t.Fatalf("get: %+v %v (version %v)", e, err, v1)
	}
	if _, err := kvt.PutIfAbsent(ctx, k1, []byte("x")); !errors.Is(err, ErrKeyExists) || !errors.Is(err, ErrBadKeyVersion) {
		t.Fatalf("PutIfAbsent of an existing key: %v", err)
	}
	v2, err := kvt.Replace(ctx, k1, []byte("two"), v1)
	if err != nil || v2 == v1 || v2.SegmentVersion() <= v1.SegmentVersion() {
		t.Fatalf("replace: %v %v → %v", err, v1, v2)
	}
	if _, err := kvt.Replace(ctx, k1, []byte("stale"), v1); !errors.Is(err, ErrBadKeyVersion) {
		t.Fatalf("replace at a stale version: %v", err)
	}
	k2 := key("user", "02")
	if _, err := kvt.Replace(ctx, k2, []byte("x"), v2); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("replace of a missing key: %v", err)
	}
	if _, err := kvt.Get(ctx, k2); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("get of a missing key: %v", err)
	}
	if _, err := kvt.PutIfAbsent(ctx, k2, nil); err != nil {
		t.Fatalf("PutIfAbsent of an empty value: %v", err)
	}
	if e, err := kvt.Get(ctx, k2); err != nil || len(e.Value) != 0 {
		t.Fatalf("get of an empty value: %+v %v", e, err)
	}
	// A version of another table segment is refused before it is sent.
	other := key("zzzz", "01")
	if kvt.segmentFor(other.Primary) == kvt.segmentFor(k1.Primary) {
		for i := 0; kvt.segmentFor(other.Primary) == kvt.segmentFor(k1.Primary); i++ {
			other = key(fmt.Sprintf("z%03d", i), "01")
		}
	}
	if _, err := kvt.Put(ctx, other, []byte("o")); err != nil {
		t.Fatal(err)
	}
	if _, err := kvt.Replace(ctx, other, []byte("x"), v2); !errors.Is(err, ErrBadKeyVersion) {
		t.Fatalf("replace with another segment's version: %v", err)
	}

	// Exists, GetAll.
	for k, want := range map[*TableKey]bool{&k1: true, &other: true} {
		if ok, err := kvt.Exists(ctx, *k); err != nil || ok != want {
			t.Fatalf("exists %v: %v %v", k, ok, err)
		}
	}
	if ok, err := kvt.Exists(ctx, key("nope", "00")); err != nil || ok {
		t.Fatalf("exists of a missing key: %v %v", ok, err)
	}
	all, err := kvt.GetAll(ctx, []TableKey{k1, key("nope", "00"), other})
	if err != nil || len(all) != 3 || string(all[0].Value) != "two" || all[1] != nil || string(all[2].Value) != "o" {
		t.Fatalf("get all: %v %v", all, err)
	}

	// Removals.
	if err := kvt.Remove(ctx, k1, v1); !errors.Is(err, ErrBadKeyVersion) {
		t.Fatalf("remove at a stale version: %v", err)
	}
	if err := kvt.Remove(ctx, k1, v2); err != nil {
		t.Fatalf("remove at the current version: %v", err)
	}
	if err := kvt.Remove(ctx, k1, v2); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("conditional remove of a removed key: %v", err)
	}
	if err := kvt.Remove(ctx, k1, KeyVersion{}); err != nil {
		t.Fatalf("unconditional remove of a missing key: %v", err)
	}
	if err := kvt.Remove(ctx, k2, KeyVersion{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := kvt.Exists(ctx, k2); err != nil || ok {
		t.Fatalf("exists after remove: %v %v", ok, err)
	}

	// Bad keys.
	for _, k := range []TableKey{key("usr", "01"), key("user", "1"), {Primary: []byte("user")}} {
		if _, err := kvt.Put(ctx, k, nil); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("put %v: %v", k, err)
		}
	}
	if _, err := kvt.Put(ctx, k1, make([]byte, MaxTableValueLength+1)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("put of a too long value: %v", err)
	}

	// Versions print and parse as Java's.
	for _, v := range []KeyVersion{v2, {}, KeyNotExists()} {
		p, err := ParseKeyVersion(v.String())
		if err != nil || p != v {
			t.Fatalf("parse %q: %v %v", v.String(), p, err)
		}
	}
	if (KeyVersion{}).String() != "-9223372036854775808:-9223372036854775808" || KeyNotExists().String() != "-9223372036854775808:-1" {
		t.Fatalf("version strings %q %q", KeyVersion{}.String(), KeyNotExists().String())
	}
	if _, err := ParseKeyVersion("12"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("parse a bad version: %v", err)
	}
}

// TestKVTUpdateAtomic: a multi-key update of one primary key applies all
// or nothing; mixed primary keys or mixed puts and removals are refused.
func TestKVTUpdateAtomic(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	kvt := newKVT(t, c, KVTConfig{Partitions: 2, PrimaryKeyLength: 2, SecondaryKeyLength: 1})
	vs, err := kvt.Update(ctx, []TableModification{
		{Key: key("pk", "a"), Value: []byte("1"), Version: KeyNotExists()},
		{Key: key("pk", "b"), Value: []byte("2")},
	})
	if err != nil || len(vs) != 2 {
		t.Fatalf("update: %v %v", vs, err)
	}
	// One stale condition fails the batch: "c" must not appear.
	_, err = kvt.Update(ctx, []TableModification{
		{Key: key("pk", "c"), Value: []byte("3"), Version: KeyNotExists()},
		{Key: key("pk", "a"), Value: []byte("x"), Version: KeyNotExists()},
	})
	if !errors.Is(err, ErrBadKeyVersion) {
		t.Fatalf("update with a failing condition: %v", err)
	}
	if ok, err := kvt.Exists(ctx, key("pk", "c")); err != nil || ok {
		t.Fatalf("a failed batch left a key: %v %v", ok, err)
	}
	if _, err := kvt.Update(ctx, []TableModification{{Key: key("pk", "a")}, {Key: key("qk", "a")}}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("update of two primary keys: %v", err)
	}
	if _, err := kvt.Update(ctx, []TableModification{{Key: key("pk", "a")}, {Key: key("pk", "b"), Remove: true}}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("update mixing puts and removals: %v", err)
	}
	mods := make([]TableModification, MaxTableBatchKeys+1)
	for i := range mods {
		mods[i] = TableModification{Key: key("pk", "a")}
	}
	if _, err := kvt.Update(ctx, mods); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("update of %d keys: %v", len(mods), err)
	}
	// Conditional multi-key removal: all or nothing.
	err = kvt.Remove(ctx, key("pk", "a"), vs[1])
	if !errors.Is(err, ErrBadKeyVersion) {
		t.Fatalf("remove with b's version: %v", err)
	}
	if _, err := kvt.Update(ctx, []TableModification{{Key: key("pk", "a"), Version: vs[0], Remove: true},
		{Key: key("pk", "b"), Version: vs[1], Remove: true}}); err != nil {
		t.Fatalf("remove both: %v", err)
	}
	if n, err := kvt.EntryCount(ctx); err != nil || n != 0 {
		t.Fatalf("entry count after removing all: %d %v", n, err)
	}
}

// TestKVTLayoutAndRouting: a key is stored as primary+secondary bytes in
// the table segment the Java client routes its primary key to
// (KVTKeyToKey({1,2,3,4}) = 0.0229…, the first of 4 equal ranges), read
// here with raw table-segment commands.
func TestKVTLayoutAndRouting(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	kvt := newKVT(t, c, KVTConfig{Partitions: 4, PrimaryKeyLength: 4, SecondaryKeyLength: 3})
	k := TableKey{Primary: []byte{1, 2, 3, 4}, Secondary: []byte("abc")}
	v, err := kvt.Put(ctx, k, []byte("value"))
	if err != nil {
		t.Fatal(err)
	}
	seg := Segment{Scope: kvt.Scope(), Stream: naming.KVTableStreamName("kvt"), ID: 0}
	if v.SegmentID() != 0 || seg.Name() != kvt.Scope()+"/kvt_kvtable/0.#epoch.0" {
		t.Fatalf("version %v, segment %s", v, seg.Name())
	}
	raw := &tableSegment{c: c, seg: seg, op: pb.StreamInfo_READ_WRITE, tokStream: "kvt"}
	es, err := raw.get(ctx, [][]byte{{1, 2, 3, 4, 'a', 'b', 'c'}})
	if err != nil || len(es) != 1 || string(es[0].value) != "value" || es[0].version != v.SegmentVersion() {
		t.Fatalf("raw read: %+v %v", es, err)
	}
	for id := int64(1); id < 4; id++ {
		other := &tableSegment{c: c, seg: Segment{Scope: kvt.Scope(), Stream: seg.Stream, ID: id}, op: pb.StreamInfo_READ_WRITE, tokStream: "kvt"}
		if n, err := other.entryCount(ctx); err != nil || n != 0 {
			t.Fatalf("segment %d holds %d entries (%v)", id, n, err)
		}
	}
}

// TestKVTIterate: 600 entries over 4 segments come back in key order,
// whole or by primary key, primary prefix or range, secondary range or
// prefix, as entries and as keys, in pages of 7.
func TestKVTIterate(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	kvt := newKVT(t, c, KVTConfig{Partitions: 4, PrimaryKeyLength: 3, SecondaryKeyLength: 2})
	var want []TableKey
	for p := range 30 {
		pk := fmt.Sprintf("p%02d", p)
		var mods []TableModification
		for s := range 20 {
			k := key(pk, fmt.Sprintf("%02d", s))
			want = append(want, k)
			mods = append(mods, TableModification{Key: k, Value: []byte(pk + "=" + string(k.Secondary))})
		}
		if _, err := kvt.Update(ctx, mods); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := kvt.EntryCount(ctx); err != nil || n != 600 {
		t.Fatalf("entry count %d %v", n, err)
	}
	collect := func(s KVTScan) []TableKey {
		t.Helper()
		var got []TableKey
		for e, err := range kvt.Entries(ctx, s.BatchSize(7)) {
			if err != nil {
				t.Fatal(err)
			}
			if string(e.Value) != string(e.Key.Primary)+"="+string(e.Key.Secondary) || e.Version.IsZero() {
				t.Fatalf("entry %+v", e)
			}
			got = append(got, e.Key)
		}
		var keys []TableKey
		for k, err := range kvt.Keys(ctx, s) {
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		if fmt.Sprint(keys) != fmt.Sprint(got) {
			t.Fatalf("keys %v differ from entries %v", keys, got)
		}
		return got
	}
	check := func(name string, s KVTScan, want []TableKey) {
		t.Helper()
		if got := collect(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: got %d keys %v…, want %d", name, len(got), got[:min(len(got), 5)], len(want))
		}
	}
	check("all", ScanAll(), want)
	check("primary key", ScanPrimaryKey([]byte("p07")), want[140:160])
	check("primary range", ScanPrimaryRange([]byte("p03"), []byte("p05")), want[60:120])
	check("primary range from", ScanPrimaryRange([]byte("p28"), nil), want[560:])
	check("primary prefix", ScanPrimaryPrefix([]byte("p1")), want[200:400])
	check("secondary range", ScanSecondaryRange([]byte("p07"), []byte("05"), []byte("09")), want[145:150])
	check("secondary prefix", ScanSecondaryPrefix([]byte("p07"), []byte("1")), want[150:160])
	check("empty", ScanPrimaryPrefix([]byte("q")), nil)

	// Stopping early, and bad scans.
	n := 0
	for range kvt.Entries(ctx, ScanAll()) {
		if n++; n == 3 {
			break
		}
	}
	for _, s := range []KVTScan{ScanPrimaryKey([]byte("p1")), ScanPrimaryPrefix([]byte("p001")),
		ScanSecondaryRange([]byte("p01"), []byte("1"), nil), ScanPrimaryRange([]byte("p"), nil)} {
		for _, err := range kvt.Entries(ctx, s) {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("scan %+v: %v", s, err)
			}
		}
	}
}

func TestNextKey(t *testing.T) {
	for _, c := range []struct{ in, want []byte }{
		{[]byte{0, 0}, []byte{0, 1}},
		{[]byte{0, 0xFF}, []byte{1, 0}},
		{[]byte{0xFF, 0xFF}, nil},
	} {
		if got := nextKey(c.in); !bytes.Equal(got, c.want) {
			t.Fatalf("nextKey(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
