package journal_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

const dir = "/node/journal"

// tracker records what a Listener was told.
type tracker struct {
	mu      sync.Mutex
	cond    sync.Cond
	durable uint64
	calls   int
	errs    []error
	seqs    []uint64 // every durable seq reported, in order
}

func track(l *journal.Log) *tracker {
	tr := &tracker{}
	tr.cond.L = &tr.mu
	l.SetListener(func(seq uint64, err error) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		tr.calls++
		if err != nil {
			tr.errs = append(tr.errs, err)
		} else {
			tr.seqs = append(tr.seqs, seq)
			tr.durable = max(tr.durable, seq)
		}
		tr.cond.Broadcast()
	})
	return tr
}

// wait blocks until seq is durable or the journal failed.
func (tr *tracker) wait(t *testing.T, seq uint64) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for tr.durable < seq && len(tr.errs) == 0 {
		tr.cond.Wait()
	}
	if tr.durable < seq {
		t.Fatalf("waiting for seq %d: %v", seq, tr.errs)
	}
}

func (tr *tracker) waitErr() error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for len(tr.errs) == 0 {
		tr.cond.Wait()
	}
	return tr.errs[0]
}

func open(t *testing.T, fsys vfs.FS, opts journal.Options) *journal.Journal {
	t.Helper()
	j, err := journal.Open(fsys, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func mustClose(t *testing.T, j *journal.Journal) {
	t.Helper()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

// payload is the deterministic payload of record seq of container c.
func payload(c uint32, seq uint64) []byte {
	n := int((uint64(c)*7919 + seq*104729) % 200)
	b := make([]byte, 0, n+24)
	b = fmt.Appendf(b, "c%d/s%d:", c, seq)
	for i := range n {
		b = append(b, byte(uint64(i)+seq*31+uint64(c)))
	}
	return b
}

func appendN(t *testing.T, l *journal.Log, n int) uint64 {
	t.Helper()
	var seq uint64
	for range n {
		next := l.LastSeq() + 1
		s, err := l.Append(payload(l.ID(), next))
		if err != nil {
			t.Fatal(err)
		}
		if s != next {
			t.Fatalf("Append returned seq %d, want %d", s, next)
		}
		seq = s
	}
	return seq
}

// replay returns the seqs replayed for l, checking payloads.
func replay(t *testing.T, l *journal.Log) []uint64 {
	t.Helper()
	var seqs []uint64
	err := l.Replay(func(seq uint64, p []byte) error {
		if want := payload(l.ID(), seq); !bytes.Equal(p, want) {
			return fmt.Errorf("container %d seq %d: payload %q, want %q", l.ID(), seq, p, want)
		}
		seqs = append(seqs, seq)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seqs
}

func seqRange(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// journalFiles lists the journal's files (not the prepared next file).
func journalFiles(t *testing.T, fsys vfs.FS) []string {
	t.Helper()
	names, err := fsys.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return !strings.HasSuffix(n, ".journal") })
}
