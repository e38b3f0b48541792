package controller_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller"
	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/segmentstore"
)

type harness struct {
	t      *testing.T
	ms     *metastore.Mem
	ssAddr string
	srv    *controller.Server
	c      pb.ControllerServiceClient
	ss     *segments.Client
	// opts, if set, adjusts the controller's Config at every start.
	opts func(*controller.Config)
}

func startSegmentStore(t *testing.T) string {
	t.Helper()
	s, err := segmentstore.Start(context.Background(), segmentstore.Config{DataDir: t.TempDir(), Address: "127.0.0.1:0",
		ContainerCount: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s.Addr().String()
}

// newHarness starts a controller on a Mem store and the segment store at
// ssAddr ("" starts a real one).
func newHarness(t *testing.T, ssAddr string) *harness {
	t.Helper()
	return newHarnessWith(t, ssAddr, nil)
}

// newHarnessWith is newHarness with opts applied to every controller Config.
func newHarnessWith(t *testing.T, ssAddr string, opts func(*controller.Config)) *harness {
	t.Helper()
	if ssAddr == "" {
		ssAddr = startSegmentStore(t)
	}
	ms := metastore.NewMem(nil)
	t.Cleanup(func() { _ = ms.Close() })
	h := &harness{t: t, ms: ms, ssAddr: ssAddr, opts: opts}
	h.start(nil)
	h.ss = segments.New(segments.Config{Resolver: segments.Static(ssAddr)})
	t.Cleanup(func() { _ = h.ss.Close() })
	return h
}

func (h *harness) start(failpoint func(string) error) {
	h.t.Helper()
	cfg := controller.Config{Address: "127.0.0.1:0", Store: h.ms, SegmentStore: h.ssAddr, Failpoint: failpoint}
	if h.opts != nil {
		h.opts(&cfg)
	}
	srv, err := controller.Start(context.Background(), cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.srv = srv
	h.t.Cleanup(func() { _ = srv.Close() })
	conn, err := grpc.NewClient(srv.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = conn.Close() })
	h.c = pb.NewControllerServiceClient(conn)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func si(scope, stream string) *pb.StreamInfo { return &pb.StreamInfo{Scope: scope, Stream: stream} }

func fixed(scope, stream string, n int32) *pb.StreamConfig {
	return &pb.StreamConfig{StreamInfo: si(scope, stream),
		ScalingPolicy: &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_FIXED_NUM_SEGMENTS, MinNumSegments: n}}
}

// mustStream creates scope and stream.
func (h *harness) mustStream(scope, stream string, n int32) {
	h.t.Helper()
	c := ctx(h.t)
	if _, err := h.c.CreateScope(c, &pb.ScopeInfo{Scope: scope}); err != nil {
		h.t.Fatal(err)
	}
	r, err := h.c.CreateStream(c, fixed(scope, stream, n))
	if err != nil || r.Status != pb.CreateStreamStatus_SUCCESS {
		h.t.Fatalf("create stream: %v %v", r, err)
	}
}

func wantCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	if status.Code(err) != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
