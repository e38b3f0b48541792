package ltstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

func testLarge(t *testing.T, s lts.ChunkStorage) {
	const size = 20 << 20
	data := payload(5, size)
	put(t, s, "big/chunk", data)
	info, err := s.Stat(t.Context(), "big/chunk")
	if err != nil || info.Size != size {
		t.Fatalf("Stat = %+v, %v; want size %d", info, err, size)
	}
	for _, off := range []int64{0, 1, 5<<20 - 3, 16 << 20, size - 4096} {
		p := make([]byte, 64<<10)
		n, err := s.ReadAt(t.Context(), "big/chunk", p, off)
		want := data[off:min(off+int64(len(p)), size)]
		if n != len(want) || (n < len(p)) != errors.Is(err, io.EOF) || !bytes.Equal(p[:n], want) {
			t.Fatalf("ReadAt(off=%d) = %d, %v; want %d bytes", off, n, err, len(want))
		}
	}
	wantContent(t, s, "big/chunk", data)
}

// testConcurrentReaders reads ranges of a chunk while a writer keeps
// replacing it (same size, different contents) and writing other chunks.
// Every read must return bytes of one complete version.
func testConcurrentReaders(t *testing.T, s lts.ChunkStorage) {
	const (
		size     = 256 << 10
		versions = 6
		readers  = 4
		reads    = 25
	)
	contents := make([][]byte, versions)
	for v := range contents {
		contents[v] = payload(uint64(1000+v), size)
	}
	put(t, s, "cc/hot", contents[0])

	ctx, cancel := context.WithCancel(background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, readers+1)
	wg.Go(func() {
		for v := 1; v < versions; v++ {
			if err := s.Put(ctx, "cc/hot", contents[v]); err != nil {
				errs <- fmt.Errorf("put hot v%d: %w", v, err)
				return
			}
			if err := s.Put(ctx, fmt.Sprintf("cc/cold/%d", v), contents[v][:1000]); err != nil {
				errs <- fmt.Errorf("put cold %d: %w", v, err)
				return
			}
		}
	})
	for r := range readers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 7))
			for range reads {
				off := rng.Int64N(size)
				p := make([]byte, 1+rng.IntN(64<<10))
				n, err := s.ReadAt(ctx, "cc/hot", p, off)
				if err != nil && !errors.Is(err, io.EOF) {
					errs <- fmt.Errorf("ReadAt(%d): %w", off, err)
					return
				}
				if want := min(int64(len(p)), size-off); int64(n) != want {
					errs <- fmt.Errorf("ReadAt(%d, %d bytes) = %d, want %d", off, len(p), n, want)
					return
				}
				if !matchesSomeVersion(contents, p[:n], off) {
					errs <- fmt.Errorf("ReadAt(%d, %d bytes) returned bytes of no single version", off, n)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wantContent(t, s, "cc/hot", contents[versions-1])
}

func matchesSomeVersion(contents [][]byte, got []byte, off int64) bool {
	for _, c := range contents {
		if bytes.Equal(got, c[off:off+int64(len(got))]) {
			return true
		}
	}
	return false
}

func testCanceledContext(t *testing.T, s lts.ChunkStorage) {
	put(t, s, "ctx/x", []byte("x"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	wantErr(t, "Put", s.Put(ctx, "ctx/y", []byte("y")), context.Canceled)
	_, err := s.ReadAt(ctx, "ctx/x", make([]byte, 1), 0)
	wantErr(t, "ReadAt", err, context.Canceled)
	_, err = s.Stat(ctx, "ctx/x")
	wantErr(t, "Stat", err, context.Canceled)
	wantErr(t, "Delete", s.Delete(ctx, "ctx/x"), context.Canceled)
	_, err = lts.ListAll(ctx, s, "ctx/")
	wantErr(t, "List", err, context.Canceled)
	// Nothing happened.
	wantContent(t, s, "ctx/x", []byte("x"))
	_, err = s.Stat(t.Context(), "ctx/y")
	wantErr(t, "Stat(ctx/y)", err, lts.ErrNotFound)
}
