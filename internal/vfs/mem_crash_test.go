package vfs_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"testing"

	"github.com/sluicestream/sluice/internal/vfs"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func content(t *testing.T, fsys vfs.FS, name string) []byte {
	t.Helper()
	f, err := fsys.Open(name)
	must(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	must(t, err)
	return b
}

func write(t *testing.T, f vfs.File, s string) {
	t.Helper()
	_, err := f.Write([]byte(s))
	must(t, err)
}

func TestCrashDropsUnsyncedData(t *testing.T) {
	m := vfs.NewMem()
	f, err := m.Create("/a")
	must(t, err)
	must(t, m.SyncDir("/"))
	write(t, f, "durable")
	must(t, f.Sync())
	write(t, f, " lost")
	m.Crash()
	if got := content(t, m, "/a"); string(got) != "durable" {
		t.Fatalf("after crash: %q", got)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, vfs.ErrCrashed) {
		t.Fatalf("write on pre-crash handle: %v", err)
	}
	// What survived a crash is durable: a second crash keeps it.
	m.Crash()
	if got := content(t, m, "/a"); string(got) != "durable" {
		t.Fatalf("after second crash: %q", got)
	}
}

func TestCrashRevertsOverwriteAndTruncate(t *testing.T) {
	m := vfs.NewMem()
	f, err := m.Create("/a")
	must(t, err)
	must(t, m.SyncDir("/"))
	write(t, f, "abcdef")
	must(t, f.Sync())
	must(t, f.Truncate(2))
	write(t, f, "XYZ") // offset is still 6: fills 2..6 with zeros
	m.SetCrashPolicy(vfs.CrashPolicy{Rand: rand.New(rand.NewPCG(1, 2))})
	m.Crash()
	if got := content(t, m, "/a"); string(got) != "abcdef" {
		t.Fatalf("after crash: %q", got)
	}
}

func TestCrashRevertsDirectoryEntries(t *testing.T) {
	m := vfs.NewMem()
	must(t, m.MkdirAll("/d"))
	for _, n := range []string{"/d/keep", "/d/removed", "/d/renamed"} {
		f, err := m.Create(n)
		must(t, err)
		write(t, f, n)
		must(t, f.Sync())
		must(t, f.Close())
	}
	must(t, m.SyncDir("/d"))
	f, err := m.Create("/d/new") // never SyncDir'ed
	must(t, err)
	write(t, f, "x")
	must(t, f.Sync())
	must(t, m.Remove("/d/removed"))
	must(t, m.Rename("/d/renamed", "/d/target"))

	m.Crash()
	names, err := m.List("/d")
	must(t, err)
	if want := "keep removed renamed"; join(names) != want {
		t.Fatalf("after crash: %q, want %q", join(names), want)
	}
	if got := content(t, m, "/d/removed"); string(got) != "/d/removed" {
		t.Fatalf("revived file holds %q", got)
	}
}

func TestSyncDirMakesEntriesDurable(t *testing.T) {
	m := vfs.NewMem()
	f, err := m.Create("/a")
	must(t, err)
	write(t, f, "abc")
	must(t, f.Sync())
	must(t, m.SyncDir("/"))
	must(t, m.Rename("/a", "/b"))
	must(t, m.SyncDir("/"))
	m.Crash()
	if _, err := m.Open("/a"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("old name after synced rename: %v", err)
	}
	if got := content(t, m, "/b"); string(got) != "abc" {
		t.Fatalf("after crash: %q", got)
	}
}

func TestCrashKeepsRandomPrefix(t *testing.T) {
	seen := map[int]bool{}
	for seed := range uint64(200) {
		m := vfs.NewMem()
		m.SetCrashPolicy(vfs.CrashPolicy{Rand: rand.New(rand.NewPCG(seed, 0))})
		f, err := m.Create("/a")
		must(t, err)
		must(t, m.SyncDir("/"))
		write(t, f, "0123")
		must(t, f.Sync())
		write(t, f, "4567")
		write(t, f, "89")
		clone := m.CrashClone()
		got := content(t, clone, "/a")
		if len(got) < 4 || !bytes.HasPrefix([]byte("0123456789"), got) {
			t.Fatalf("seed %d: kept %q", seed, got)
		}
		seen[len(got)] = true
		// The original carries on.
		write(t, f, "!")
		if got := content(t, m, "/a"); string(got) != "0123456789!" {
			t.Fatalf("original after CrashClone: %q", got)
		}
	}
	if len(seen) != 7 {
		t.Fatalf("kept lengths %v, want all of 4..10", seen)
	}
}

func TestCrashGarbleOnlyTouchesUnsyncedBytes(t *testing.T) {
	garbled := false
	for seed := range uint64(100) {
		m := vfs.NewMem()
		m.SetCrashPolicy(vfs.CrashPolicy{Rand: rand.New(rand.NewPCG(seed, 7)), Garble: true})
		f, err := m.Create("/a")
		must(t, err)
		must(t, m.SyncDir("/"))
		write(t, f, "durable|")
		must(t, f.Sync())
		write(t, f, "unsynced tail bytes")
		got := content(t, m.CrashClone(), "/a")
		if !bytes.HasPrefix(got, []byte("durable|")) {
			t.Fatalf("seed %d: durable bytes changed: %q", seed, got)
		}
		if !bytes.HasPrefix([]byte("durable|unsynced tail bytes"), got) {
			garbled = true
		}
	}
	if !garbled {
		t.Fatal("Garble never changed a byte")
	}
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}
