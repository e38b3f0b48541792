package tables

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/mem"
)

func TestRecordRoundTrip(t *testing.T) {
	var b []byte
	b = appendRecord(b, false, true, []byte("k1"), []byte("value"))
	b = appendRecord(b, true, false, []byte("k2"), []byte("ignored"))
	r, n, need, err := decodeRecord(b)
	if err != nil || need != 0 || n != headerSize+2+5 || r.remove || !r.more || string(r.key) != "k1" || string(r.value) != "value" {
		t.Fatalf("first record %+v n=%d need=%d err=%v", r, n, need, err)
	}
	r, m, _, err := decodeRecord(b[n:])
	if err != nil || m != headerSize+2 || !r.remove || r.more || string(r.key) != "k2" || len(r.value) != 0 {
		t.Fatalf("second record %+v n=%d err=%v", r, m, err)
	}
	if _, _, need, _ := decodeRecord(b[:n-1]); need != n {
		t.Fatalf("partial record: need %d, want %d", need, n)
	}
	bad := append([]byte(nil), b...)
	bad[0] = 9
	if _, _, _, err := decodeRecord(bad); !errors.Is(err, errCorrupt) {
		t.Fatalf("unknown kind: %v", err)
	}
}

func TestConditionsAndRecovery(t *testing.T) {
	dir := t.TempDir()
	e := openEnv(t, dir)
	const tbl = "s/t_kvtable/0.#epoch.0"
	e.create(t, tbl, 0)
	v, err := e.update(tbl, -1, put("a", "1", NotExists), put("b", "2", NoVersion))
	if err != nil || v[0] != 0 || v[1] <= v[0] {
		t.Fatalf("insert: %v %v", v, err)
	}
	if _, err := e.update(tbl, -1, put("a", "x", NotExists)); !errors.Is(err, ErrKeyBadVersion) {
		t.Fatalf("NotExists on a present key: %v", err)
	}
	if _, err := e.update(tbl, -1, put("c", "x", 5)); !errors.Is(err, ErrKeyDoesNotExist) {
		t.Fatalf("version on an absent key: %v", err)
	}
	// All or nothing: b's good condition does not save the batch.
	if _, err := e.update(tbl, -1, put("b", "3", v[1]), put("a", "x", v[1])); !errors.Is(err, ErrKeyBadVersion) {
		t.Fatalf("mixed batch: %v", err)
	}
	info, _ := e.ts.Info(tbl)
	var truncated *container.TruncatedError
	if _, err := e.update(tbl, info.Length+1, put("z", "z", NoVersion)); !errors.As(err, &truncated) ||
		truncated.StartOffset != info.Length {
		t.Fatalf("table offset condition: %v", err)
	}
	v2, err := e.update(tbl, info.Length, put("b", "3", v[1]))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.remove(tbl, -1, Key{Key: []byte("nope"), Version: NoVersion}); err != nil {
		t.Fatalf("unconditional removal of an absent key: %v", err)
	}
	if err := e.remove(tbl, -1, Key{Key: []byte("a"), Version: v[0] + 1}); !errors.Is(err, ErrKeyBadVersion) {
		t.Fatalf("removal with a bad version: %v", err)
	}
	if err := e.remove(tbl, -1, Key{Key: []byte("a"), Version: v[0]}); err != nil {
		t.Fatal(err)
	}
	check := func(ts *Tables) {
		t.Helper()
		got, err := ts.Get(tbl, [][]byte{[]byte("a"), []byte("b")})
		if err != nil || got[0].Version != NotExists || len(got[0].Value) != 0 || got[1].Version != v2[0] || string(got[1].Value) != "3" {
			t.Fatalf("get: %+v %v", got, err)
		}
		info, err := ts.Info(tbl)
		if err != nil || info.EntryCount != 1 || info.KeyLength != 0 {
			t.Fatalf("info %+v %v", info, err)
		}
	}
	check(e.ts)
	e.close()
	check(openEnv(t, dir).ts)
}

