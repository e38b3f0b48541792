package metastoretest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/metastore"
)

func testListPagination(t *testing.T, in Instance) {
	s := in.Store
	var want []string
	for i := range 23 {
		k := fmt.Sprintf("scopes/s%02d", i)
		want = append(want, k)
	}
	// Write in an order unlike the key order, in transactions and singly.
	for i := len(want) - 1; i >= 0; i -= 2 {
		put(t, s, want[i], "v", metastore.MustNotExist())
	}
	var ops []metastore.Op
	for i := len(want) - 2; i >= 0; i -= 2 {
		ops = append(ops, metastore.PutOp(want[i], []byte("v"), metastore.MustNotExist()))
	}
	if _, err := s.Txn(ctx(t), ops...); err != nil {
		t.Fatal(err)
	}

	all, err := s.List(ctx(t), "scopes/", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys(all), want) {
		t.Fatalf("List = %q, want %q", keys(all), want)
	}

	for _, pageSize := range []int{1, 5, 7, 23, 100} {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > len(want)+1 {
				t.Fatalf("page size %d: pagination does not end", pageSize)
			}
			page, err := s.List(ctx(t), "scopes/", after, pageSize)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > pageSize {
				t.Fatalf("page size %d: got %d keys", pageSize, len(page))
			}
			if len(page) == 0 {
				break
			}
			got = append(got, keys(page)...)
			after = page[len(page)-1].Key
		}
		if !slices.Equal(got, want) {
			t.Fatalf("page size %d: pages = %q, want %q", pageSize, got, want)
		}
	}

	page, err := s.List(ctx(t), "scopes/", "scopes/s20", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys(page), want[21:]) {
		t.Fatalf("after s20: %q", keys(page))
	}
	// A startAfter that is not a key, or before the prefix.
	page, err = s.List(ctx(t), "scopes/", "scopes/s05x", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys(page), want[6:8]) {
		t.Fatalf("after s05x: %q", keys(page))
	}
	page, err = s.List(ctx(t), "scopes/", "a", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys(page), want[:1]) {
		t.Fatalf("after a: %q", keys(page))
	}
	page, err = s.List(ctx(t), "scopes/", "scopes/s99", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 0 {
		t.Fatalf("after the last key: %q", keys(page))
	}
	page, err = s.List(ctx(t), "scopes/", "zzz", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 0 {
		t.Fatalf("after the prefix: %q", keys(page))
	}
	// KVs in a listing carry values and revisions.
	if kv := all[0]; string(kv.Value) != "v" || kv.ModRevision == 0 || kv.CreateRevision != kv.ModRevision {
		t.Fatalf("listed KV: %+v", kv)
	}
}

func testPrefixIsolation(t *testing.T, in Instance) {
	s := in.Store
	for _, k := range []string{"p", "p/", "p/a", "p/a/b", "p/b", "p0", "p0/a", "o/z", "q", "p/\xff"} {
		put(t, s, k, k, metastore.Unconditional())
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"p/", []string{"p/", "p/a", "p/a/b", "p/b", "p/\xff"}},
		{"p/a", []string{"p/a", "p/a/b"}},
		{"p/a/", []string{"p/a/b"}},
		{"p0/", []string{"p0/a"}},
		{"p", []string{"p", "p/", "p/a", "p/a/b", "p/b", "p/\xff", "p0", "p0/a"}},
		{"r", nil},
		{"", []string{"o/z", "p", "p/", "p/a", "p/a/b", "p/b", "p/\xff", "p0", "p0/a", "q"}},
	} {
		got, err := s.List(ctx(t), tc.prefix, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(keys(got), tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.prefix, keys(got), tc.want)
		}
	}
	page, err := s.List(ctx(t), "", "p/b", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys(page), []string{"p/\xff", "p0"}) {
		t.Errorf(`List("", after p/b, 2) = %q`, keys(page))
	}
}
