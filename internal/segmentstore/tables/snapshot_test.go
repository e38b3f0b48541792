package tables

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/mem"
)

// logBuffer collects a logger's output for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// model is what a table must hold: key → value and version.
type model map[string]Entry

// churn writes rounds of random puts and removes over keys k0..k(n-1) and
// records the outcome in m.
func churn(t *testing.T, e *env, tbl string, keyLength, n, rounds int, m model, rng *rand.Rand) {
	t.Helper()
	key := func(i int) []byte {
		if keyLength == 0 {
			return fmt.Appendf(nil, "key-%d", i)
		}
		return fmt.Appendf(nil, "%0*d", keyLength, i)
	}
	for r := range rounds {
		var puts []Entry
		seen := map[int]bool{}
		for range 50 {
			i := rng.IntN(n)
			if seen[i] {
				continue
			}
			seen[i] = true
			puts = append(puts, Entry{Key: key(i), Value: fmt.Appendf(nil, "v%d-%d", r, i), Version: NoVersion})
		}
		versions, err := e.update(tbl, -1, puts...)
		if err != nil {
			t.Fatal(err)
		}
		for j, p := range puts {
			m[string(p.Key)] = Entry{Key: p.Key, Value: p.Value, Version: versions[j]}
		}
		k := key(rng.IntN(n))
		if err := e.remove(tbl, -1, Key{Key: k, Version: NoVersion}); err != nil {
			t.Fatal(err)
		}
		delete(m, string(k))
	}
}

// checkModel asserts that the table holds exactly m.
func checkModel(t *testing.T, ts *Tables, tbl string, m model) {
	t.Helper()
	got := model{}
	var args IterArgs
	for {
		entries, next, err := ts.Iterate(tbl, args, 1000, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			break
		}
		for _, e := range entries {
			if _, dup := got[string(e.Key)]; dup {
				t.Fatalf("key %q returned twice", e.Key)
			}
			got[string(e.Key)] = e
		}
		// Hash tables continue after the token, fixed-key-length tables
		// from the next possible key.
		args = IterArgs{Token: next, From: append(bytes.Clone(entries[len(entries)-1].Key), 0)}
		if len(next) > 0 {
			args.From = nil
		}
	}
	if len(got) != len(m) {
		t.Fatalf("table has %d keys, want %d", len(got), len(m))
	}
	for k, want := range m {
		g, ok := got[k]
		if !ok || g.Version != want.Version || !bytes.Equal(g.Value, want.Value) {
			t.Fatalf("key %q: got %+v (present %v), want version %d value %q", k, g, ok, want.Version, want.Value)
		}
	}
}

// TestIndexSnapshotRecovery: after a restart the index comes from the
// latest snapshot plus the log after it, and equals what was written.
func TestIndexSnapshotRecovery(t *testing.T) {
	for _, keyLength := range []int{0, 12} {
		t.Run(fmt.Sprintf("keyLength=%d", keyLength), func(t *testing.T) {
			dir, store := t.TempDir(), mem.New()
			opts := Options{SnapshotMinBytes: 16 << 10}
			e := openEnvWith(t, dir, store, opts)
			const tbl = "s/snap_kvtable/0.#epoch.0"
			e.create(t, tbl, int32(keyLength))
			m := model{}
			rng := rand.New(rand.NewPCG(1, uint64(keyLength)))
			churn(t, e, tbl, keyLength, 2000, 300, m, rng)
			e.ts.wg.Wait() // the snapshots started by the writes
			if _, err := store.Stat(t.Context(), lts.IndexName(tbl)); err != nil {
				t.Fatalf("no snapshot after %d rounds: %v", 300, err)
			}
			churn(t, e, tbl, keyLength, 2000, 3, m, rng) // a tail after the snapshot
			e.ts.wg.Wait()
			checkModel(t, e.ts, tbl, m)
			e.close()

			var logs logBuffer
			opts.Logger = logs.logger()
			e = openEnvWith(t, dir, store, opts)
			checkModel(t, e.ts, tbl, m)
			if out := logs.String(); !strings.Contains(out, "from_snapshot=true") {
				t.Fatalf("the index was not loaded from the snapshot:\n%s", out)
			}
			// And writes go on from the recovered state.
			churn(t, e, tbl, keyLength, 2000, 20, m, rng)
			checkModel(t, e.ts, tbl, m)
		})
	}
}

