package server_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// BenchmarkTableConditionalUpdate measures conditional single-key updates
// per second on one table segment: each parallel client (own connection)
// updates its own key with the version it got last, one request at a time,
// with fsync on.
func BenchmarkTableConditionalUpdate(b *testing.B) {
	st := startStoreB(b)
	const seg = "sc/bench_kvtable/0.#epoch.0"
	newTableB(b, st, seg)
	var clients atomic.Int64
	value := make([]byte, 100)
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := sstest.Dial(b, st)
		k := []byte(fmt.Sprintf("client-%d", clients.Add(1)))
		version := wire.NotExists
		id := int64(0)
		for pb.Next() {
			id++
			c.Send(&wire.UpdateTableEntries{RequestID: id, Segment: seg, TableSegmentOffset: -1,
				Entries: []wire.TableEntry{{Key: wire.TableKey{Key: k, Version: version}, Value: value}}})
			r, ok := c.Recv().(*wire.TableEntriesUpdated)
			if !ok {
				b.Error("conditional update failed")
				return
			}
			version = r.UpdatedVersions[0]
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkTableRead measures single-key ReadTable requests per second on one
// table segment of 10k keys.
func BenchmarkTableRead(b *testing.B) {
	st := startStoreB(b)
	const seg = "sc/bench_kvtable/0.#epoch.0"
	c := newTableB(b, st, seg)
	const keys = 10_000
	value := make([]byte, 100)
	for i := 0; i < keys; i += 1000 {
		var es []wire.TableEntry
		for j := i; j < i+1000; j++ {
			es = append(es, wire.TableEntry{Key: wire.TableKey{Key: []byte(fmt.Sprintf("key-%d", j)), Version: wire.NoVersion}, Value: value})
		}
		c.Send(&wire.UpdateTableEntries{RequestID: 1, Segment: seg, Entries: es, TableSegmentOffset: -1})
		sstest.Expect[*wire.TableEntriesUpdated](c)
	}
	var clients atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := sstest.Dial(b, st)
		n := int(clients.Add(1)) * 7919
		id := int64(0)
		for pb.Next() {
			id++
			n++
			c.Send(&wire.ReadTable{RequestID: id, Segment: seg,
				Keys: []wire.TableKey{{Key: []byte(fmt.Sprintf("key-%d", n%keys)), Version: wire.NoVersion}}})
			r, ok := c.Recv().(*wire.TableRead)
			if !ok || r.Entries[0].Key.Version == wire.NotExists {
				b.Error("read failed")
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}

func startStoreB(b *testing.B) string {
	b.Helper()
	st, err := segmentstore.Start(b.Context(), segmentstore.Config{DataDir: b.TempDir(), Address: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	return st.Addr().String()
}

func newTableB(b *testing.B, addr, seg string) *sstest.Conn {
	c := sstest.Dial(b, addr)
	c.Send(&wire.CreateTableSegment{RequestID: 1, Segment: seg})
	sstest.Expect[*wire.SegmentCreated](c)
	return c
}
