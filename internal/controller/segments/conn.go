package segments

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/wire"
)

// conn is one connection to a segment store. Writes are serialised by wmu;
// one reader goroutine (owned by the Client's WaitGroup) delivers replies.
type conn struct {
	nc  net.Conn
	wmu sync.Mutex
	buf []byte

	mu struct {
		sync.Mutex
		pending map[int64]chan wire.Command
		err     error // non-nil once the connection is dead
	}
}

// dial opens a connection and exchanges Hello. The reader goroutine is
// started by the caller (so that it joins the Client's WaitGroup).
func dial(ctx context.Context, addr string, timeout time.Duration) (*conn, error) {
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: dial %s: %w", ErrConnection, addr, err)
	}
	c := &conn{nc: nc}
	c.mu.pending = make(map[int64]chan wire.Command)
	if err := c.handshake(ctx, timeout); err != nil {
		_ = nc.Close()
		return nil, fmt.Errorf("%w: hello %s: %w", ErrConnection, addr, err)
	}
	return c, nil
}

func (c *conn) handshake(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.nc.SetDeadline(deadline)
	defer func() { _ = c.nc.SetDeadline(time.Time{}) }()
	if err := c.write(wire.OurHello()); err != nil {
		return err
	}
	fr := wire.NewFrameReader(c.nc, 4096)
	cmd, err := fr.ReadCommand()
	if err != nil {
		return err
	}
	h, ok := cmd.(*wire.Hello)
	if !ok {
		return fmt.Errorf("first frame is %v, not Hello", cmd.Type())
	}
	// The server checks our range; we check its range the same way.
	if h.LowVersion > wire.Version || h.HighVersion < wire.OldestCompatibleVersion {
		return fmt.Errorf("incompatible server versions %d..%d", h.LowVersion, h.HighVersion)
	}
	return nil
}

func (c *conn) write(cmd wire.Command) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var err error
	c.buf, err = wire.AppendFrame(c.buf[:0], cmd)
	if err != nil {
		return err
	}
	_, err = c.nc.Write(c.buf)
	return err
}

// readLoop delivers replies until the connection fails.
func (c *conn) readLoop() {
	fr := wire.NewFrameReader(c.nc, 64<<10)
	for {
		cmd, err := fr.ReadCommand()
		if err != nil {
			c.fail(err)
			return
		}
		id, ok := wire.RequestIDOf(cmd)
		if !ok || cmd.Type() == wire.TypeKeepAlive {
			continue
		}
		c.mu.Lock()
		ch := c.mu.pending[id]
		delete(c.mu.pending, id)
		c.mu.Unlock()
		if ch != nil {
			ch <- detach(cmd)
		}
	}
}

// detach copies the byte fields of a reply, which alias the frame reader's
// buffer, so that the caller may keep them after the next read.
func detach(cmd wire.Command) wire.Command {
	if r, ok := cmd.(*wire.SegmentRead); ok {
		r.Data = bytes.Clone(r.Data)
	}
	return cmd
}

// fail marks the connection dead and wakes every waiting request.
func (c *conn) fail(err error) {
	c.mu.Lock()
	if c.mu.err == nil {
		c.mu.err = fmt.Errorf("%w: %w", ErrConnection, err)
	}
	pending := c.mu.pending
	c.mu.pending = map[int64]chan wire.Command{}
	c.mu.Unlock()
	_ = c.nc.Close()
	for _, ch := range pending {
		close(ch)
	}
}

func (c *conn) dead() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.err != nil
}

// roundTrip sends req (whose requestId is id) and waits for its reply.
func (c *conn) roundTrip(ctx context.Context, id int64, req wire.Command) (wire.Command, error) {
	ch := make(chan wire.Command, 1)
	c.mu.Lock()
	if c.mu.err != nil {
		err := c.mu.err
		c.mu.Unlock()
		return nil, err
	}
	c.mu.pending[id] = ch
	c.mu.Unlock()
	if err := c.write(req); err != nil {
		c.fail(err)
		return nil, fmt.Errorf("%w: write: %w", ErrConnection, err)
	}
	select {
	case reply, ok := <-ch:
		if !ok {
			c.mu.Lock()
			err := c.mu.err
			c.mu.Unlock()
			return nil, err
		}
		return reply, nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.mu.pending, id)
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}
