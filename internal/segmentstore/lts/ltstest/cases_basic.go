package ltstest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

func testPutReadStat(t *testing.T, s lts.ChunkStorage) {
	data := payload(1, 1000)
	put(t, s, "a/b/c", data)
	wantContent(t, s, "a/b/c", data)
	info, err := s.Stat(t.Context(), "a/b/c")
	if err != nil || info.Size != 1000 {
		t.Fatalf("Stat = %+v, %v; want size 1000", info, err)
	}
	// Put must not keep the caller's buffer.
	data[0] ^= 0xff
	if got := readAll(t, s, "a/b/c"); got[0] == data[0] {
		t.Fatalf("chunk changed when the caller reused its buffer")
	}
}

func testReadRanges(t *testing.T, s lts.ChunkStorage) {
	const size = 1000
	data := payload(2, size)
	put(t, s, "r/chunk", data)
	for _, c := range []struct {
		off, n  int64
		wantN   int
		wantEOF bool
	}{
		{0, 10, 10, false},
		{990, 10, 10, false},
		{500, 500, 500, false},
		{1, 998, 998, false},
		{995, 10, 5, true},    // short read at the end
		{0, 2000, 1000, true}, // larger than the chunk
		{1000, 1, 0, true},    // at the end
		{5000, 7, 0, true},    // beyond the end
		{999, 1, 1, false},
	} {
		t.Run(fmt.Sprintf("off=%d,n=%d", c.off, c.n), func(t *testing.T) {
			p := make([]byte, c.n)
			n, err := s.ReadAt(t.Context(), "r/chunk", p, c.off)
			if n != c.wantN {
				t.Fatalf("n = %d, want %d (err %v)", n, c.wantN, err)
			}
			if c.wantEOF != errors.Is(err, io.EOF) || (!c.wantEOF && err != nil) {
				t.Fatalf("err = %v, want EOF %v", err, c.wantEOF)
			}
			if n > 0 && !bytes.Equal(p[:n], data[c.off:c.off+int64(n)]) {
				t.Fatalf("wrong bytes at %d", c.off)
			}
		})
	}
	n, err := s.ReadAt(t.Context(), "r/chunk", nil, 10)
	if n != 0 || err != nil {
		t.Fatalf("ReadAt(empty p) = %d, %v; want 0, nil", n, err)
	}
	_, err = s.ReadAt(t.Context(), "r/chunk", make([]byte, 1), -1)
	wantErr(t, "ReadAt(off=-1)", err, lts.ErrBadOffset)
}

func testEmptyChunk(t *testing.T, s lts.ChunkStorage) {
	put(t, s, "e/empty", nil)
	info, err := s.Stat(t.Context(), "e/empty")
	if err != nil || info.Size != 0 {
		t.Fatalf("Stat = %+v, %v; want size 0", info, err)
	}
	n, err := s.ReadAt(t.Context(), "e/empty", make([]byte, 4), 0)
	if n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("ReadAt = %d, %v; want 0, EOF", n, err)
	}
	infos, err := lts.ListAll(t.Context(), s, "e/")
	if err != nil || len(infos) != 1 || infos[0] != (lts.ChunkInfo{Name: "e/empty"}) {
		t.Fatalf("List = %+v, %v", infos, err)
	}
}

func testNotFound(t *testing.T, s lts.ChunkStorage) {
	put(t, s, "nf/present", []byte("x"))
	for _, name := range []string{"nf/absent", "nf", "other/x/y"} {
		_, err := s.Stat(t.Context(), name)
		wantErr(t, "Stat("+name+")", err, lts.ErrNotFound)
		_, err = s.ReadAt(t.Context(), name, make([]byte, 1), 0)
		wantErr(t, "ReadAt("+name+")", err, lts.ErrNotFound)
		_, err = s.ReadAt(t.Context(), name, nil, 0)
		wantErr(t, "ReadAt("+name+", empty)", err, lts.ErrNotFound)
	}
}

func testOverwrite(t *testing.T, s lts.ChunkStorage) {
	put(t, s, "o/x", payload(3, 100))
	second := payload(4, 30)
	put(t, s, "o/x", second)
	wantContent(t, s, "o/x", second)
}

