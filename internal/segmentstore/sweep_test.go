package segmentstore_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	ltsfs "github.com/sluicestream/sluice/internal/segmentstore/lts/fs"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/vfs"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestSweepOrphans: objects a crash leaves in long-term storage (a chunk
// written but never journaled, chunks of a segment deleted before they were
// collected, an earlier incarnation's metadata, a deleted table's index
// snapshot) are deleted at the next start; everything in use stays and the
// data reads back.
func TestSweepOrphans(t *testing.T) {
	dir := t.TempDir()
	start := func() *segmentstore.Store {
		st, err := segmentstore.Start(context.Background(), segmentstore.Config{
			DataDir: dir, Address: "127.0.0.1:0", NoSync: true, NoOrphanSweep: true})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := start()
	c := sstest.Dial(t, st.Addr().String())
	const seg = "sweep/s/0.#epoch.0"
	c.Create(seg)
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: wire.UUID{1}, Segment: seg})
	sstest.Expect[*wire.AppendSetup](c)
	data := sstest.Events("one", "two", "three")
	c.Send(&wire.AppendBlockEnd{WriterID: wire.UUID{1}, SizeOfWholeEvents: int32(len(data)), Data: data,
		NumEvents: 3, LastEventNumber: 3, RequestID: 2})
	sstest.Expect[*wire.DataAppended](c)
	for id := range 4 {
		c.Send(&wire.FlushToStorage{RequestID: 3, ContainerID: int32(id)})
		sstest.Expect[*wire.StorageFlushed](c)
	}
	c.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	root := filepath.Join(dir, "lts")
	store, err := ltsfs.New(vfs.Default(), root)
	if err != nil {
		t.Fatal(err)
	}
	inUse := listNames(t, store)
	if len(inUse) < 2 {
		t.Fatalf("expected chunks and metadata of %s, have %v", seg, inUse)
	}
	orphans := []string{
		lts.ChunkName(seg, 1<<20, 99),                // written, never journaled
		lts.ChunkName("sweep/gone/0.#epoch.0", 0, 1), // segment deleted before collection
		lts.MetaName(seg, 77),                        // an earlier incarnation's metadata
		lts.IndexName("sweep/gone_kvtable/0"),        // a deleted table's snapshot
	}
	foreign := "segments/not-a-layout-name" // left alone
	for _, name := range append(slices.Clone(orphans), foreign) {
		if err := store.Put(t.Context(), name, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}

	st = start()
	defer st.Close()
	res, err := st.SweepOrphans(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != len(orphans) || res.DeletedBytes != int64(len(orphans)) {
		t.Fatalf("sweep %+v, want %d orphans deleted", res, len(orphans))
	}
	left := listNames(t, store)
	want := append(slices.Clone(inUse), foreign)
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("after the sweep:\n%v\nwant\n%v", left, want)
	}
	c = sstest.Dial(t, st.Addr().String())
	defer c.Close()
	events, err := sstest.SplitEvents(sstest.ReadAll(c, seg))
	if err != nil || !slices.Equal(events, []string{"one", "two", "three"}) {
		t.Fatalf("segment after the sweep: %q %v", events, err)
	}
	if _, err := os.Stat(filepath.Join(root, foreign)); err != nil {
		t.Fatal(err)
	}
}

func listNames(t *testing.T, s lts.ChunkLister) []string {
	t.Helper()
	infos, err := lts.ListAll(t.Context(), s, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range infos {
		names = append(names, i.Name)
	}
	slices.Sort(names)
	return names
}