// TestIndexSnapshotUnusable: a corrupt snapshot, or one left by an earlier
// segment of the same name, is ignored and the whole log is read.
func TestIndexSnapshotUnusable(t *testing.T) {
	dir, store := t.TempDir(), mem.New()
	opts := Options{SnapshotMinBytes: 4 << 10}
	e := openEnvWith(t, dir, store, opts)
	const tbl = "s/snap_kvtable/0.#epoch.0"
	e.create(t, tbl, 0)
	m := model{}
	rng := rand.New(rand.NewPCG(2, 2))
	churn(t, e, tbl, 0, 500, 100, m, rng)
	e.ts.wg.Wait()
	object := lts.IndexName(tbl)
	info, err := store.Stat(t.Context(), object)
	if err != nil {
		t.Fatal(err)
	}
	old := make([]byte, info.Size)
	if _, err := store.ReadAt(t.Context(), object, old, 0); err != nil {
		t.Fatal(err)
	}

	// Corrupt: flip a byte of the body.
	bad := bytes.Clone(old)
	bad[len(bad)-3] ^= 0x40
	if err := store.Put(t.Context(), object, bad); err != nil {
		t.Fatal(err)
	}
	e.close()
	var logs logBuffer
	opts.Logger = logs.logger()
	e = openEnvWith(t, dir, store, opts)
	checkModel(t, e.ts, tbl, m)
	if out := logs.String(); !strings.Contains(out, "checksum mismatch") || !strings.Contains(out, "from_snapshot=false") {
		t.Fatalf("corrupt snapshot not reported and skipped:\n%s", out)
	}

	// Earlier incarnation: delete the table, create it again and give it a
	// snapshot id as its first snapshot would, then put the old snapshot
	// back (a crash between the new id and the new table's first Put).
	if _, err := wait(func(done func(struct{}, error)) {
		e.ts.Delete(tbl, false, func(err error) { done(struct{}{}, err) })
	}); err != nil {
		t.Fatal(err)
	}
	e.ts.wg.Wait()
	if _, err := store.Stat(t.Context(), object); err == nil {
		t.Fatal("snapshot survived the deletion of its table")
	}
	e.create(t, tbl, 0)
	if _, err := e.ts.indexID(tbl); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(t.Context(), object, old); err != nil {
		t.Fatal(err)
	}
	m = model{}
	churn(t, e, tbl, 0, 50, 2, m, rng) // too little to snapshot
	e.close()
	var logs2 logBuffer
	opts.Logger = logs2.logger()
	e = openEnvWith(t, dir, store, opts)
	checkModel(t, e.ts, tbl, m)
	if out := logs2.String(); !strings.Contains(out, "earlier segment") {
		t.Fatalf("stale snapshot not recognised:\n%s", out)
	}
}

// TestSnapshotRoundTrip: encoding then decoding gives the same index.
func TestSnapshotRoundTrip(t *testing.T) {
	idx := newHashIndex()
	for i := range 1000 {
		idx.set(hashKey(fmt.Appendf(nil, "k%d", i)), loc{off: int64(i) * 100, vlen: 50, klen: 10})
	}
	data := encodeSnapshot(idx, 0, 42, 100_000)
	sh, err := decodeSnapshotHeader(data)
	if err != nil || sh.id != 42 || sh.pos != 100_000 || sh.count != 1000 {
		t.Fatalf("header %+v %v", sh, err)
	}
	got, err := decodeSnapshotBody(sh, data[snapshotHeaderSize:])
	if err != nil || got.len() != idx.len() {
		t.Fatalf("body: %v (%d keys)", err, got.len())
	}
	idx.ascend("", false, func(sk string, l loc) bool {
		if g, ok := got.get(sk); !ok || g != l {
			t.Fatalf("entry %x: got %+v %v, want %+v", sk, g, ok, l)
		}
		return true
	})
}

// FuzzSnapshotDecode: arbitrary bytes never crash the snapshot decoder,
// and whatever it accepts re-encodes to the same bytes.
func FuzzSnapshotDecode(f *testing.F) {
	idx := newKeyIndex()
	idx.set("abcd", loc{off: 0, vlen: 3, klen: 4})
	idx.set("abce", loc{off: 20, vlen: 0, klen: 4})
	f.Add(encodeSnapshot(idx, 4, 7, 100))
	f.Add(encodeSnapshot(newHashIndex(), 0, 1, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		sh, err := decodeSnapshotHeader(data)
		if err != nil || int64(len(data)-snapshotHeaderSize) < sh.bodyLen {
			return
		}
		got, err := decodeSnapshotBody(sh, data[snapshotHeaderSize:snapshotHeaderSize+int(sh.bodyLen)])
		if err != nil {
			return
		}
		again := encodeSnapshot(got, sh.keyLength, sh.id, sh.pos)
		if !bytes.Equal(again, data[:len(again)]) {
			t.Fatalf("re-encoding differs")
		}
	})
}
