// Package vfstest holds the contract test suite that every vfs.FS
// implementation must pass.
package vfstest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/vfs"
)

// Run runs the contract suite. newFS returns a fresh filesystem and an
// existing, empty directory in it that the test may use.
func Run(t *testing.T, newFS func(t *testing.T) (fsys vfs.FS, dir string)) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys, dir := newFS(t)
			tc.fn(t, fsys, dir)
		})
	}
}

var cases = []struct {
	name string
	fn   func(t *testing.T, fsys vfs.FS, dir string)
}{
	{"CreateWriteRead", testCreateWriteRead},
	{"CreateTruncatesExisting", testCreateTruncates},
	{"OpenMissing", testOpenMissing},
	{"OpenFileReadWrite", testOpenFileReadWrite},
	{"OpenReadOnly", testOpenReadOnly},
	{"Seek", testSeek},
	{"Truncate", testTruncate},
	{"ReadAtEOF", testReadAtEOF},
	{"Remove", testRemove},
	{"Rename", testRename},
	{"MkdirAllList", testMkdirAllList},
	{"SyncDir", testSyncDir},
	{"Close", testClose},
	{"TwoHandles", testTwoHandles},
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, fsys vfs.FS, name string, data []byte) {
	t.Helper()
	f, err := fsys.Create(name)
	must(t, err)
	n, err := f.Write(data)
	must(t, err)
	if n != len(data) {
		t.Fatalf("short write %d of %d", n, len(data))
	}
	must(t, f.Sync())
	must(t, f.Close())
}

func readFile(t *testing.T, fsys vfs.FS, name string) []byte {
	t.Helper()
	f, err := fsys.Open(name)
	must(t, err)
	defer func() { _ = f.Close() }()
	b, err := io.ReadAll(f)
	must(t, err)
	return b
}

func wantContent(t *testing.T, fsys vfs.FS, name string, want []byte) {
	t.Helper()
	if got := readFile(t, fsys, name); !bytes.Equal(got, want) {
		t.Fatalf("%s holds %q, want %q", name, got, want)
	}
}

func testCreateWriteRead(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	f, err := fsys.Create(name)
	must(t, err)
	_, err = f.Write([]byte("hello "))
	must(t, err)
	_, err = f.Write([]byte("world"))
	must(t, err)
	size, err := f.Size()
	must(t, err)
	if size != 11 {
		t.Fatalf("size %d, want 11", size)
	}
	buf := make([]byte, 5)
	n, err := f.ReadAt(buf, 6)
	must(t, err)
	if n != 5 || string(buf) != "world" {
		t.Fatalf("ReadAt = %d %q", n, buf)
	}
	must(t, f.Sync())
	must(t, f.Close())
	wantContent(t, fsys, name, []byte("hello world"))
}

func testCreateTruncates(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("long content"))
	writeFile(t, fsys, name, []byte("short"))
	wantContent(t, fsys, name, []byte("short"))
	if _, err := fsys.Create(filepath.Join(dir, "missing", "x")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Create in missing dir: %v, want ErrNotExist", err)
	}
}

func testOpenMissing(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "nope")
	if _, err := fsys.Open(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open: %v, want ErrNotExist", err)
	}
	if _, err := fsys.OpenFile(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenFile: %v, want ErrNotExist", err)
	}
}

func testOpenFileReadWrite(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("0123456789"))
	f, err := fsys.OpenFile(name)
	must(t, err)
	_, err = f.Write([]byte("ab")) // at offset 0
	must(t, err)
	buf := make([]byte, 3)
	_, err = io.ReadFull(f, buf) // continues at 2
	must(t, err)
	if string(buf) != "234" {
		t.Fatalf("read %q after write, want 234", buf)
	}
	must(t, f.Close())
	wantContent(t, fsys, name, []byte("ab23456789"))
}

func testOpenReadOnly(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("abc"))
	f, err := fsys.Open(name)
	must(t, err)
	defer func() { _ = f.Close() }()
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("Write on a read-only file succeeded")
	}
	if err := f.Truncate(0); err == nil {
		t.Fatal("Truncate on a read-only file succeeded")
	}
	wantContent(t, fsys, name, []byte("abc"))
}

func testSeek(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("abc"))
	f, err := fsys.OpenFile(name)
	must(t, err)
	end, err := f.Seek(0, io.SeekEnd)
	must(t, err)
	if end != 3 {
		t.Fatalf("Seek end = %d", end)
	}
	_, err = f.Write([]byte("def"))
	must(t, err)
	pos, err := f.Seek(-2, io.SeekCurrent)
	must(t, err)
	if pos != 4 {
		t.Fatalf("Seek current = %d", pos)
	}
	b, err := io.ReadAll(f)
	must(t, err)
	if string(b) != "ef" {
		t.Fatalf("read %q", b)
	}
	if _, err := f.Seek(-1, io.SeekStart); err == nil {
		t.Fatal("Seek to a negative position succeeded")
	}
	must(t, f.Close())
	wantContent(t, fsys, name, []byte("abcdef"))
}

