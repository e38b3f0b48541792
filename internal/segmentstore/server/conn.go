package server

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"

	"github.com/sluicestream/sluice/internal/wire"
)

// readBufferSize is the connection's read buffer; frames larger than it are
// read into a buffer of their own size.
const readBufferSize = 256 << 10

// errCloseConnection asks the read loop to close the connection after the
// replies queued so far are sent.
var errCloseConnection = errors.New("close connection")

// conn is one client connection.
type conn struct {
	srv    *Server
	nc     net.Conn
	logger *slog.Logger

	// assembler is used only by the read loop.
	assembler wire.AppendAssembler

	mu       sync.Mutex
	cond     *sync.Cond // outbox filled or drained, inflight shrank, closing
	out      []byte     // encoded replies not yet handed to the socket
	spare    []byte
	inflight int64 // append bytes waiting for durability
	closing  bool  // no more replies are queued; the writer exits when out is empty
	// writers are the writer sessions set up on this connection.
	writers map[wire.UUID]*writerState
	// reads are the parked reads, to cancel when the connection closes.
	reads    map[uint64]func() bool
	nextRead uint64
	// transients are transient segments created on this connection; they
	// are deleted when it closes.
	transients map[string]struct{}
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{
		srv:        s,
		nc:         nc,
		logger:     s.logger.With("remote", nc.RemoteAddr().String()),
		writers:    make(map[wire.UUID]*writerState),
		reads:      make(map[uint64]func() bool),
		transients: make(map[string]struct{}),
	}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// send queues a reply. It never blocks on the network; replies queued after
// the connection started closing are dropped.
func (c *conn) send(cmd wire.Command) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sendLocked(cmd)
}

func (c *conn) sendLocked(cmd wire.Command) {
	if c.closing {
		return
	}
	out, err := wire.AppendFrame(c.out, cmd)
	if err != nil {
		c.logger.Error("cannot encode reply", "type", cmd.Type(), "err", err)
		return
	}
	wasEmpty := len(c.out) == 0
	c.out = out
	if wasEmpty {
		c.cond.Broadcast()
	}
}

// writeLoop hands queued replies to the socket, many per write.
func (c *conn) writeLoop() {
	defer c.srv.wg.Done()
	for {
		c.mu.Lock()
		for len(c.out) == 0 && !c.closing {
			c.cond.Wait()
		}
		if len(c.out) == 0 {
			c.mu.Unlock()
			_ = c.nc.Close()
			return
		}
		batch := c.out
		c.out = c.spare[:0]
		c.spare = nil
		c.cond.Broadcast() // the reader may wait for the outbox to drain
		c.mu.Unlock()

		if _, err := c.nc.Write(batch); err != nil {
			c.shutdown()
			c.mu.Lock()
			c.out = c.out[:0]
			c.mu.Unlock()
			continue
		}
		c.mu.Lock()
		if cap(batch) <= 4<<20 { // do not keep a huge buffer around after a burst
			c.spare = batch[:0]
		}
		c.mu.Unlock()
	}
}

// readLoop decodes and dispatches requests until the connection ends.
func (c *conn) readLoop() {
	defer c.srv.wg.Done()
	defer c.finish()
	fr := wire.NewFrameReader(c.nc, readBufferSize)
	for {
		if !c.waitForRoom() {
			return
		}
		cmd, err := fr.ReadCommand()
		if err != nil {
			switch {
			case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
			case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF):
				c.logger.Debug("connection closed by peer", "err", err)
			default:
				c.logger.Warn("closing connection: bad frame", "err", err)
			}
			return
		}
		if err := c.dispatch(cmd); err != nil {
			if !errors.Is(err, errCloseConnection) {
				c.logger.Warn("closing connection: protocol violation", "type", cmd.Type(), "err", err)
			}
			return
		}
	}
}

// waitForRoom blocks while the connection has too much in flight. It
// reports false once the connection is closing.
func (c *conn) waitForRoom() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for !c.closing && (c.inflight > c.srv.cfg.MaxInflightBytes || len(c.out) > c.srv.cfg.MaxOutboxBytes) {
		c.cond.Wait()
	}
	return !c.closing
}

// finish runs when the read loop ends: the connection's parked reads are
// cancelled, its transient segments deleted, and the socket is closed after
// the queued replies are sent.
func (c *conn) finish() {
	c.mu.Lock()
	c.closing = true
	reads := c.reads
	c.reads = nil
	transients := c.transients
	c.transients = nil
	c.cond.Broadcast()
	c.mu.Unlock()
	for _, cancel := range reads {
		if cancel != nil {
			cancel()
		}
	}
	for name := range transients {
		if ctr := c.srv.containerFor(name); ctr != nil {
			ctr.Delete(name, func(error) {})
		}
	}
	c.srv.forget(c)
}

// shutdown closes the socket at once; both loops end.
func (c *conn) shutdown() {
	c.mu.Lock()
	c.closing = true
	c.cond.Broadcast()
	c.mu.Unlock()
	_ = c.nc.Close()
}

// reserveRead registers a read that may park and returns its id; the read's
// completion calls readDone(id). It reports false once the connection closes.
func (c *conn) reserveRead() (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reads == nil {
		return 0, false
	}
	c.nextRead++
	c.reads[c.nextRead] = nil
	return c.nextRead, true
}

// setReadCancel stores the cancel function of a read that is still parked.
func (c *conn) setReadCancel(id uint64, cancel func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, parked := c.reads[id]; parked {
		c.reads[id] = cancel
	}
}

func (c *conn) readDone(id uint64) {
	c.mu.Lock()
	delete(c.reads, id)
	c.mu.Unlock()
}