func TestFixedKeyTable(t *testing.T) {
	e := openEnv(t, t.TempDir())
	const tbl = "s/kvt_kvtable/0.#epoch.0"
	e.create(t, tbl, 2)
	for _, k := range []string{"bb", "aa", "cc", "ab"} {
		if _, err := e.update(tbl, -1, put(k, "v"+k, NoVersion)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.update(tbl, -1, put("abc", "x", NoVersion)); !errors.Is(err, container.ErrInvalidArgument) {
		t.Fatalf("wrong key length: %v", err)
	}
	got, _, err := e.ts.Iterate(tbl, IterArgs{From: []byte("ab"), To: []byte("bb")}, 10, false)
	var keys []string
	for _, e := range got {
		keys = append(keys, string(e.Key)+"="+string(e.Value))
	}
	if err != nil || fmt.Sprint(keys) != "[ab=vab bb=vbb]" {
		t.Fatalf("range: %v %v", keys, err)
	}
	if _, err := e.ts.ReadDelta(tbl, 0, 10); !errors.Is(err, container.ErrUnsupported) {
		t.Fatalf("delta on a fixed-key table: %v", err)
	}
}

func TestDeltaStopsAtBatchBoundaries(t *testing.T) {
	e := openEnv(t, t.TempDir())
	const tbl = "s/d_kvtable/0.#epoch.0"
	e.create(t, tbl, 0)
	if _, err := e.update(tbl, -1, put("a", "1", NoVersion), put("b", "1", NoVersion), put("c", "1", NoVersion)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.update(tbl, -1, put("a", "2", NoVersion)); err != nil {
		t.Fatal(err)
	}
	if err := e.remove(tbl, -1, Key{Key: []byte("b"), Version: NoVersion}); err != nil {
		t.Fatal(err)
	}
	d, err := e.ts.ReadDelta(tbl, 0, 1) // one entry wanted, but the first batch has three
	if err != nil || len(d.Entries) != 3 || d.ReachedEnd {
		t.Fatalf("first delta %+v %v", d, err)
	}
	d2, err := e.ts.ReadDelta(tbl, d.LastPosition, 10)
	if err != nil || len(d2.Entries) != 1 || string(d2.Entries[0].Value) != "2" || !d2.ReachedEnd {
		t.Fatalf("second delta %+v %v", d2, err)
	}
	all, _ := e.ts.ReadDelta(tbl, 0, 100)
	var keys []string
	for _, e := range all.Entries {
		keys = append(keys, string(e.Key)+"="+string(e.Value))
	}
	if fmt.Sprint(keys) != "[c=1 a=2]" || !all.ReachedEnd {
		t.Fatalf("whole delta %v %+v", keys, all)
	}
	info, _ := e.ts.Info(tbl)
	if _, err := e.ts.ReadDelta(tbl, info.Length+1, 1); !errors.Is(err, container.ErrInvalidArgument) {
		t.Fatalf("delta past the end: %v", err)
	}
	if d, err := e.ts.ReadDelta(tbl, info.Length, 1); err != nil || len(d.Entries) != 0 || !d.ReachedEnd {
		t.Fatalf("delta at the end: %+v %v", d, err)
	}
}

// TestIndexMemory measures the heap used by a hash table's index per key.
// SLUICE_TABLE_INDEX_KEYS sets the key count (default 200k; 1M measured
// 47.7 bytes/key).
func TestIndexMemory(t *testing.T) {
	n := 200_000
	if s := os.Getenv("SLUICE_TABLE_INDEX_KEYS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	idx := newHashIndex()
	key := make([]byte, 100)
	for i := range n {
		copy(key, strconv.Itoa(i))
		idx.set(hashKey(key), loc{off: int64(i) * 130, klen: 100, vlen: 20})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perKey := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
	t.Logf("hash index: %d keys, %.1f bytes/key", idx.len(), perKey)
	if perKey > 80 {
		t.Fatalf("hash index uses %.1f bytes per key", perKey)
	}
	runtime.KeepAlive(idx)
}

// TestRecoveryTime writes many keys, reopens the container and times the
// index rebuild. SLUICE_TABLE_RECOVERY_KEYS sets the key count (default 20k).
func TestRecoveryTime(t *testing.T) {
	n := 20_000
	if s := os.Getenv("SLUICE_TABLE_RECOVERY_KEYS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir, store := t.TempDir(), mem.New()
	e := openEnvWith(t, dir, store, Options{})
	const tbl = "s/big_kvtable/0.#epoch.0"
	e.create(t, tbl, 0)
	const batch = 1000
	value := bytes.Repeat([]byte("v"), 20)
	for i := 0; i < n; i += batch {
		entries := make([]Entry, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			k := fmt.Appendf(nil, "%0100d", j)
			entries = append(entries, Entry{Key: k, Value: value, Version: NoVersion})
		}
		if _, err := e.update(tbl, -1, entries...); err != nil {
			t.Fatal(err)
		}
	}
	e.ts.wg.Wait()
	e.close()
	load := func(what string) {
		t.Helper()
		e = openEnvWith(t, dir, store, Options{})
		began := time.Now()
		info, err := e.ts.Info(tbl)
		took := time.Since(began)
		if err != nil || info.EntryCount != int64(n) {
			t.Fatalf("info after recovery %+v %v", info, err)
		}
		t.Logf("%s: loaded the index of %d keys (%d bytes of log) in %v", what, n, info.Length, took)
		got, err := e.ts.Get(tbl, [][]byte{fmt.Appendf(nil, "%0100d", n-1)})
		if err != nil || !bytes.Equal(got[0].Value, value) {
			t.Fatalf("get after recovery: %+v %v", got, err)
		}
		e.close()
	}
	load("from the snapshot and the log after it")
	if err := store.Delete(t.Context(), lts.IndexName(tbl)); err != nil {
		t.Fatal(err)
	}
	load("from the whole log")
}
