package ltstest

import (
	"fmt"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// BenchmarkChunkSize is the chunk size of Bench: a typical storage-writer
// flush.
const BenchmarkChunkSize = 8 << 20

// Bench measures sequential throughput: "Put" writes BenchmarkChunkSize
// chunks one after another (each durable before the next starts), "Read"
// reads them back whole, one ReadAt per chunk.
func Bench(b *testing.B, s lts.ChunkStorage) {
	data := payload(42, BenchmarkChunkSize)
	name := func(i int) string { return fmt.Sprintf("bench/seg/@%020d", int64(i)*BenchmarkChunkSize) }
	b.Run("Put", func(b *testing.B) {
		b.SetBytes(BenchmarkChunkSize)
		i := 0
		for b.Loop() {
			if err := s.Put(b.Context(), name(i%16), data); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	const stored = 8
	for i := range stored {
		if err := s.Put(b.Context(), name(i), data); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(BenchmarkChunkSize)
		p := make([]byte, BenchmarkChunkSize)
		i := 0
		for b.Loop() {
			if n, err := s.ReadAt(b.Context(), name(i%stored), p, 0); err != nil || n != len(p) {
				b.Fatalf("ReadAt = %d, %v", n, err)
			}
			i++
		}
	})
}
