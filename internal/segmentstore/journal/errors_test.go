package journal_test

import (
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

var errInjected = errors.New("injected fault")

func TestFaultsFailTheJournal(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []vfs.Op
		// roll makes the fault hit the commit that starts a new file.
		roll bool
	}{
		{"write", []vfs.Op{vfs.OpWrite}, false},
		{"sync", []vfs.Op{vfs.OpSync}, false},
		// The new file is the prepared one (renamed into place) or, if
		// that fails, a created one.
		{"create on roll", []vfs.Op{vfs.OpCreate, vfs.OpRename}, true},
		{"syncdir on roll", []vfs.Op{vfs.OpSyncDir}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := vfs.NewMem()
			var armed atomic.Bool
			fsys := vfs.NewErrorFS(mem, func(op vfs.Op, _ string) error {
				if slices.Contains(tc.ops, op) && armed.Load() {
					return errInjected
				}
				return nil
			})
			opts := journal.Options{FileSize: 4096}
			j := open(t, fsys, opts)
			a, b := j.Log(1), j.Log(2)
			ta, tb := track(a), track(b)
			ta.wait(t, appendN(t, a, 10))
			tb.wait(t, appendN(t, b, 3))
			durableA := ta.durable
			armed.Store(true)
			size := 10
			if tc.roll {
				size = 4096 // does not fit in the active file
			}
			if _, err := a.Append(make([]byte, size)); err != nil && !tc.roll {
				t.Fatal(err)
			}
			errA, errB := ta.waitErr(), tb.waitErr()
			for _, err := range []error{errA, errB} {
				if !errors.Is(err, journal.ErrFailed) || !errors.Is(err, errInjected) {
					t.Fatalf("listener error %v, want ErrFailed wrapping the fault", err)
				}
			}
			if _, err := b.Append([]byte("x")); !errors.Is(err, journal.ErrFailed) {
				t.Fatalf("Append after failure: %v", err)
			}
			if err := b.Truncate(1); !errors.Is(err, journal.ErrFailed) {
				t.Fatalf("Truncate after failure: %v", err)
			}
			if err := j.Close(); !errors.Is(err, journal.ErrFailed) {
				t.Fatalf("Close after failure: %v", err)
			}
			if len(ta.errs) != 1 || len(tb.errs) != 1 {
				t.Fatalf("errors reported %d and %d times, want once", len(ta.errs), len(tb.errs))
			}

			// Nothing reported durable is lost, with or without a power loss.
			for _, crash := range []bool{false, true} {
				if crash {
					mem.Crash()
				}
				j := open(t, mem, opts)
				a := j.Log(1)
				var got []uint64
				if err := a.Replay(func(seq uint64, _ []byte) error {
					got = append(got, seq)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if len(got) < int(durableA) || !slices.Equal(got[:durableA], seqRange(1, durableA)) {
					t.Fatalf("crash=%v: replayed %v, durable was %d", crash, got, durableA)
				}
				if got := replay(t, j.Log(2)); !slices.Equal(got, seqRange(1, 3)) {
					t.Fatalf("crash=%v: container 2 replayed %v", crash, got)
				}
				mustClose(t, j)
			}
		})
	}
}

func TestOpenFailsOnFaults(t *testing.T) {
	mem := vfs.NewMem()
	j := open(t, mem, journal.Options{})
	appendN(t, j.Log(1), 3)
	mustClose(t, j)
	for _, op := range []vfs.Op{vfs.OpList, vfs.OpOpen, vfs.OpRead, vfs.OpOpenFile, vfs.OpSync, vfs.OpSyncDir, vfs.OpMkdirAll} {
		fsys := vfs.NewErrorFS(mem, func(o vfs.Op, _ string) error {
			if o == op {
				return errInjected
			}
			return nil
		})
		if _, err := journal.Open(fsys, dir, journal.Options{}); !errors.Is(err, errInjected) {
			t.Fatalf("Open with failing %v: %v", op, err)
		}
	}
	j = open(t, mem, journal.Options{})
	defer mustClose(t, j)
	if got := replay(t, j.Log(1)); !slices.Equal(got, seqRange(1, 3)) {
		t.Fatalf("replayed %v", got)
	}
}
