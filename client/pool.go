package client

import (
	"context"
	"crypto/tls"
	"sync"
	"sync/atomic"
	"time"
)

// pool holds one connection per segment store endpoint, shared by all
// writers and readers of the client (the Java client opens up to 10 per
// endpoint and one per writer by default; one multiplexed connection is
// enough for Sluice, whose server pipelines requests). A dead connection is
// replaced on the next get. The pool owns the reader goroutines.
type pool struct {
	tls     *tls.Config
	timeout time.Duration
	log     Logger
	nextID  atomic.Int64

	mu     sync.Mutex
	conns  map[string]*poolEntry
	closed bool
	wg     sync.WaitGroup
}

type poolEntry struct {
	ready chan struct{} // closed when the dial finished
	conn  *conn
	err   error
}

func newPool(tlsCfg *tls.Config, timeout time.Duration, log Logger) *pool {
	return &pool{tls: tlsCfg, timeout: timeout, log: log, conns: make(map[string]*poolEntry)}
}

// requestID returns a fresh requestId, unique within the client.
func (p *pool) requestID() int64 { return p.nextID.Add(1) }

// get returns a live connection to endpoint, dialling if needed. Concurrent
// callers share one dial.
func (p *pool) get(ctx context.Context, endpoint string) (*conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		e := p.conns[endpoint]
		if e != nil {
			select {
			case <-e.ready:
				if e.err == nil && !e.conn.dead() {
					p.mu.Unlock()
					return e.conn, nil
				}
				e = nil // failed dial or dead connection: dial again
			default:
			}
		}
		if e == nil {
			e = &poolEntry{ready: make(chan struct{})}
			p.conns[endpoint] = e
			p.wg.Add(1)
			go p.dial(endpoint, e)
		}
		p.mu.Unlock()
		select {
		case <-e.ready:
			if e.err != nil {
				return nil, e.err
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// dial runs in its own goroutine so that a caller's cancelled context does
// not abort a dial others wait for; it then becomes the reader goroutine.
func (p *pool) dial(endpoint string, e *poolEntry) {
	defer p.wg.Done()
	c, err := dialConn(context.Background(), endpoint, p.tls, p.timeout, p.log)
	p.mu.Lock()
	if err == nil && p.closed {
		err = ErrClosed
		_ = c.nc.Close()
	}
	e.conn, e.err = c, err
	close(e.ready)
	p.mu.Unlock()
	if err != nil {
		p.log.Warn("segment store connection failed", "endpoint", endpoint, "err", err)
		return
	}
	c.readLoop()
}

// breakAll kills every connection (tests use it to force reconnects).
func (p *pool) breakAll(err error) {
	p.mu.Lock()
	var cs []*conn
	for _, e := range p.conns {
		select {
		case <-e.ready:
			if e.conn != nil {
				cs = append(cs, e.conn)
			}
		default:
		}
	}
	p.mu.Unlock()
	for _, c := range cs {
		c.fail(err)
	}
}

// close closes every connection and waits for the reader goroutines.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.breakAll(errConnClosed)
	p.wg.Wait()
}
