package standalone_test

import (
	"fmt"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3/s3test"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/standalone"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestNodeOnS3 runs a node whose long-term storage is a real S3 server:
// data written over the wire is flushed to S3, and after a restart (with the
// journal truncated) it is read back from there.
func TestNodeOnS3(t *testing.T) {
	gw := s3test.StartGateway(t)
	dir := t.TempDir()
	start := func() *standalone.Node {
		n, err := standalone.Start(t.Context(), standalone.Config{
			DataDir: dir, ControllerAddress: "127.0.0.1:0", SegmentStoreAddress: "127.0.0.1:0",
			Storage: gw.Storage(t, func(c *s3.Config) { c.Prefix = "node" }),
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := start()
	c := sstest.Dial(t, n.SegmentStoreAddr().String())
	seg := "s3/stream/0.#epoch.0"
	c.Create(seg)
	w := wire.UUID{9}
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: w, Segment: seg})
	sstest.Expect[*wire.AppendSetup](c)
	var names []string
	for i := range 500 {
		names = append(names, fmt.Sprintf("event-%03d", i))
	}
	c.Send(&wire.AppendBlockEnd{WriterID: w, Data: sstest.Events(names...), NumEvents: 500, LastEventNumber: 500, RequestID: 1})
	sstest.Expect[*wire.DataAppended](c)
	for id := range 4 {
		c.Send(&wire.FlushToStorage{ContainerID: int32(id), RequestID: int64(id)})
		sstest.Expect[*wire.StorageFlushed](c)
	}
	objs, err := lts.ListAll(t.Context(), gw.Storage(t, func(c *s3.Config) { c.Prefix = "node" }), lts.SegmentPrefix(seg))
	if err != nil || len(objs) < 2 {
		t.Fatalf("objects in S3 for %s: %v %v (want a chunk and a metadata object)", seg, objs, err)
	}
	c.Close()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	n = start()
	defer n.Close()
	c = sstest.Dial(t, n.SegmentStoreAddr().String())
	events, err := sstest.SplitEvents(sstest.ReadAll(c, seg))
	if err != nil || len(events) != 500 || events[499] != "event-499" {
		t.Fatalf("after restart: %d events, %v", len(events), err)
	}
}
