// Package sstest has helpers for tests that drive a segment store over TCP
// with the wire codec: a synchronous connection and event builders.
package sstest

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/wire"
)

// Conn is a test connection to a segment store.
type Conn struct {
	t   testing.TB
	nc  net.Conn
	fr  *wire.FrameReader
	buf []byte
}

// Dial connects and exchanges Hello.
func Dial(t testing.TB, addr string) *Conn {
	t.Helper()
	c := DialRaw(t, addr)
	c.Send(&wire.Hello{HighVersion: wire.Version, LowVersion: wire.OldestCompatibleVersion})
	if h, ok := c.Recv().(*wire.Hello); !ok || h.HighVersion != wire.Version {
		t.Fatalf("expected Hello(%d, ...) from server, got %#v", wire.Version, h)
	}
	return c
}

// DialRaw connects without a handshake.
func DialRaw(t testing.TB, addr string) *Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	c := &Conn{t: t, nc: nc, fr: wire.NewFrameReader(nc, 64<<10)}
	t.Cleanup(func() { _ = nc.Close() })
	return c
}

// Send writes one command.
func (c *Conn) Send(cmd wire.Command) {
	c.t.Helper()
	if err := c.TrySend(cmd); err != nil {
		c.t.Fatalf("send %v: %v", cmd.Type(), err)
	}
}

// TrySend writes one command and returns the error.
func (c *Conn) TrySend(cmd wire.Command) error {
	var err error
	c.buf, err = wire.AppendFrame(c.buf[:0], cmd)
	if err != nil {
		return err
	}
	return c.WriteRaw(c.buf)
}

// WriteRaw writes bytes as they are.
func (c *Conn) WriteRaw(b []byte) error {
	_ = c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.nc.Write(b)
	return err
}

// Recv reads one reply, failing the test after 10 s.
func (c *Conn) Recv() wire.Command {
	c.t.Helper()
	cmd, err := c.TryRecv(10 * time.Second)
	if err != nil {
		c.t.Fatalf("receive: %v", err)
	}
	return cmd
}

// TryRecv reads one reply within timeout.
func (c *Conn) TryRecv(timeout time.Duration) (wire.Command, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(timeout))
	cmd, err := c.fr.ReadCommand()
	if err != nil {
		return nil, err
	}
	// Detach from the reader's buffer so the reply outlives the next read.
	out, err := wire.AppendFrame(nil, cmd)
	if err != nil {
		return nil, err
	}
	return wire.Decode(cmd.Type(), out[wire.HeaderSize:])
}

// Close closes the connection.
func (c *Conn) Close() { _ = c.nc.Close() }

// Expect reads one reply and checks its type.
func Expect[T wire.Command](c *Conn) T {
	c.t.Helper()
	cmd := c.Recv()
	v, ok := cmd.(T)
	if !ok {
		var zero T
		c.t.Fatalf("expected %T, got %#v", zero, cmd)
	}
	return v
}

// Events builds a block of event records.
func Events(events ...string) []byte {
	var b []byte
	for _, e := range events {
		b = wire.AppendEvent(b, []byte(e))
	}
	return b
}

// SplitEvents parses a segment's bytes into events.
func SplitEvents(data []byte) ([]string, error) {
	var out []string
	err := wire.SplitEvents(data, func(e []byte) bool {
		out = append(out, string(e))
		return true
	})
	if err != nil {
		return out, fmt.Errorf("segment data: %w", err)
	}
	return out, nil
}

// ReadAll reads a segment from offset 0 to its current length.
func ReadAll(c *Conn, segment string) []byte {
	c.t.Helper()
	info := c.Info(segment)
	var data []byte
	for off := info.StartOffset; off < info.WriteOffset; {
		c.Send(&wire.ReadSegment{Segment: segment, Offset: off, SuggestedLength: 1 << 20, RequestID: off})
		r := Expect[*wire.SegmentRead](c)
		if r.Offset != off {
			c.t.Fatalf("SegmentRead offset %d, want %d", r.Offset, off)
		}
		data = append(data, r.Data...)
		off += int64(len(r.Data))
	}
	return data
}

// Info asks for a segment's info.
func (c *Conn) Info(segment string) *wire.StreamSegmentInfo {
	c.t.Helper()
	c.Send(&wire.GetStreamSegmentInfo{RequestID: 7, SegmentName: segment})
	return Expect[*wire.StreamSegmentInfo](c)
}

// Create creates a stream segment.
func (c *Conn) Create(segment string) {
	c.t.Helper()
	c.Send(&wire.CreateSegment{RequestID: 1, Segment: segment})
	Expect[*wire.SegmentCreated](c)
}
