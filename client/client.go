package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/wire"
)

// Client is a connection to a Sluice (or Pravega) cluster: a gRPC
// connection to the controller and a pool of segment store connections. It
// is safe for concurrent use. Close it when done; Close also closes the
// writers created from it.
type Client struct {
	cfg    config
	ctl    *controller
	pool   *pool
	tokens *tokens

	mu struct {
		sync.Mutex
		closed    bool
		endpoints map[string]string // segment name → host:port
		writers   map[*EventWriter]struct{}
		stoppers  map[stopper]struct{} // readers, transactions
	}
}

// New connects to the controller at controllerURI (tcp://host:port,
// tls://host:port, or host:port; see the package documentation). The gRPC
// connection is established lazily, so New does not fail when the
// controller is down; the first call does.
func New(ctx context.Context, controllerURI string, opts ...Option) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	u, err := parseControllerURI(controllerURI)
	if err != nil {
		return nil, err
	}
	if u.tls && cfg.tls == nil {
		cfg.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	ctl, err := dialController(u, &cfg)
	if err != nil {
		return nil, fmt.Errorf("sluice: controller %s: %w", controllerURI, err)
	}
	c := &Client{cfg: cfg, ctl: ctl, pool: newPool(cfg.tls, cfg.dialTimeout, cfg.log), tokens: newTokens(ctl)}
	c.mu.endpoints = make(map[string]string)
	c.mu.writers = make(map[*EventWriter]struct{})
	c.mu.stoppers = make(map[stopper]struct{})
	return c, nil
}

// Close closes the writers still open (without flushing), the segment
// store connections and the controller connection.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.mu.closed {
		c.mu.Unlock()
		return nil
	}
	c.mu.closed = true
	writers := c.mu.writers
	c.mu.writers = nil
	stoppers := c.mu.stoppers
	c.mu.stoppers = nil
	c.mu.Unlock()
	for s := range stoppers {
		s.stop()
	}
	// Close the connections first: a writer blocked in a socket write
	// then returns, and none can dial again.
	c.pool.close()
	for w := range writers {
		w.stop(ErrClosed)
	}
	return c.ctl.close()
}

// StreamManager returns the administrative API of the client.
func (c *Client) StreamManager() *StreamManager { return &StreamManager{c: c} }

func (c *Client) addWriter(w *EventWriter) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.closed {
		return ErrClosed
	}
	c.mu.writers[w] = struct{}{}
	return nil
}

// stopper is something with goroutines the Client stops on Close.
type stopper interface{ stop() }

func (c *Client) addCloser(s stopper) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.closed {
		return ErrClosed
	}
	c.mu.stoppers[s] = struct{}{}
	return nil
}

func (c *Client) removeCloser(s stopper) {
	c.mu.Lock()
	delete(c.mu.stoppers, s)
	c.mu.Unlock()
}

func (c *Client) removeWriter(w *EventWriter) {
	c.mu.Lock()
	delete(c.mu.writers, w)
	c.mu.Unlock()
}

// endpoint returns the segment store owning seg, cached until forgotten.
func (c *Client) endpoint(ctx context.Context, seg Segment) (string, error) {
	name := seg.Name()
	c.mu.Lock()
	ep, ok := c.mu.endpoints[name]
	c.mu.Unlock()
	if ok {
		return ep, nil
	}
	ep, err := c.ctl.endpoint(ctx, seg)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.mu.endpoints[name] = ep
	c.mu.Unlock()
	return ep, nil
}

// forgetEndpoint drops a cached endpoint after WrongHost or a failed
// connection, so that the controller is asked again.
func (c *Client) forgetEndpoint(seg Segment) {
	c.mu.Lock()
	delete(c.mu.endpoints, seg.Name())
	c.mu.Unlock()
}

const segmentRequestAttempts = 5

// segmentRequest sends one request about seg to the segment store that owns
// it and returns the reply. It handles what any request may meet: a broken
// connection or WrongHost (ask the controller again and retry) and an
// expired delegation token (fetch a new one and retry). Only use it for
// idempotent requests. build gets the requestId and token to put in the
// request.
func (c *Client) segmentRequest(ctx context.Context, seg Segment, build func(id int64, token string) wire.Command) (wire.Command, error) {
	return c.segmentRequestOp(ctx, seg, pb.StreamInfo_READ, build)
}

// segmentRequestOp is segmentRequest with a token for access operation op.
func (c *Client) segmentRequestOp(ctx context.Context, seg Segment, op pb.StreamInfo_AccessOperation,
	build func(id int64, token string) wire.Command) (wire.Command, error) {
	return c.segmentRequestAs(ctx, seg, seg.Stream, op, build)
}

// segmentRequestAs is segmentRequestOp with the token asked for stream
// tokStream of seg's scope: key-value tables name their segments
// "<kvt>_kvtable/..." but ask tokens for "<kvt>", as the Java client does.
func (c *Client) segmentRequestAs(ctx context.Context, seg Segment, tokStream string, op pb.StreamInfo_AccessOperation,
	build func(id int64, token string) wire.Command) (wire.Command, error) {
	var lastErr error
	for attempt := range segmentRequestAttempts {
		if attempt > 0 {
			if err := sleep(ctx, controllerBackoff<<attempt); err != nil {
				return nil, errors.Join(lastErr, err)
			}
		}
		tok, err := c.tokens.getOp(ctx, seg.Scope, tokStream, op)
		if err != nil {
			return nil, err
		}
		ep, err := c.endpoint(ctx, seg)
		if err != nil {
			return nil, err
		}
		cn, err := c.pool.get(ctx, ep)
		if err != nil {
			if errors.Is(err, ErrClosed) || ctx.Err() != nil {
				return nil, err
			}
			c.forgetEndpoint(seg)
			lastErr = err
			continue
		}
		id := c.pool.requestID()
		reply, err := cn.request(ctx, id, build(id, tok))
		if err != nil {
			if ctx.Err() != nil || !errors.Is(err, ErrConnection) {
				return nil, err
			}
			c.forgetEndpoint(seg)
			lastErr = err
			continue
		}
		switch r := reply.(type) {
		case *wire.WrongHost:
			c.forgetEndpoint(seg)
			lastErr = fmt.Errorf("%w: %s is not owned by %s", ErrConnection, seg, ep)
			continue
		case *wire.AuthTokenCheckFailed:
			c.tokens.invalidate(seg.Scope, tokStream)
			lastErr = fmt.Errorf("%w: segment store refused the token for %s (code %d)", ErrAuth, seg, r.ErrorCode)
			if r.ErrorCode == wire.AuthErrorTokenExpired {
				continue
			}
			return nil, lastErr
		case *wire.ErrorMessage:
			return nil, fmt.Errorf("%w: %s: %s", ErrFailed, seg, r.Message)
		case *wire.OperationUnsupported:
			return nil, fmt.Errorf("%w: %s: %s unsupported", ErrFailed, seg, r.OperationName)
		}
		return reply, nil
	}
	return nil, lastErr
}
