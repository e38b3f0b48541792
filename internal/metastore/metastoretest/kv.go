package metastoretest

import (
	"bytes"
	"testing"

	"github.com/sluicestream/sluice/internal/metastore"
)

func testGetMissing(t *testing.T, in Instance) {
	s := in.Store
	wantMissing(t, s, "nope")
	_, err := s.Get(ctx(t), "")
	wantErr(t, `Get("")`, err, metastore.ErrInvalid)
	_, err = s.Put(ctx(t), "", []byte("x"), metastore.Unconditional())
	wantErr(t, `Put("")`, err, metastore.ErrInvalid)
}

func testPutGet(t *testing.T, in Instance) {
	s := in.Store
	value := []byte("v1")
	r1, err := s.Put(ctx(t), "k", value, metastore.Unconditional())
	if err != nil {
		t.Fatal(err)
	}
	value[0] = 'X' // the store must have copied it
	kv := get(t, s, "k")
	if kv.Key != "k" || string(kv.Value) != "v1" || kv.ModRevision != r1 || kv.CreateRevision != r1 || kv.Lease != metastore.NoLease {
		t.Fatalf("after first put (rev %d): %+v", r1, kv)
	}
	r2 := put(t, s, "k", "v2", metastore.Unconditional())
	if r2 <= r1 {
		t.Fatalf("second put at revision %d, not after %d", r2, r1)
	}
	kv = get(t, s, "k")
	if string(kv.Value) != "v2" || kv.ModRevision != r2 || kv.CreateRevision != r1 {
		t.Fatalf("after overwrite: %+v, want value v2, mod %d, create %d", kv, r2, r1)
	}
	// Empty values are values.
	put(t, s, "empty", "", metastore.MustNotExist())
	if kv := get(t, s, "empty"); len(kv.Value) != 0 {
		t.Fatalf("empty value read back as %q", kv.Value)
	}
	// Binary keys and values round-trip.
	bin := []byte{0, 1, 0xff, '\n'}
	if _, err := s.Put(ctx(t), "bin/\xff\x00", bin, metastore.Unconditional()); err != nil {
		t.Fatal(err)
	}
	if kv := get(t, s, "bin/\xff\x00"); !bytes.Equal(kv.Value, bin) {
		t.Fatalf("binary value read back as %q", kv.Value)
	}
}

func testConditions(t *testing.T, in Instance) {
	s := in.Store
	r1 := put(t, s, "c", "1", metastore.MustNotExist())
	_, err := s.Put(ctx(t), "c", []byte("2"), metastore.MustNotExist())
	wantErr(t, "MustNotExist on existing key", err, metastore.ErrConflict)

	r2 := put(t, s, "c", "2", metastore.AtRevision(r1))
	_, err = s.Put(ctx(t), "c", []byte("3"), metastore.AtRevision(r1))
	wantErr(t, "AtRevision with a stale revision", err, metastore.ErrConflict)
	if kv := get(t, s, "c"); string(kv.Value) != "2" || kv.ModRevision != r2 {
		t.Fatalf("failed writes changed the key: %+v", kv)
	}

	// A failed write does not advance the store's revision past later ones.
	r3 := put(t, s, "other", "x", metastore.Unconditional())
	if r3 <= r2 {
		t.Fatalf("revision went from %d to %d", r2, r3)
	}

	_, err = s.Put(ctx(t), "fresh", []byte("x"), metastore.AtRevision(r3))
	wantErr(t, "AtRevision on a missing key", err, metastore.ErrConflict)
	put(t, s, "fresh", "x", metastore.AtRevision(0))
	_, err = s.Put(ctx(t), "fresh", []byte("y"), metastore.AtRevision(0))
	wantErr(t, "AtRevision(0) on an existing key", err, metastore.ErrConflict)
}

