package vfs_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicestream/sluice/internal/vfs"
)

func TestAlignedBuffer(t *testing.T) {
	for _, n := range []int{1, 100, 4096, 16 << 20} {
		b := vfs.AlignedBuffer(n)
		if len(b) != 0 || cap(b) != n || !vfs.IsAligned(b) {
			t.Fatalf("AlignedBuffer(%d): len %d cap %d aligned %v", n, len(b), cap(b), vfs.IsAligned(b))
		}
		if n > 1 && vfs.IsAligned(b[1:2]) {
			t.Fatalf("IsAligned of an offset slice is true")
		}
	}
}

// directFile creates a file on the operating system's filesystem and
// skips the test where it cannot write around the page cache.
func directFile(t *testing.T) (vfs.File, vfs.DirectWriter, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "f")
	f, err := vfs.Default().Create(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	dw, ok := f.(vfs.DirectWriter)
	if !ok {
		t.Skip("no direct I/O on this platform")
	}
	return f, dw, name
}

// TestWriteDirectThenBuffered writes whole blocks directly and an unaligned
// tail through the page cache, as the filesystem LTS does with a chunk, and
// reads the file back.
func TestWriteDirectThenBuffered(t *testing.T) {
	f, dw, name := directFile(t)
	want := vfs.AlignedBuffer(3*vfs.DirectAlignment + 123)[:3*vfs.DirectAlignment+123]
	for i := range want {
		want[i] = byte(i * 7)
	}
	n, err := dw.WriteDirect(want[:3*vfs.DirectAlignment])
	if errors.Is(err, vfs.ErrDirectUnsupported) {
		t.Skipf("filesystem of %s: %v", name, err)
	}
	if err != nil || n != 3*vfs.DirectAlignment {
		t.Fatalf("WriteDirect: %d, %v", n, err)
	}
	if _, err := f.Write(want[n:]); err != nil {
		t.Fatalf("buffered write after a direct one: %v", err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes, want %d; contents differ", len(got), len(want))
	}
}

func TestWriteDirectRejectsUnalignedData(t *testing.T) {
	f, dw, _ := directFile(t)
	b := vfs.AlignedBuffer(3 * vfs.DirectAlignment)[:3*vfs.DirectAlignment]
	for _, p := range [][]byte{b[1 : 1+vfs.DirectAlignment], b[:100]} {
		if n, err := dw.WriteDirect(p); err == nil || n != 0 {
			t.Fatalf("WriteDirect of %d unaligned bytes: %d, %v; want an error", len(p), n, err)
		}
	}
	if size, err := f.Size(); err != nil || size != 0 {
		t.Fatalf("size after rejected writes: %d, %v", size, err)
	}
}
