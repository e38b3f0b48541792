package segmentstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3/s3test"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestS3OutageTurnsIntoBackPressure stops the S3 server (versitygw) for 30 s
// (SLUICE_OUTAGE_SECONDS) while a writer appends at 10 MB/s: appends go on
// into the journal up to the unflushed limit and then wait, the metrics
// show the back-pressure, and once S3 is back the writer resumes and the
// storage writer catches up. Everything acknowledged reads back intact.
func TestS3OutageTurnsIntoBackPressure(t *testing.T) {
	if testing.Short() {
		t.Skip("30 s outage")
	}
	outage := 30 * time.Second
	if s, err := strconv.Atoi(os.Getenv("SLUICE_OUTAGE_SECONDS")); err == nil {
		outage = time.Duration(s) * time.Second
	}
	gw := s3test.StartGateway(t)
	reg := metrics.NewRegistry()
	const limit = 64 << 20 // node-wide; a quarter per container
	const perContainer = limit / 4
	st, err := segmentstore.Start(context.Background(), segmentstore.Config{
		DataDir: t.TempDir(), Address: "127.0.0.1:0", Storage: gw.Storage(t, nil), Metrics: reg,
		Tiering: container.Tiering{MaxUnflushed: limit, FlushInterval: 100 * time.Millisecond, CacheBudget: 8 << 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	c := sstest.Dial(t, st.Addr().String())
	defer c.Close()
	const seg = "outage/s/0.#epoch.0"
	c.Create(seg)
	writer := wire.UUID{0x0a}
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: writer, Segment: seg})
	sstest.Expect[*wire.AppendSetup](c)
	acks := make(chan int64, 64)
	go func() {
		defer close(acks)
		for {
			r, err := c.TryRecv(outage + time.Minute)
			if err != nil {
				return
			}
			if a, ok := r.(*wire.DataAppended); ok {
				acks <- a.EventNumber
			}
		}
	}()

	// The writer appends 256 KiB blocks, 40 a second, with up to 8 in
	// flight until told to stop, then waits for every acknowledgement.
	const block = 256 << 10
	pace := time.NewTicker(25 * time.Millisecond)
	defer pace.Stop()
	stop := make(chan struct{})
	type result struct {
		sent, acked int64
		sum         []byte
	}
	done := make(chan result, 1)
	progress := make(chan int64, 1) // the latest acknowledged block
	ack := func(n int64) {
		select {
		case <-progress:
		default:
		}
		progress <- n
	}
	go func() {
		h := sha256.New()
		buf := make([]byte, block)
		var sent, acked int64
		for {
			select {
			case <-stop:
				for acked < sent {
					if _, ok := <-acks; !ok {
						break
					}
					acked++
				}
				done <- result{sent, acked, h.Sum(nil)}
				return
			default:
			}
			for sent-acked >= 8 {
				if _, ok := <-acks; !ok {
					done <- result{sent, acked, nil}
					return
				}
				acked++
				ack(acked)
			}
			<-pace.C
			sent++
			for i := 0; i < block; i += 8 {
				binary.LittleEndian.PutUint64(buf[i:], uint64(sent)*0x9e3779b97f4a7c15^uint64(i))
			}
			h.Write(buf)
			c.Send(&wire.AppendBlockEnd{WriterID: writer, Data: buf, NumEvents: 1, LastEventNumber: sent, RequestID: sent})
		}
	}()

	time.Sleep(2 * time.Second) // the writer runs with S3 up (the scenario is timed)
	before := appended(t, reg)
	gw.Stop()
	t.Logf("S3 stopped after %d MiB written", int64(before)>>20)
	time.Sleep(outage)
	during := appended(t, reg)
	families := gather(t, reg)
	waiting := sum(families["sluice_lts_backpressure_waiting_appends"])
	t.Logf("during the %v outage: %d MiB appended (container limit %d MiB), %v appends waiting, %v chunk writes failed",
		outage, int64(during-before)>>20, perContainer>>20, waiting, sum(families["sluice_lts_write_errors_total"]))
	if waiting < 1 {
		t.Errorf("no append waits at the end of the outage (%v MiB appended during it)", (during-before)/(1<<20))
	}
	// The journal absorbed writes up to the container's limit, not beyond.
	if u := sum(families["sluice_lts_unflushed_bytes"]); u < perContainer || u > perContainer+8*block {
		t.Errorf("%v MiB unflushed at the end of the outage; the container's limit is %d MiB", u/(1<<20), perContainer>>20)
	}

	var atRestart int64
	select {
	case atRestart = <-progress:
	default:
	}
	gw.Restart()
	resumed := time.Now()
	for n := range progress { // the writer moves again
		if n >= atRestart+32 {
			break
		}
	}
	t.Logf("writes resumed %v after S3 came back", time.Since(resumed).Round(time.Millisecond))
	time.Sleep(time.Second)
	close(stop)
	res := <-done
	if res.sum == nil || res.acked != res.sent {
		t.Fatalf("connection lost: %d blocks sent, %d acknowledged", res.sent, res.acked)
	}
	for id := range 4 { // the storage writer catches up: everything in LTS
		c2 := sstest.Dial(t, st.Addr().String())
		c2.Send(&wire.FlushToStorage{RequestID: 1, ContainerID: int32(id)})
		sstest.Expect[*wire.StorageFlushed](c2)
		c2.Close()
	}
	families = gather(t, reg)
	if u := sum(families["sluice_lts_unflushed_bytes"]); u != 0 {
		t.Errorf("%v bytes still unflushed after the flush", u)
	}
	if e := sum(families["sluice_lts_backpressure_episodes_total"]); e < 1 {
		t.Errorf("no back-pressure episode recorded")
	}

	rc := sstest.Dial(t, st.Addr().String())
	defer rc.Close()
	read := sha256.New()
	total := res.sent * block
	for off := int64(0); off < total; {
		rc.Send(&wire.ReadSegment{Segment: seg, Offset: off, SuggestedLength: 1 << 20, RequestID: off})
		r := sstest.Expect[*wire.SegmentRead](rc)
		if len(r.Data) == 0 {
			t.Fatalf("empty read at %d of %d", off, total)
		}
		read.Write(r.Data)
		off += int64(len(r.Data))
	}
	if !bytes.Equal(read.Sum(nil), res.sum) {
		t.Fatal("data read back differs from data acknowledged")
	}
	t.Logf("%d MiB acknowledged and read back; back-pressure for %.1f s", total>>20,
		sum(families["sluice_lts_backpressure_seconds_total"]))
}

// appended is the node's durable append bytes so far.
func appended(t *testing.T, reg *prometheus.Registry) float64 {
	return sum(gather(t, reg)["sluice_container_appended_bytes_total"])
}
