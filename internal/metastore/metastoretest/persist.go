package metastoretest

import (
	"testing"

	"github.com/sluicestream/sluice/internal/metastore"
)

// testPersistence restarts the store and expects every committed write,
// with its revisions, to be there; revisions continue after the old ones.
func testPersistence(t *testing.T, in Instance) {
	if in.Restart == nil {
		t.Skip("the implementation does not persist")
	}
	s := in.Store
	put(t, s, "keep/a", "a1", metastore.Unconditional())
	put(t, s, "keep/a", "a2", metastore.Unconditional())
	rev, err := s.Txn(ctx(t),
		metastore.PutOp("keep/b", []byte("b"), metastore.MustNotExist()),
		metastore.PutOp("keep/c", []byte("c"), metastore.MustNotExist()),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx(t), "keep/c", metastore.AtRevision(rev)); err != nil {
		t.Fatal(err)
	}
	before, err := s.List(ctx(t), "", "", 0)
	if err != nil {
		t.Fatal(err)
	}

	s = in.Restart()

	after, err := s.List(ctx(t), "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("after restart: %q, before: %q", keys(after), keys(before))
	}
	var last int64
	for i := range before {
		b, a := before[i], after[i]
		if a.Key != b.Key || string(a.Value) != string(b.Value) || a.ModRevision != b.ModRevision || a.CreateRevision != b.CreateRevision {
			t.Fatalf("after restart %+v, before %+v", a, b)
		}
		last = max(last, a.ModRevision)
	}
	wantMissing(t, s, "keep/c")
	if r := put(t, s, "keep/d", "d", metastore.MustNotExist()); r <= rev || r <= last {
		t.Fatalf("first write after restart at revision %d, not after %d", r, max(rev, last))
	}
}
