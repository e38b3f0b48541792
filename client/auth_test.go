package client

import (
	"context"
	"testing"

	"github.com/sluicestream/sluice/internal/standalone"
)

// TestDelegationTokens runs against a node with auth on: the segment store
// refuses requests without a controller-issued token, so writing and
// reading work only if the client fetches and sends tokens.
func TestDelegationTokens(t *testing.T) {
	cfg := testNodeConfig()
	cfg.SigningKey = []byte("client-test-key")
	n, err := standalone.Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	calls := 0
	c, err := New(t.Context(), n.ControllerAddr().String(), WithCredentials(TokenCredentials("Bearer",
		func(context.Context) (string, error) { calls++; return "opaque", nil })))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	scope, stream := newStream(t, c, 1)
	w, err := c.NewEventWriter(ctx, scope, stream, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, "k", []byte("secret")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = c.ReadBetween(ctx, StreamCut{Scope: scope, Stream: stream}, StreamCut{Scope: scope, Stream: stream},
		func(_ Segment, ev []byte) error { got = append(got, string(ev)); return nil })
	if err != nil || len(got) != 1 || got[0] != "secret" {
		t.Fatalf("read with tokens: %v %v", got, err)
	}
	if calls == 0 {
		t.Fatal("the credentials hook was never called")
	}
}
