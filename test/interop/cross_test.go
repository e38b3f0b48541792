package interop

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicestream/sluice/client"
)

// Cross-client checks: events written by the Go client are read by the
// Java and Python clients (their tests CrossClientTest.java and
// test_cross_client.py find the stream in SLUICE_CROSS_FROMGO), and the
// streams they write (SLUICE_CROSS_FROMJAVA, SLUICE_CROSS_FROMPYTHON) are
// read back by the Go client. Events are "<key>:<seq>" with routing key
// <key>, so each side checks count, content and per-key order.

const (
	crossEvents = 1000
	crossKeys   = 10
)

// crossStreams names the cross-client streams of one run.
type crossStreams struct {
	scope                        string
	fromGo, fromJava, fromPython string
}

func (s crossStreams) env() []string {
	return []string{"SLUICE_CROSS_FROMGO=" + s.scope + "/" + s.fromGo,
		"SLUICE_CROSS_FROMJAVA=" + s.scope + "/" + s.fromJava,
		"SLUICE_CROSS_FROMPYTHON=" + s.scope + "/" + s.fromPython,
		fmt.Sprintf("SLUICE_CROSS_EVENTS=%d", crossEvents)}
}

// writeFromGo creates the cross-client scope and streams and writes the Go
// client's events.
func writeFromGo(t *testing.T, controller string) crossStreams {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := crossStreams{scope: fmt.Sprintf("cross-%d", time.Now().UnixNano()%1_000_000_000), fromGo: "fromgo",
		fromJava: "fromjava", fromPython: "frompython"}
	c, err := client.New(ctx, controller)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	m := c.StreamManager()
	if err := m.CreateScope(ctx, s.scope); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{s.fromGo, s.fromJava, s.fromPython} {
		if err := m.CreateStream(ctx, s.scope, st, client.StreamConfig{Scaling: client.Fixed(3)}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := c.NewEventWriter(ctx, s.scope, s.fromGo, client.WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range crossEvents {
		key := fmt.Sprintf("key-%d", i%crossKeys)
		if err := w.Write(ctx, key, fmt.Appendf(nil, "%s:%d", key, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("cross-client: the Go client wrote %d events to %s/%s", crossEvents, s.scope, s.fromGo)
	return s
}

// readWithGo reads a stream another client wrote and checks its events.
func readWithGo(t *testing.T, controller, scope, stream, writer string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.New(ctx, controller)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	head, err := c.HeadCut(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	tail, err := c.TailCut(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int{}
	n := 0
	err = c.ReadBetween(ctx, head, tail, func(_ client.Segment, ev []byte) error {
		key, seq, ok := strings.Cut(string(ev), ":")
		i, err := strconv.Atoi(seq)
		if !ok || err != nil {
			return fmt.Errorf("event %q from %s is not <key>:<seq>", ev, writer)
		}
		if prev, seen := last[key]; seen && i <= prev {
			return fmt.Errorf("key %s: %d after %d (written by %s)", key, i, prev, writer)
		}
		last[key] = i
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != crossEvents {
		t.Fatalf("the Go client read %d events written by %s, want %d", n, writer, crossEvents)
	}
	t.Logf("cross-client: the Go client read all %d events the %s client wrote, in order per key", n, writer)
}
