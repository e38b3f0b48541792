package client

import (
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
