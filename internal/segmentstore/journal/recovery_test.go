package journal_test

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

// writeAt changes bytes of a journal file behind the journal's back.
func writeAt(t *testing.T, fsys vfs.FS, name string, off int64, b []byte) {
	t.Helper()
	f, err := fsys.OpenFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if off < 0 {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
	} else if _, err := f.Seek(off, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, fsys vfs.FS, name string) int64 {
	t.Helper()
	f, err := fsys.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := f.Size()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// multiFile writes 60 records of container 1 over several files.
func multiFile(t *testing.T, opts journal.Options) *vfs.MemFS {
	t.Helper()
	fsys := vfs.NewMem()
	j := open(t, fsys, opts)
	l := j.Log(1)
	tr := track(l)
	for range 20 {
		tr.wait(t, appendN(t, l, 3))
	}
	mustClose(t, j)
	if n := len(journalFiles(t, fsys)); n < 3 {
		t.Fatalf("only %d files", n)
	}
	return fsys
}

func TestTornTailIsTruncated(t *testing.T) {
	opts := journal.Options{FileSize: 1024}
	for _, garbage := range [][]byte{
		{0x01, 0x02, 0x03}, // shorter than a record header
		make([]byte, 40),   // zeros
		[]byte("\xde\xad\xbe\xef\x05\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x3d\x00\x00\x00\x00\x00\x00\x00hello"), // bad checksum
	} {
		fsys := multiFile(t, opts)
		files := journalFiles(t, fsys)
		last := files[len(files)-1]
		good := fileSize(t, fsys, last)
		writeAt(t, fsys, last, -1, garbage)

		j := open(t, fsys, opts)
		if got := fileSize(t, fsys, last); got != good {
			t.Fatalf("last file is %d bytes after recovery, want %d", got, good)
		}
		l := j.Log(1)
		if got := replay(t, l); !slices.Equal(got, seqRange(1, 60)) {
			t.Fatalf("replayed %v", got)
		}
		tr := track(l)
		tr.wait(t, appendN(t, l, 2))
		mustClose(t, j)
		j = open(t, fsys, opts)
		if got := replay(t, j.Log(1)); !slices.Equal(got, seqRange(1, 62)) {
			t.Fatalf("replayed %v", got)
		}
		mustClose(t, j)
	}
}

func TestCorruptionBeforeTheTailIsAnError(t *testing.T) {
	opts := journal.Options{FileSize: 1024}
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, fsys vfs.FS, files []string)
	}{
		{"flipped payload byte in first file", func(t *testing.T, fsys vfs.FS, files []string) {
			writeAt(t, fsys, files[0], fileSize(t, fsys, files[0])-3, []byte{0xff})
		}},
		{"torn tail of a file that is not the last", func(t *testing.T, fsys vfs.FS, files []string) {
			writeAt(t, fsys, files[1], -1, []byte{1, 2, 3})
		}},
		{"bad header of first file", func(t *testing.T, fsys vfs.FS, files []string) {
			writeAt(t, fsys, files[0], 0, []byte("NOTAJRNL"))
		}},
		{"missing middle file", func(t *testing.T, fsys vfs.FS, files []string) {
			if err := fsys.Remove(filepath.Join(dir, files[1])); err != nil {
				t.Fatal(err)
			}
		}},
		{"file renumbered", func(t *testing.T, fsys vfs.FS, files []string) {
			if err := fsys.Rename(filepath.Join(dir, files[1]), filepath.Join(dir, "00000000000000ff.journal")); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := multiFile(t, opts)
			tc.damage(t, fsys, journalFiles(t, fsys))
			if _, err := journal.Open(fsys, dir, opts); !errors.Is(err, journal.ErrCorrupt) {
				t.Fatalf("Open: %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestTornHeaderOfLastFileIsRemoved(t *testing.T) {
	opts := journal.Options{FileSize: 1024}
	fsys := multiFile(t, opts)
	files := journalFiles(t, fsys)
	torn := "00000000000000ff.journal"
	f, err := fsys.Create(filepath.Join(dir, torn))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("SLUICEJL\x01\x00")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	j := open(t, fsys, opts)
	defer mustClose(t, j)
	if got := journalFiles(t, fsys); !slices.Equal(got, files) {
		t.Fatalf("files %v, want %v", got, files)
	}
	if got := replay(t, j.Log(1)); !slices.Equal(got, seqRange(1, 60)) {
		t.Fatalf("replayed %v", got)
	}
}

func TestForeignFilesAreIgnored(t *testing.T) {
	fsys := vfs.NewMem()
	if err := fsys.MkdirAll(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"README", "0000000000000000.journal", "1.journal"} {
		f, err := fsys.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	j := open(t, fsys, journal.Options{})
	appendN(t, j.Log(1), 1)
	mustClose(t, j)
	j = open(t, fsys, journal.Options{})
	defer mustClose(t, j)
	if got := replay(t, j.Log(1)); !slices.Equal(got, []uint64{1}) {
		t.Fatalf("replayed %v", got)
	}
}

func TestReplayErrorStops(t *testing.T) {
	fsys := multiFile(t, journal.Options{FileSize: 1024})
	j := open(t, fsys, journal.Options{})
	defer mustClose(t, j)
	stop := errors.New("stop")
	n := 0
	err := j.Log(1).Replay(func(uint64, []byte) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Fatalf("Replay: %v after %d records", err, n)
	}
}
