package fs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/fs"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/ltstest"
	"github.com/sluicestream/sluice/internal/vfs"
)

func TestContractOS(t *testing.T) {
	ltstest.Run(t, func(t *testing.T) lts.ChunkStorage {
		s, err := fs.New(vfs.Default(), t.TempDir()+"/lts")
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestContractMem(t *testing.T) {
	ltstest.Run(t, func(t *testing.T) lts.ChunkStorage {
		s, err := fs.New(vfs.NewMem(), "/data/lts")
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func BenchmarkOS(b *testing.B) {
	s, err := fs.New(vfs.Default(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ltstest.Bench(b, s)
}

// TestPutAlignedChunks covers the direct-I/O path of Put: chunks assembled in
// aligned buffers, of sizes with and without a partial last block and
// spanning several write pieces, read back byte for byte.
func TestPutAlignedChunks(t *testing.T) {
	fsys := &directCountingFS{FS: vfs.Default()}
	s, err := fs.New(fsys, t.TempDir()+"/lts")
	if err != nil {
		t.Fatal(err)
	}
	for i, size := range []int{100, 4096, 3*4096 + 123, 700<<10 + 5, 1 << 20} {
		data := vfs.AlignedBuffer(size)[:size]
		for j := range data {
			data[j] = byte(j*31 + i)
		}
		name := fmt.Sprintf("segments/s/@%020d.1", i)
		if err := s.Put(t.Context(), name, data); err != nil {
			t.Fatalf("Put %d bytes: %v", size, err)
		}
		got := make([]byte, size+1)
		n, err := s.ReadAt(t.Context(), name, got, 0)
		if n != size || (err != nil && !errors.Is(err, io.EOF)) {
			t.Fatalf("ReadAt %d-byte chunk: %d, %v", size, n, err)
		}
		if !bytes.Equal(got[:n], data) {
			t.Fatalf("%d-byte chunk read back differs", size)
		}
	}
	if fsys.direct.Load() == 0 && !fsys.unsupported.Load() {
		t.Fatal("no chunk was written directly")
	}
}

// directCountingFS counts the direct writes of the files it creates.
type directCountingFS struct {
	vfs.FS
	direct      atomic.Int64
	unsupported atomic.Bool
}

func (d *directCountingFS) Create(name string) (vfs.File, error) {
	f, err := d.FS.Create(name)
	if err != nil {
		return nil, err
	}
	return directCountingFile{File: f, fs: d}, nil
}

type directCountingFile struct {
	vfs.File
	fs *directCountingFS
}

func (f directCountingFile) WriteDirect(p []byte) (int, error) {
	dw, ok := f.File.(vfs.DirectWriter)
	if !ok {
		f.fs.unsupported.Store(true)
		return 0, vfs.ErrDirectUnsupported
	}
	n, err := dw.WriteDirect(p)
	if errors.Is(err, vfs.ErrDirectUnsupported) {
		f.fs.unsupported.Store(true)
	} else if err == nil {
		f.fs.direct.Add(1)
	}
	return n, err
}