func testTruncate(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("abcdef"))
	f, err := fsys.OpenFile(name)
	must(t, err)
	must(t, f.Truncate(2))
	size, err := f.Size()
	must(t, err)
	if size != 2 {
		t.Fatalf("size %d after Truncate(2)", size)
	}
	must(t, f.Truncate(4))
	must(t, f.Sync())
	must(t, f.Close())
	wantContent(t, fsys, name, []byte("ab\x00\x00"))
}

func testReadAtEOF(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("abc"))
	f, err := fsys.Open(name)
	must(t, err)
	defer func() { _ = f.Close() }()
	buf := make([]byte, 5)
	n, err := f.ReadAt(buf, 1)
	if n != 2 || !errors.Is(err, io.EOF) || string(buf[:n]) != "bc" {
		t.Fatalf("ReadAt across EOF = %d, %v, %q", n, err, buf[:n])
	}
	n, err = f.ReadAt(buf, 3)
	if n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("ReadAt at EOF = %d, %v", n, err)
	}
	all, err := io.ReadAll(f)
	must(t, err)
	if string(all) != "abc" {
		t.Fatalf("ReadAll = %q", all)
	}
	if n, err := f.Read(buf); n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("Read at EOF = %d, %v", n, err)
	}
}

func testRemove(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	writeFile(t, fsys, name, []byte("abc"))
	must(t, fsys.Remove(name))
	if _, err := fsys.Open(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open after Remove: %v", err)
	}
	if err := fsys.Remove(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second Remove: %v, want ErrNotExist", err)
	}
	sub := filepath.Join(dir, "sub")
	must(t, fsys.MkdirAll(sub))
	writeFile(t, fsys, filepath.Join(sub, "x"), nil)
	if err := fsys.Remove(sub); err == nil {
		t.Fatal("Remove of a non-empty directory succeeded")
	}
	must(t, fsys.Remove(filepath.Join(sub, "x")))
	must(t, fsys.Remove(sub))
}

func testRename(t *testing.T, fsys vfs.FS, dir string) {
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeFile(t, fsys, a, []byte("new"))
	writeFile(t, fsys, b, []byte("old"))
	must(t, fsys.Rename(a, b))
	wantContent(t, fsys, b, []byte("new"))
	if _, err := fsys.Open(a); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open old name after Rename: %v", err)
	}
	if err := fsys.Rename(a, b); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Rename of a missing file: %v", err)
	}
	sub := filepath.Join(dir, "sub")
	must(t, fsys.MkdirAll(sub))
	must(t, fsys.Rename(b, filepath.Join(sub, "c")))
	wantContent(t, fsys, filepath.Join(sub, "c"), []byte("new"))
}

func testMkdirAllList(t *testing.T, fsys vfs.FS, dir string) {
	deep := filepath.Join(dir, "x", "y", "z")
	must(t, fsys.MkdirAll(deep))
	must(t, fsys.MkdirAll(deep)) // idempotent
	for _, n := range []string{"c", "a", "b"} {
		writeFile(t, fsys, filepath.Join(dir, n), []byte(n))
	}
	names, err := fsys.List(dir)
	must(t, err)
	if want := []string{"a", "b", "c", "x"}; !slices.Equal(names, want) {
		t.Fatalf("List = %q, want %q", names, want)
	}
	names, err = fsys.List(deep)
	must(t, err)
	if len(names) != 0 {
		t.Fatalf("List of empty dir = %q", names)
	}
	if _, err := fsys.List(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("List of missing dir: %v", err)
	}
	if err := fsys.MkdirAll(filepath.Join(dir, "a", "b")); err == nil {
		t.Fatal("MkdirAll below a file succeeded")
	}
}

func testSyncDir(t *testing.T, fsys vfs.FS, dir string) {
	writeFile(t, fsys, filepath.Join(dir, "a"), []byte("x"))
	must(t, fsys.SyncDir(dir))
	if err := fsys.SyncDir(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("SyncDir of missing dir: %v", err)
	}
}

func testClose(t *testing.T, fsys vfs.FS, dir string) {
	f, err := fsys.Create(filepath.Join(dir, "a"))
	must(t, err)
	must(t, f.Close())
	if err := f.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("Write after Close succeeded")
	}
	if _, err := f.ReadAt(make([]byte, 1), 0); err == nil {
		t.Fatal("ReadAt after Close succeeded")
	}
}

// testTwoHandles checks that a reader sees what a writer on another handle
// wrote, and that a removed file stays readable through an open handle.
func testTwoHandles(t *testing.T, fsys vfs.FS, dir string) {
	name := filepath.Join(dir, "a")
	w, err := fsys.Create(name)
	must(t, err)
	defer func() { _ = w.Close() }()
	r, err := fsys.Open(name)
	must(t, err)
	defer func() { _ = r.Close() }()
	_, err = w.Write([]byte("abc"))
	must(t, err)
	buf := make([]byte, 3)
	_, err = r.ReadAt(buf, 0)
	must(t, err)
	if string(buf) != "abc" {
		t.Fatalf("reader sees %q", buf)
	}
	must(t, fsys.Remove(name))
	_, err = r.ReadAt(buf, 0)
	must(t, err)
	if string(buf) != "abc" {
		t.Fatalf("reader sees %q after Remove", buf)
	}
}