func testDelete(t *testing.T, s lts.ChunkStorage) {
	put(t, s, "d/seg/1", []byte("one"))
	put(t, s, "d/seg/2", []byte("two"))
	if err := s.Delete(t.Context(), "d/seg/1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Stat(t.Context(), "d/seg/1")
	wantErr(t, "Stat after Delete", err, lts.ErrNotFound)
	wantContent(t, s, "d/seg/2", []byte("two"))
	if err := s.Delete(t.Context(), "d/seg/1"); err != nil {
		t.Fatalf("second Delete: %v, want nil", err)
	}
	if err := s.Delete(t.Context(), "d/never/was"); err != nil {
		t.Fatalf("Delete of a missing chunk: %v, want nil", err)
	}
	// Deleting the last chunk under a path and writing there again works.
	if err := s.Delete(t.Context(), "d/seg/2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	put(t, s, "d/seg/3", []byte("three"))
	wantContent(t, s, "d/seg/3", []byte("three"))
	infos, err := lts.ListAll(t.Context(), s, "d/")
	if err != nil || len(infos) != 1 || infos[0].Name != "d/seg/3" {
		t.Fatalf("List after deletes = %+v, %v", infos, err)
	}
}

// segmentLikeNames are chunk names shaped like the layout in doc.go, with
// the characters Pravega segment names use.
var segmentLikeNames = []string{
	"segments/scope/stream/0.#epoch.0/@00000000000000000000.0000000001",
	"segments/scope/stream/0.#epoch.0/@meta",
	"segments/scope/stream/0.#epoch.0#transaction.00ab12cd34ef56789abcdef012345678/@00000000000000004096.0000000002",
	"segments/_system/containers/metadata_3/@00000000000000000000.0000000007",
	"segments/scope-1/my_stream.v2/12.#epoch.3/@00000000000001048576.0000000001",
	"segments/sc%C3%A9ne/str%20eam/1.#epoch.0/@meta",
	"segments/unicode-é/ü/@meta",
	"segments/spaces and+plus=eq&amp;!/@meta",
}

func testSegmentLikeNames(t *testing.T, s lts.ChunkStorage) {
	for i, name := range segmentLikeNames {
		if err := lts.ValidateName(name); err != nil {
			t.Fatalf("ValidateName: %v", err)
		}
		put(t, s, name, payload(uint64(100+i), 10+i))
	}
	for i, name := range segmentLikeNames {
		wantContent(t, s, name, payload(uint64(100+i), 10+i))
	}
	// A segment's own chunks are listed with a trailing "/": without it the
	// prefix also matches its transactions ('#' sorts before '/').
	for _, c := range []struct {
		prefix string
		want   []string
	}{
		{"segments/scope/stream/0.#epoch.0/", []string{segmentLikeNames[0], segmentLikeNames[1]}},
		{"segments/scope/stream/0.#epoch.0", []string{segmentLikeNames[2], segmentLikeNames[0], segmentLikeNames[1]}},
	} {
		infos, err := lts.ListAll(t.Context(), s, c.prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", c.prefix, err)
		}
		if got := names(infos); !equal(got, c.want) {
			t.Fatalf("List(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
}

func testInvalidNames(t *testing.T, s lts.ChunkStorage) {
	for _, name := range []string{"", "/a", "a/", "a//b", "a/./b", "a/../b", "..", ".", "a\x00b", "a\nb",
		"a/.lts-tmp", strings.Repeat("ab/", lts.MaxNameLen/3) + "xy", strings.Repeat("c", lts.MaxComponentLen+1), "\xff\xfe"} {
		wantErr(t, fmt.Sprintf("Put(%q)", name), s.Put(t.Context(), name, []byte("x")), lts.ErrInvalidName)
		_, err := s.Stat(t.Context(), name)
		wantErr(t, fmt.Sprintf("Stat(%q)", name), err, lts.ErrInvalidName)
		_, err = s.ReadAt(t.Context(), name, make([]byte, 1), 0)
		wantErr(t, fmt.Sprintf("ReadAt(%q)", name), err, lts.ErrInvalidName)
		wantErr(t, fmt.Sprintf("Delete(%q)", name), s.Delete(t.Context(), name), lts.ErrInvalidName)
	}
}
