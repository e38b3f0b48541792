// Package ltstest is the contract suite that every lts.ChunkStorage backend
// passes, and a shared throughput benchmark.
package ltstest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// Run runs the contract suite. newStorage is called once per subtest and
// must return an empty storage (for example a fresh directory, bucket or key
// prefix); it registers its own cleanup with t.
func Run(t *testing.T, newStorage func(t *testing.T) lts.ChunkStorage) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s lts.ChunkStorage)
	}{
		{"PutReadStat", testPutReadStat},
		{"ReadRanges", testReadRanges},
		{"EmptyChunk", testEmptyChunk},
		{"NotFound", testNotFound},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"SegmentLikeNames", testSegmentLikeNames},
		{"InvalidNames", testInvalidNames},
		{"ListPrefix", testListPrefix},
		{"ListStopEarly", testListStopEarly},
		{"Large", testLarge},
		{"ConcurrentReadersDuringWrites", testConcurrentReaders},
		{"CanceledContext", testCanceledContext},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, newStorage(t))
		})
	}
}

// payload returns n deterministic pseudo-random bytes.
func payload(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func put(t *testing.T, s lts.ChunkStorage, name string, data []byte) {
	t.Helper()
	if err := s.Put(t.Context(), name, data); err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", name, len(data), err)
	}
}

// readAll reads the whole chunk through ReadAt and checks Stat agrees.
func readAll(t *testing.T, s lts.ChunkStorage, name string) []byte {
	t.Helper()
	info, err := s.Stat(t.Context(), name)
	if err != nil {
		t.Fatalf("Stat(%q): %v", name, err)
	}
	if info.Name != name {
		t.Fatalf("Stat(%q).Name = %q", name, info.Name)
	}
	buf := make([]byte, info.Size)
	n, err := s.ReadAt(t.Context(), name, buf, 0)
	if err != nil && (!errors.Is(err, io.EOF) || n != len(buf)) {
		t.Fatalf("ReadAt(%q, 0, %d bytes) = %d, %v", name, len(buf), n, err)
	}
	return buf[:n]
}

func wantContent(t *testing.T, s lts.ChunkStorage, name string, want []byte) {
	t.Helper()
	if got := readAll(t, s, name); !bytes.Equal(got, want) {
		t.Fatalf("chunk %q: got %d bytes %s, want %d bytes %s", name, len(got), head(got), len(want), head(want))
	}
}

func head(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return "[" + string(bytes.ToValidUTF8(b, []byte("?"))) + "...]"
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

// background is a context for goroutines that must not use t.Context after
// the test ends.
func background() context.Context { return context.Background() }
