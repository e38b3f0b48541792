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

// FuzzOpenTail appends arbitrary bytes to the last file of a valid journal,
// or replaces a whole file with them: Open must either fail with
// ErrCorrupt or recover every record that was there before, and never
// panic.
func FuzzOpenTail(f *testing.F) {
	f.Add(false, []byte{})
	f.Add(false, []byte{1, 2, 3})
	f.Add(true, []byte("SLUICEJL\x01\x00\x00\x00\x00\x00\x00\x00"))
	// Records as the journal writes them, as seeds the fuzzer can mutate.
	{
		fsys := vfs.NewMem()
		j, err := journal.Open(fsys, dir, journal.Options{})
		if err != nil {
			f.Fatal(err)
		}
		l := j.Log(1)
		for seq := uint64(1); seq <= 6; seq++ {
			if _, err := l.Append(payload(1, seq)); err != nil {
				f.Fatal(err)
			}
		}
		if err := l.Truncate(2); err != nil {
			f.Fatal(err)
		}
		if err := j.Close(); err != nil {
			f.Fatal(err)
		}
		whole := readAll(f, fsys, "0000000000000001.journal")
		f.Add(true, whole)
		f.Add(false, whole[28:]) // records after the (empty) header
	}
	f.Fuzz(func(t *testing.T, whole bool, data []byte) {
		fsys := vfs.NewMem()
		j := open(t, fsys, journal.Options{})
		appendN(t, j.Log(1), 3)
		mustClose(t, j)
		if whole {
			name := filepath.Join(dir, "0000000000000002.journal")
			fl, err := fsys.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fl.Write(data); err != nil {
				t.Fatal(err)
			}
			_ = fl.Close()
		} else {
			writeAt(t, fsys, "0000000000000001.journal", -1, data)
		}
		j, err := journal.Open(fsys, dir, journal.Options{})
		if err != nil {
			if !errors.Is(err, journal.ErrCorrupt) {
				t.Fatalf("Open: %v", err)
			}
			return
		}
		defer func() { _ = j.Close() }()
		l := j.Log(1)
		var seqs []uint64
		if err := l.Replay(func(seq uint64, _ []byte) error {
			seqs = append(seqs, seq)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		trunc := l.TruncatedSeq()
		if want := seqRange(trunc+1, l.LastSeq()); !slices.Equal(seqs, want) {
			t.Fatalf("replayed %v, want %v", seqs, want)
		}
		if trunc == 0 && l.LastSeq() < 3 {
			t.Fatalf("lost records: LastSeq %d", l.LastSeq())
		}
	})
}

func readAll(tb testing.TB, fsys vfs.FS, name string) []byte {
	fl, err := fsys.Open(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = fl.Close() }()
	b, err := io.ReadAll(fl)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
