package journal_test

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

// appenders is how many goroutines per GOMAXPROCS append concurrently, each
// to its own container.
const appenders = 8

// benchAppend measures fire-and-forget appends from many goroutines on the
// OS filesystem, including the commit of everything at Close. Appenders are
// paced only by back-pressure, so this is the journal's throughput.
func benchAppend(b *testing.B, size int, noSync bool) {
	j, err := journal.Open(vfs.Default(), b.TempDir(), journal.Options{NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, size)
	var ids atomic.Uint32
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.SetParallelism(appenders)
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		l := j.Log(ids.Add(1))
		for pb.Next() {
			if _, err := l.Append(payload); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if err := j.Close(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	report(b, j.Stats(), time.Since(start))
}

func report(b *testing.B, st journal.Stats, elapsed time.Duration) {
	b.ReportMetric(float64(st.Records)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(st.Fsyncs)/elapsed.Seconds(), "fsyncs/s")
	if st.Batches > 0 {
		b.ReportMetric(float64(st.Records)/float64(st.Batches), "records/commit")
	}
}

func BenchmarkAppend100B(b *testing.B) {
	b.Run("fsync", func(b *testing.B) { benchAppend(b, 100, false) })
	b.Run("nosync", func(b *testing.B) { benchAppend(b, 100, true) })
}

func BenchmarkAppend4KiB(b *testing.B) {
	b.Run("fsync", func(b *testing.B) { benchAppend(b, 4096, false) })
	b.Run("nosync", func(b *testing.B) { benchAppend(b, 4096, true) })
}

// BenchmarkAppendWaitDurable100B is a closed loop: every appender waits
// until its record is durable before appending the next, like a container
// acknowledging writes. ns/op is therefore latency/appenders; group commit
// is what lets throughput grow with the number of appenders.
func BenchmarkAppendWaitDurable100B(b *testing.B) {
	j, err := journal.Open(vfs.Default(), b.TempDir(), journal.Options{})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 100)
	var ids atomic.Uint32
	b.SetBytes(100)
	b.ReportAllocs()
	b.SetParallelism(appenders)
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		l := j.Log(ids.Add(1))
		var durable atomic.Uint64
		wake := make(chan struct{}, 1)
		l.SetListener(func(seq uint64, err error) {
			durable.Store(seq)
			if err != nil {
				durable.Store(^uint64(0))
			}
			select {
			case wake <- struct{}{}:
			default:
			}
		})
		for pb.Next() {
			seq, err := l.Append(payload)
			if err != nil {
				b.Error(err)
				return
			}
			for durable.Load() < seq {
				<-wake
			}
		}
	})
	b.StopTimer()
	st := j.Stats()
	report(b, st, time.Since(start))
	if err := j.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFsync is the disk's cost of one 4 KiB append plus fsync, for
// context: a group commit costs about this much.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "f"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	b.SetBytes(4096)
	for b.Loop() {
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}
