package ltstest

import (
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

func names(infos []lts.ChunkInfo) []string {
	out := make([]string, len(infos))
	for i, info := range infos {
		out[i] = info.Name
	}
	return out
}

func equal(a, b []string) bool { return slices.Equal(a, b) }

func testListPrefix(t *testing.T, s lts.ChunkStorage) {
	all := []string{
		"l/a", "l/a.b", "l/ab/x", "l/a0", "l/b/c/d/e", "l/b/c/f", "l/b.c", "m/z",
		"l/seg/@00000000000000000000", "l/seg/@00000000000000000010", "l/seg/@00000000000000000002",
	}
	for i, name := range all {
		put(t, s, name, payload(uint64(i), i+1))
	}
	sorted := slices.Sorted(slices.Values(all))
	for _, c := range []struct {
		prefix string
		want   []string
	}{
		{"", sorted},
		{"l/", sorted[:len(sorted)-1]},
		{"l/a", []string{"l/a", "l/a.b", "l/a0", "l/ab/x"}},
		{"l/a/", nil},
		{"l/b", []string{"l/b.c", "l/b/c/d/e", "l/b/c/f"}},
		{"l/b/c/", []string{"l/b/c/d/e", "l/b/c/f"}},
		{"l/b/c/d/e", []string{"l/b/c/d/e"}},
		{"l/seg/", []string{"l/seg/@00000000000000000000", "l/seg/@00000000000000000002", "l/seg/@00000000000000000010"}},
		{"nothing", nil},
		{"nothing/here/", nil},
	} {
		infos, err := lts.ListAll(t.Context(), s, c.prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", c.prefix, err)
		}
		if got := names(infos); !equal(got, c.want) {
			t.Fatalf("List(%q) = %q, want %q", c.prefix, got, c.want)
		}
		for _, info := range infos {
			if want := int64(slices.Index(all, info.Name) + 1); info.Size != want {
				t.Fatalf("List(%q): %q has size %d, want %d", c.prefix, info.Name, info.Size, want)
			}
		}
	}
}

func testListStopEarly(t *testing.T, s lts.ChunkStorage) {
	for _, name := range []string{"s/1", "s/2", "s/3"} {
		put(t, s, name, []byte(name))
	}
	var got []string
	for info, err := range s.List(t.Context(), "s/") {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		got = append(got, info.Name)
		if len(got) == 2 {
			break
		}
	}
	if !equal(got, []string{"s/1", "s/2"}) {
		t.Fatalf("got %q", got)
	}
}
