package journal_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

// TestGrowingFileMovesToPreparedFile: the first file of a new journal is
// created on demand and grows, which makes every commit also journal its
// size; the writer moves to a prepared (zero-filled) file as soon as one is
// ready instead of waiting for the first file to fill up. Then replay sees
// every record.
func TestGrowingFileMovesToPreparedFile(t *testing.T) {
	d := filepath.Join(t.TempDir(), "journal")
	const fileSize = 1 << 20
	j, err := journal.Open(vfs.Default(), d, journal.Options{FileSize: fileSize})
	if err != nil {
		t.Fatal(err)
	}
	l := j.Log(0)
	deadline := time.Now().Add(30 * time.Second)
	n := 0
	for j.Stats().FilesCreated < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("still on the first file after %d commits (%d bytes)", n, j.Stats().BytesWritten)
		}
		appendN(t, l, 1) // each append is one commit
		n++
	}
	if written := j.Stats().BytesWritten; written >= fileSize {
		t.Fatalf("moved on only after %d bytes; the first file holds %d", written, fileSize)
	}
	appendN(t, l, 10)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j, err = journal.Open(vfs.Default(), d, journal.Options{FileSize: fileSize})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if got := j.Log(0).LastSeq(); got != uint64(n+10) {
		t.Fatalf("after reopening: last seq %d, want %d", got, n+10)
	}
	t.Logf("moved to a prepared file after %d commits", n)
}
