package client

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/sluicestream/sluice/internal/standalone"
)

// One in-memory node serves every test of the package; each test works in
// scopes of its own.
var testNode *standalone.Node

func TestMain(m *testing.M) {
	n, err := standalone.Start(context.Background(), testNodeConfig())
	if err != nil {
		fmt.Fprintln(os.Stderr, "start standalone node:", err)
		os.Exit(1)
	}
	testNode = n
	code := m.Run()
	if err := n.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close standalone node:", err)
	}
	os.Exit(code)
}

// testNodeConfig is an in-memory node on free ports.
func testNodeConfig() standalone.Config {
	return standalone.Config{InMemory: true, ControllerAddress: "127.0.0.1:0", SegmentStoreAddress: "127.0.0.1:0",
		RESTAddress: "127.0.0.1:0"}
}

// newTestClient returns a client of the test node, closed with the test.
func newTestClient(t testing.TB) *Client {
	t.Helper()
	c, err := New(t.Context(), "tcp://"+testNode.ControllerAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

var scopeSeq atomic.Int64

// newScope creates a fresh scope.
func newScope(t testing.TB, c *Client) string {
	t.Helper()
	scope := fmt.Sprintf("t%d-%d", os.Getpid()%1000, scopeSeq.Add(1))
	if err := c.StreamManager().CreateScope(t.Context(), scope); err != nil {
		t.Fatal(err)
	}
	return scope
}

// newStream creates a fresh stream with n fixed segments.
func newStream(t testing.TB, c *Client, n int32) (scope, stream string) {
	t.Helper()
	scope = newScope(t, c)
	stream = "s"
	if err := c.StreamManager().CreateStream(t.Context(), scope, stream, StreamConfig{Scaling: Fixed(n)}); err != nil {
		t.Fatal(err)
	}
	return scope, stream
}
