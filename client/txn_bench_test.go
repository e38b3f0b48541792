package client

import (
	"testing"
	"time"
)

// BenchmarkTxnBegin16Segments: begin, write 100 events and commit
// transactions on a stream of 16 segments, one after another; reports the
// time to begin one (the controller creates a transaction segment per
// stream segment).
func BenchmarkTxnBegin16Segments(b *testing.B) {
	c := newTestClient(b)
	ctx := b.Context()
	scope, stream := newStream(b, c, 16)
	event := make([]byte, 100)
	var begin time.Duration
	for b.Loop() {
		t0 := time.Now()
		tx, err := c.BeginTxn(ctx, scope, stream, TxnConfig{})
		if err != nil {
			b.Fatal(err)
		}
		begin += time.Since(t0)
		for i := range 100 {
			if err := tx.Write(ctx, string(rune('a'+i%26)), event); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(begin.Microseconds())/float64(b.N)/1000, "begin-ms")
}
