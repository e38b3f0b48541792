package client

import (
	"strconv"
	"testing"
)

// BenchmarkWriter100B: one writer, one segment, 100-byte events, measured
// from the first Write to the acknowledgement of the last (Flush).
func BenchmarkWriter100B(b *testing.B) {
	c := newTestClient(b)
	ctx := b.Context()
	scope, stream := newStream(b, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		b.Fatal(err)
	}
	event := make([]byte, 100)
	b.SetBytes(int64(len(event)))
	b.ResetTimer()
	for b.Loop() {
		if err := w.Write(ctx, "key", event); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.StopTimer()
	if err := w.Close(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWriter16Segments1KiB: one writer, a stream of 16 segments,
// 1 KiB events over 1,024 routing keys (so every segment is written),
// measured up to the acknowledgement of the last event.
func BenchmarkWriter16Segments1KiB(b *testing.B) {
	c := newTestClient(b)
	ctx := b.Context()
	scope, stream := newStream(b, c, 16)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	event := make([]byte, 1024)
	b.SetBytes(int64(len(event)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if err := w.Write(ctx, keys[i%len(keys)], event); err != nil {
			b.Fatal(err)
		}
		i++
	}
	if err := w.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.StopTimer()
	if err := w.Close(ctx); err != nil {
		b.Fatal(err)
	}
}