func testDelete(t *testing.T, in Instance) {
	s := in.Store
	r1 := put(t, s, "d", "1", metastore.Unconditional())
	r2 := put(t, s, "d", "2", metastore.Unconditional())
	err := s.Delete(ctx(t), "d", metastore.AtRevision(r1))
	wantErr(t, "Delete with a stale revision", err, metastore.ErrConflict)
	if kv := get(t, s, "d"); string(kv.Value) != "2" {
		t.Fatalf("failed delete changed the key: %+v", kv)
	}
	if err := s.Delete(ctx(t), "d", metastore.AtRevision(r2)); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, "d")
	if err := s.Delete(ctx(t), "d", metastore.Unconditional()); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	err = s.Delete(ctx(t), "d", metastore.AtRevision(r2))
	wantErr(t, "Delete AtRevision of a missing key", err, metastore.ErrConflict)

	// Re-creating a key starts a new life: a new CreateRevision.
	r3 := put(t, s, "d", "3", metastore.MustNotExist())
	if kv := get(t, s, "d"); kv.CreateRevision != r3 || kv.CreateRevision <= r1 {
		t.Fatalf("re-created key: %+v, want CreateRevision %d", kv, r3)
	}
}

func testTxnAtomic(t *testing.T, in Instance) {
	s := in.Store
	put(t, s, "t/b", "old", metastore.Unconditional())

	// One failing condition: nothing happens.
	_, err := s.Txn(ctx(t),
		metastore.PutOp("t/a", []byte("a"), metastore.MustNotExist()),
		metastore.PutOp("t/b", []byte("b"), metastore.MustNotExist()),
	)
	wantErr(t, "Txn with one failing condition", err, metastore.ErrConflict)
	wantMissing(t, s, "t/a")
	if kv := get(t, s, "t/b"); string(kv.Value) != "old" {
		t.Fatalf("failed txn changed t/b: %+v", kv)
	}

	// A failing check fails the whole transaction too.
	scope := put(t, s, "t/scope", "s", metastore.Unconditional())
	put(t, s, "t/scope", "s2", metastore.Unconditional())
	_, err = s.Txn(ctx(t),
		metastore.CheckOp("t/scope", metastore.AtRevision(scope)),
		metastore.PutOp("t/stream", []byte("x"), metastore.MustNotExist()),
	)
	wantErr(t, "Txn with a failing check", err, metastore.ErrConflict)
	wantMissing(t, s, "t/stream")

	// All conditions hold: every op applies at one revision.
	cur := get(t, s, "t/scope").ModRevision
	b := get(t, s, "t/b").ModRevision
	rev, err := s.Txn(ctx(t),
		metastore.CheckOp("t/scope", metastore.AtRevision(cur)),
		metastore.PutOp("t/stream", []byte("x"), metastore.MustNotExist()),
		metastore.PutOp("t/index", []byte("y"), metastore.Unconditional()),
		metastore.DeleteOp("t/b", metastore.AtRevision(b)),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"t/stream", "t/index"} {
		if kv := get(t, s, k); kv.ModRevision != rev {
			t.Fatalf("%s at revision %d, txn returned %d", k, kv.ModRevision, rev)
		}
	}
	wantMissing(t, s, "t/b")
	if kv := get(t, s, "t/scope"); kv.ModRevision != cur {
		t.Fatalf("a check changed its key: %+v", kv)
	}

	// A read-only transaction succeeds without writing.
	if _, err := s.Txn(ctx(t), metastore.CheckOp("t/stream", metastore.AtRevision(rev))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Txn(ctx(t)); err != nil {
		t.Fatalf("empty txn: %v", err)
	}
}

func testTxnInvalid(t *testing.T, in Instance) {
	s := in.Store
	_, err := s.Txn(ctx(t),
		metastore.PutOp("dup", []byte("1"), metastore.Unconditional()),
		metastore.DeleteOp("dup", metastore.Unconditional()),
	)
	wantErr(t, "Txn writing one key twice", err, metastore.ErrInvalid)

	ops := make([]metastore.Op, metastore.MaxTxnOps+1)
	for i := range ops {
		ops[i] = metastore.PutOp("many/"+string(rune('a'+i%26))+string(rune('a'+i/26)), nil, metastore.Unconditional())
	}
	_, err = s.Txn(ctx(t), ops...)
	wantErr(t, "Txn with too many ops", err, metastore.ErrInvalid)
	if _, err := s.Txn(ctx(t), ops[:metastore.MaxTxnOps]...); err != nil {
		t.Fatalf("Txn with MaxTxnOps ops: %v", err)
	}
	_, err = s.Txn(ctx(t), metastore.Op{})
	wantErr(t, "Txn with a zero Op", err, metastore.ErrInvalid)
}
