package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/wire"
)

// conn is one connection to a segment store. Every reply carries the
// requestId of its request, so one reader goroutine demultiplexes replies
// to the handler registered under that id: a one-shot handler for a
// request/reply exchange, or a lasting one for an append session (which
// receives its AppendSetup, DataAppended acks and errors under the id of its
// SetupAppend). Writes are serialised by wmu and each call writes whole
// frames in one Write, so the frames of different callers never interleave
// (an AppendBlock is always directly followed by its AppendBlockEnd).
type conn struct {
	endpoint string
	nc       net.Conn
	fr       *wire.FrameReader
	log      Logger
	done     chan struct{} // closed when the reader goroutine has exited

	wmu  sync.Mutex
	wbuf []byte

	mu struct {
		sync.Mutex
		handlers map[int64]handlerEntry
		err      error // set once the connection is dead
	}
}

// replyHandler receives the replies for one requestId.
type replyHandler interface {
	onReply(cmd wire.Command)
	// onClose is called once if the connection dies while registered.
	onClose(err error)
}

type handlerEntry struct {
	h    replyHandler
	once bool // unregister after the first reply
}

// dialConn connects, optionally over TLS, and exchanges Hello. The caller
// starts readLoop.
func dialConn(ctx context.Context, endpoint string, tlsCfg *tls.Config, timeout time.Duration, log Logger) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", endpoint)
	if err != nil {
		return nil, fmt.Errorf("%w: dial %s: %w", ErrConnection, endpoint, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	if tlsCfg != nil {
		cfg := tlsCfg.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(endpoint)
		}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = nc.Close()
			return nil, fmt.Errorf("%w: TLS handshake with %s: %w", ErrConnection, endpoint, err)
		}
		nc = tc
	}
	c := &conn{endpoint: endpoint, nc: nc, fr: wire.NewFrameReader(nc, 64<<10), log: log, done: make(chan struct{})}
	c.mu.handlers = make(map[int64]handlerEntry)
	if err := c.hello(ctx); err != nil {
		_ = nc.Close()
		return nil, fmt.Errorf("%w: hello to %s: %w", ErrConnection, endpoint, err)
	}
	return c, nil
}

// hello sends our Hello and checks the server's, which must be the first
// frame it sends.
func (c *conn) hello(ctx context.Context) error {
	if d, ok := ctx.Deadline(); ok {
		_ = c.nc.SetDeadline(d)
		defer func() { _ = c.nc.SetDeadline(time.Time{}) }()
	}
	if err := c.send(wire.OurHello()); err != nil {
		return err
	}
	cmd, err := c.fr.ReadCommand()
	if err != nil {
		return err
	}
	h, ok := cmd.(*wire.Hello)
	if !ok {
		return fmt.Errorf("%w: first frame is %v, not Hello", ErrProtocol, cmd.Type())
	}
	_, err = wire.Negotiate(*h)
	return err
}

// send writes cmds as consecutive frames in one Write. A write error kills
// the connection.
func (c *conn) send(cmds ...wire.Command) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	buf := c.wbuf[:0]
	for _, cmd := range cmds {
		var err error
		if buf, err = wire.AppendFrame(buf, cmd); err != nil {
			return err
		}
	}
	_, err := c.nc.Write(buf)
	if cap(buf) <= 4<<20 {
		c.wbuf = buf
	}
	if err != nil {
		c.fail(err)
		return fmt.Errorf("%w: write to %s: %w", ErrConnection, c.endpoint, err)
	}
	return nil
}

// register routes replies with requestId id to h. It fails if the
// connection is dead.
func (c *conn) register(id int64, h replyHandler, once bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.err != nil {
		return c.mu.err
	}
	c.mu.handlers[id] = handlerEntry{h: h, once: once}
	return nil
}

func (c *conn) unregister(id int64) {
	c.mu.Lock()
	delete(c.mu.handlers, id)
	c.mu.Unlock()
}

// readLoop delivers replies until the connection fails or is closed.
func (c *conn) readLoop() {
	defer close(c.done)
	for {
		t, p, err := c.fr.Next()
		if err != nil {
			c.fail(err)
			return
		}
		// The payload aliases the reader's buffer; replies outlive it.
		cmd, err := wire.Decode(t, bytes.Clone(p))
		if err != nil {
			c.fail(fmt.Errorf("%w: %w", ErrProtocol, err))
			return
		}
		id, ok := wire.RequestIDOf(cmd)
		if !ok || t == wire.TypeKeepAlive || t == wire.TypeHello {
			continue
		}
		c.mu.Lock()
		e, found := c.mu.handlers[id]
		if found && e.once {
			delete(c.mu.handlers, id)
		}
		c.mu.Unlock()
		if !found {
			c.log.Debug("reply without a waiting request", "endpoint", c.endpoint, "type", t, "requestId", id)
			continue
		}
		e.h.onReply(cmd)
	}
}

// fail marks the connection dead, closes it and tells every handler.
func (c *conn) fail(err error) {
	c.mu.Lock()
	if c.mu.err != nil {
		c.mu.Unlock()
		return
	}
	c.mu.err = fmt.Errorf("%w: %s: %w", ErrConnection, c.endpoint, err)
	err = c.mu.err
	handlers := c.mu.handlers
	c.mu.handlers = nil
	c.mu.Unlock()
	_ = c.nc.Close()
	for _, e := range handlers {
		e.h.onClose(err)
	}
}

func (c *conn) dead() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.err != nil
}

// waiter is a one-shot handler.
type waiter chan waitResult

type waitResult struct {
	cmd wire.Command
	err error
}

func (w waiter) onReply(cmd wire.Command) { w <- waitResult{cmd: cmd} }
func (w waiter) onClose(err error)        { w <- waitResult{err: err} }

// request sends req, whose requestId is id, and waits for its reply.
func (c *conn) request(ctx context.Context, id int64, req wire.Command) (wire.Command, error) {
	w := make(waiter, 1)
	if err := c.register(id, w, true); err != nil {
		return nil, err
	}
	if err := c.send(req); err != nil {
		c.unregister(id)
		return nil, err
	}
	select {
	case r := <-w:
		return r.cmd, r.err
	case <-ctx.Done():
		// A parked read may still answer later; its reply is dropped.
		c.unregister(id)
		return nil, ctx.Err()
	}
}

var errConnClosed = errors.New("connection closed by the client")
