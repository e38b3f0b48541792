package segments_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/segments/sstub"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/wire"
)

func startStore(t *testing.T) string {
	t.Helper()
	ss, err := segmentstore.Start(context.Background(), segmentstore.Config{DataDir: t.TempDir(),
		Address: "127.0.0.1:0", ContainerCount: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	return ss.Addr().String()
}

func newClient(t *testing.T, addr string) *segments.Client {
	t.Helper()
	c := segments.New(segments.Config{Resolver: segments.Static(addr), ContainerCount: 4,
		Backoff: segments.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond, Attempts: 5}})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestLifecycleAgainstSegmentStore(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, startStore(t))
	seg := "s/st/0.#epoch.0"
	pol := segments.Policy{Type: wire.ScaleThroughput, Rate: 100}
	for range 2 { // second create: SegmentAlreadyExists is success
		if err := c.CreateSegment(ctx, seg, pol, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.UpdateSegmentPolicy(ctx, seg, segments.Policy{}); err != nil {
		t.Fatal(err)
	}
	info, err := c.GetStreamSegmentInfo(ctx, seg)
	if err != nil || info.Sealed || info.Length != 0 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	if err := c.TruncateSegment(ctx, seg, 0); err != nil {
		t.Fatal(err)
	}
	txn := seg + "#transaction.00000000000000000000000000000001"
	if err := c.CreateSegment(ctx, txn, segments.Policy{}, 0); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a retried merge: the missing source counts as merged
		if _, err := c.MergeSegmentsBatch(ctx, seg, []string{txn}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := c.SealSegment(ctx, seg); err != nil {
			t.Fatal(err)
		}
	}
	if info, err := c.GetStreamSegmentInfo(ctx, seg); err != nil || !info.Sealed {
		t.Fatalf("after seal: %+v, %v", info, err)
	}
	for range 2 {
		if err := c.DeleteSegment(ctx, seg); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetStreamSegmentInfo(ctx, seg); !errors.Is(err, segments.ErrNoSuchSegment) {
		t.Fatalf("info after delete: %v", err)
	}
	if err := c.TruncateSegment(ctx, seg, 0); !errors.Is(err, segments.ErrNoSuchSegment) {
		t.Fatalf("truncate after delete: %v", err)
	}
}

func TestConcurrentRequestsShareConnections(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, startStore(t))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			seg := "s/st/" + string(rune('a'+i%26)) + ".#epoch.0"
			if i >= 26 {
				seg = "s/x" + string(rune('a'+i%26)) + "/0.#epoch.0"
			}
			errs <- c.CreateSegment(ctx, seg, segments.Policy{}, 0)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRetriesWrongHostAndDroppedConnections(t *testing.T) {
	var calls atomic.Int32
	stub := sstub.Start(t, func(req wire.Command) wire.Command {
		id, _ := wire.RequestIDOf(req)
		switch calls.Add(1) {
		case 1:
			return &wire.WrongHost{RequestID: id, Segment: "x"}
		case 2:
			return nil // drop the connection
		}
		return sstub.OK(req)
	})
	c := newClient(t, stub.Addr())
	if err := c.SealSegment(context.Background(), "s/st/0.#epoch.0"); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
}

func TestRetriesGiveUp(t *testing.T) {
	stub := sstub.Start(t, func(req wire.Command) wire.Command {
		id, _ := wire.RequestIDOf(req)
		return &wire.WrongHost{RequestID: id}
	})
	c := newClient(t, stub.Addr())
	if err := c.DeleteSegment(context.Background(), "s/st/0.#epoch.0"); !errors.Is(err, segments.ErrWrongHost) {
		t.Fatalf("err = %v, want ErrWrongHost", err)
	}
}

func TestContextTimeout(t *testing.T) {
	block := make(chan struct{})
	stub := sstub.Start(t, func(req wire.Command) wire.Command { <-block; return sstub.OK(req) })
	defer close(block)
	c := newClient(t, stub.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.SealSegment(ctx, "s/st/0.#epoch.0"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestTableSegmentsAndErrors(t *testing.T) {
	stub := sstub.Start(t, func(req wire.Command) wire.Command {
		id, _ := wire.RequestIDOf(req)
		switch m := req.(type) {
		case *wire.CreateTableSegment:
			if m.KeyLength != 24 {
				return &wire.ErrorMessage{RequestID: id, Message: "bad key length"}
			}
			return &wire.SegmentAlreadyExists{RequestID: id, Segment: m.Segment}
		case *wire.DeleteTableSegment:
			if m.MustBeEmpty {
				return &wire.TableSegmentNotEmpty{RequestID: id, Segment: m.Segment}
			}
			return &wire.NoSuchSegment{RequestID: id, Segment: m.Segment}
		}
		return &wire.OperationUnsupported{RequestID: id, OperationName: "x"}
	})
	c := newClient(t, stub.Addr())
	ctx := context.Background()
	if err := c.CreateTableSegment(ctx, "s/kvt_kvtable/0.#epoch.0", 24, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTableSegment(ctx, "s/kvt_kvtable/0.#epoch.0", 1, 0); !errors.Is(err, segments.ErrUnexpectedReply) {
		t.Fatal(err)
	}
	if err := c.DeleteTableSegment(ctx, "s/kvt_kvtable/0.#epoch.0", false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTableSegment(ctx, "s/kvt_kvtable/0.#epoch.0", true); !errors.Is(err, segments.ErrTableNotEmpty) {
		t.Fatal(err)
	}
	if err := c.SealSegment(ctx, "s/a/0.#epoch.0"); !errors.Is(err, segments.ErrUnsupported) {
		t.Fatal(err)
	}
}

func TestClosedClient(t *testing.T) {
	c := segments.New(segments.Config{Resolver: segments.Static(startStore(t))})
	if err := c.CreateSegment(context.Background(), "s/a/0.#epoch.0", segments.Policy{}, 0); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if err := c.SealSegment(context.Background(), "s/a/0.#epoch.0"); !errors.Is(err, segments.ErrClosed) {
		t.Fatalf("err = %v", err)
	}
}
