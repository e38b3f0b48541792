package journal_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

func TestAppendReplay(t *testing.T) {
	fsys := vfs.NewMem()
	j := open(t, fsys, journal.Options{})
	l := j.Log(1)
	if j.Log(1) != l {
		t.Fatal("Log returned a different handle for the same id")
	}
	if got := replay(t, l); len(got) != 0 {
		t.Fatalf("fresh journal replays %v", got)
	}
	tr := track(l)
	last := appendN(t, l, 100)
	tr.wait(t, last)
	mustClose(t, j)

	j = open(t, fsys, journal.Options{})
	defer mustClose(t, j)
	l = j.Log(1)
	if got := replay(t, l); !slices.Equal(got, seqRange(1, 100)) {
		t.Fatalf("replayed %v", got)
	}
	if l.LastSeq() != 100 {
		t.Fatalf("LastSeq %d", l.LastSeq())
	}
	if seq := appendN(t, l, 1); seq != 101 {
		t.Fatalf("next seq %d", seq)
	}
	if err := l.Replay(func(uint64, []byte) error { return nil }); !errors.Is(err, journal.ErrReplayAfterAppend) {
		t.Fatalf("Replay after Append: %v", err)
	}
}

func TestInterleavedContainers(t *testing.T) {
	fsys := vfs.NewMem()
	j := open(t, fsys, journal.Options{FileSize: 2048})
	logs := []*journal.Log{j.Log(7), j.Log(3), j.Log(1 << 31)}
	for i := range 300 {
		appendN(t, logs[i%len(logs)], 1+i%3)
	}
	want := map[uint32]uint64{}
	for _, l := range logs {
		want[l.ID()] = l.LastSeq()
	}
	mustClose(t, j)

	j = open(t, fsys, journal.Options{FileSize: 2048})
	defer mustClose(t, j)
	for id, last := range want {
		if got := replay(t, j.Log(id)); !slices.Equal(got, seqRange(1, last)) {
			t.Fatalf("container %d replayed %v, want 1..%d", id, got, last)
		}
	}
	if got := replay(t, j.Log(99)); len(got) != 0 {
		t.Fatalf("unknown container replays %v", got)
	}
}

func TestRollover(t *testing.T) {
	fsys := vfs.NewMem()
	opts := journal.Options{FileSize: 1024}
	j := open(t, fsys, opts)
	l := j.Log(1)
	tr := track(l)
	for range 50 {
		tr.wait(t, appendN(t, l, 3)) // one commit per round
	}
	st := j.Stats()
	if st.Files < 10 || st.FilesCreated != uint64(st.Files) || len(journalFiles(t, fsys)) != st.Files {
		t.Fatalf("stats %+v, files on disk %v", st, journalFiles(t, fsys))
	}
	if st.Records != 150 || st.Batches < 50 || st.Fsyncs != st.Batches || st.DirSyncs < uint64(st.Files-1) {
		t.Fatalf("stats %+v", st)
	}
	mustClose(t, j)
	j = open(t, fsys, opts)
	defer mustClose(t, j)
	if got := replay(t, j.Log(1)); !slices.Equal(got, seqRange(1, 150)) {
		t.Fatalf("replayed %v", got)
	}
}

func TestTruncateDeletesFilesOnlyWhenAllContainersMovedPast(t *testing.T) {
	fsys := vfs.NewMem()
	opts := journal.Options{FileSize: 1024}
	j := open(t, fsys, opts)
	a, b := j.Log(1), j.Log(2)
	ta, tb := track(a), track(b)
	for range 20 {
		appendN(t, a, 2)
		appendN(t, b, 2)
		ta.wait(t, a.LastSeq())
		tb.wait(t, b.LastSeq())
	}
	filesBefore := len(journalFiles(t, fsys))
	if filesBefore < 5 {
		t.Fatalf("only %d files", filesBefore)
	}
	// sync makes the truncations durable and waits until the files are
	// deleted: the writer hands them to the remover after the commit's
	// reports, before it takes the next batch.
	sync := func() {
		ta.wait(t, appendN(t, a, 1))
		ta.wait(t, appendN(t, a, 1))
		j.WaitRemoved()
	}
	if err := a.Truncate(a.LastSeq()); err != nil {
		t.Fatal(err)
	}
	sync()
	if n := len(journalFiles(t, fsys)); n != filesBefore+boolInt(n > filesBefore) {
		t.Fatalf("files deleted while container 2 still needs them: %d -> %d", filesBefore, n)
	}
	if err := b.Truncate(20); err != nil { // b's seq 20 is in the middle
		t.Fatal(err)
	}
	sync()
	mid := len(journalFiles(t, fsys))
	if mid >= filesBefore || mid <= 1 {
		t.Fatalf("after b truncated half: %d files (was %d)", mid, filesBefore)
	}
	if err := b.Truncate(b.LastSeq()); err != nil {
		t.Fatal(err)
	}
	if err := a.Truncate(a.LastSeq()); err != nil {
		t.Fatal(err)
	}
	sync()
	// Only a's two appends by sync are not truncated.
	if n := len(journalFiles(t, fsys)); n > 2 {
		t.Fatalf("after all truncated: %d files: %v", n, journalFiles(t, fsys))
	}
	if st := j.Stats(); st.Files != len(journalFiles(t, fsys)) || st.FilesDeleted == 0 {
		t.Fatalf("stats %+v", st)
	}
	lastA, lastB := a.LastSeq(), b.LastSeq()
	mustClose(t, j)

	j = open(t, fsys, opts)
	defer mustClose(t, j)
	a, b = j.Log(1), j.Log(2)
	if got := replay(t, a); !slices.Equal(got, []uint64{lastA - 1, lastA}) {
		t.Fatalf("a replayed %v, want [%d %d]", got, lastA-1, lastA)
	}
	if got := replay(t, b); len(got) != 0 {
		t.Fatalf("b replayed %v", got)
	}
	if a.TruncatedSeq() != lastA-2 || b.TruncatedSeq() != lastB || b.LastSeq() != lastB {
		t.Fatalf("a trunc %d, b trunc %d last %d", a.TruncatedSeq(), b.TruncatedSeq(), b.LastSeq())
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSeqContinuesAfterDeletedFiles(t *testing.T) {
	fsys := vfs.NewMem()
	opts := journal.Options{FileSize: 512}
	j := open(t, fsys, opts)
	l := j.Log(5)
	tr := track(l)
	for range 10 {
		tr.wait(t, appendN(t, l, 3))
	}
	if err := l.Truncate(30); err != nil {
		t.Fatal(err)
	}
	// Roll past the truncation so that every file holding data is deleted.
	other := j.Log(6)
	to := track(other)
	for range 5 {
		to.wait(t, appendN(t, other, 4))
		if err := other.Truncate(other.LastSeq()); err != nil {
			t.Fatal(err)
		}
	}
	to.wait(t, appendN(t, other, 1))
	mustClose(t, j)
	if files := journalFiles(t, fsys); files[0] == "0000000000000001.journal" {
		t.Fatalf("first file not deleted: %v", files)
	}

	for round := range 2 {
		j = open(t, fsys, opts)
		l = j.Log(5)
		if got := replay(t, l); len(got) != 0 {
			t.Fatalf("round %d: replayed %v", round, got)
		}
		if l.LastSeq() != 30 || l.TruncatedSeq() != 30 {
			t.Fatalf("round %d: LastSeq %d TruncatedSeq %d", round, l.LastSeq(), l.TruncatedSeq())
		}
		mustClose(t, j)
	}
	j = open(t, fsys, opts)
	defer mustClose(t, j)
	if seq := appendN(t, j.Log(5), 1); seq != 31 {
		t.Fatalf("next seq %d, want 31", seq)
	}
}

func TestTruncateValidation(t *testing.T) {
	j := open(t, vfs.NewMem(), journal.Options{})
	defer mustClose(t, j)
	l := j.Log(1)
	appendN(t, l, 3)
	if err := l.Truncate(4); !errors.Is(err, journal.ErrBeyondEnd) {
		t.Fatalf("Truncate beyond end: %v", err)
	}
	if err := l.Truncate(2); err != nil {
		t.Fatal(err)
	}
	if err := l.Truncate(1); err != nil || l.TruncatedSeq() != 2 {
		t.Fatalf("Truncate backwards: %v, point %d", err, l.TruncatedSeq())
	}
	if _, err := l.Append(make([]byte, journal.MaxPayloadSize+1)); !errors.Is(err, journal.ErrTooLarge) {
		t.Fatalf("oversized Append: %v", err)
	}
}

func TestCloseSemantics(t *testing.T) {
	fsys := vfs.NewMem()
	j := open(t, fsys, journal.Options{})
	l := j.Log(1)
	tr := track(l)
	last := appendN(t, l, 500) // no waiting: Close must commit them
	mustClose(t, j)
	tr.mu.Lock()
	durable := tr.durable
	tr.mu.Unlock()
	if durable != last {
		t.Fatalf("after Close, listener reported %d, want %d", durable, last)
	}
	if _, err := l.Append([]byte("x")); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	if err := l.Truncate(1); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("Truncate after Close: %v", err)
	}
	if err := j.Close(); !errors.Is(err, journal.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	// Everything appended before Close survives even a crash.
	fsys.Crash()
	j = open(t, fsys, journal.Options{})
	defer mustClose(t, j)
	if got := replay(t, j.Log(1)); !slices.Equal(got, seqRange(1, last)) {
		t.Fatalf("replayed %d records", len(got))
	}
}

func TestListenerSemantics(t *testing.T) {
	j := open(t, vfs.NewMem(), journal.Options{})
	a, b, quiet := j.Log(1), j.Log(2), j.Log(3)
	ta, tb := track(a), track(b)
	appendN(t, quiet, 5) // no listener: fine
	for round := range 20 {
		appendN(t, a, 1+round%4)
		if round%2 == 0 {
			appendN(t, b, 2)
		}
	}
	mustClose(t, j)
	for _, c := range []struct {
		tr   *tracker
		last uint64
	}{{ta, a.LastSeq()}, {tb, b.LastSeq()}} {
		tr := c.tr
		if len(tr.errs) != 0 || tr.durable != c.last {
			t.Fatalf("listener: durable %d (want %d), errs %v", tr.durable, c.last, tr.errs)
		}
		if !slices.IsSorted(tr.seqs) || len(slices.Compact(slices.Clone(tr.seqs))) != len(tr.seqs) {
			t.Fatalf("reports not strictly increasing: %v", tr.seqs)
		}
		if tr.calls > int(j.Stats().Batches) {
			t.Fatalf("%d reports for %d batches", tr.calls, j.Stats().Batches)
		}
	}
	// A truncation alone is not reported.
	j = open(t, vfs.NewMem(), journal.Options{})
	l := j.Log(1)
	tr := track(l)
	tr.wait(t, appendN(t, l, 1))
	if err := l.Truncate(1); err != nil {
		t.Fatal(err)
	}
	mustClose(t, j)
	if tr.calls != 1 {
		t.Fatalf("%d reports, want 1", tr.calls)
	}
}
