package segments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Backoff is the retry schedule for connection errors and WrongHost.
type Backoff struct {
	Initial  time.Duration // first wait; default 10 ms
	Max      time.Duration // cap of the doubling wait; default 1 s
	Attempts int           // total attempts; default 10
}

// Config configures a Client.
type Config struct {
	// Resolver maps containers to endpoints. Required.
	Resolver Resolver
	// ContainerCount is the cluster's number of containers; default 4.
	ContainerCount int
	// Token is sent with every request: the controller's internal token,
	// "" while auth is off.
	Token string
	// PoolSize is the number of connections per endpoint; default 2.
	PoolSize int
	// DialTimeout bounds connecting plus Hello; default 5 s.
	DialTimeout time.Duration
	// CallTimeout bounds a request whose context has no deadline; default 30 s.
	CallTimeout time.Duration
	Backoff     Backoff
	Logger      *slog.Logger
}

// Client sends segment-management requests to segment stores. It is safe
// for concurrent use.
type Client struct {
	cfg    Config
	nextID atomic.Int64
	wg     sync.WaitGroup

	mu struct {
		sync.Mutex
		pools  map[string]*pool
		closed bool
	}
}

type pool struct {
	conns []*conn
	next  int
}

// New returns a Client; it connects lazily.
func New(cfg Config) *Client {
	if cfg.ContainerCount <= 0 {
		cfg.ContainerCount = 4
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = 2
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 30 * time.Second
	}
	if cfg.Backoff.Initial <= 0 {
		cfg.Backoff.Initial = 10 * time.Millisecond
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = time.Second
	}
	if cfg.Backoff.Attempts <= 0 {
		cfg.Backoff.Attempts = 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{cfg: cfg}
	c.mu.pools = make(map[string]*pool)
	return c
}

// Close closes every connection and waits for their reader goroutines.
// Requests in flight fail with ErrConnection; later ones with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	c.mu.closed = true
	pools := c.mu.pools
	c.mu.pools = map[string]*pool{}
	c.mu.Unlock()
	for _, p := range pools {
		for _, cn := range p.conns {
			if cn != nil {
				cn.fail(ErrClosed)
			}
		}
	}
	c.wg.Wait()
	return nil
}

// Endpoint returns the "host:port" of the segment store owning segment.
func (c *Client) Endpoint(segment string) (string, error) {
	return c.cfg.Resolver.Endpoint(naming.ContainerOf(segment, c.cfg.ContainerCount))
}

// get returns a live connection to addr, dialing if needed.
func (c *Client) get(ctx context.Context, addr string) (*conn, error) {
	c.mu.Lock()
	if c.mu.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	p := c.mu.pools[addr]
	if p == nil {
		p = &pool{conns: make([]*conn, c.cfg.PoolSize)}
		c.mu.pools[addr] = p
	}
	i := p.next
	p.next = (p.next + 1) % len(p.conns)
	if cn := p.conns[i]; cn != nil && !cn.dead() {
		c.mu.Unlock()
		return cn, nil
	}
	c.mu.Unlock()

	cn, err := dial(ctx, addr, c.cfg.DialTimeout)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.closed {
		cn.fail(ErrClosed)
		return nil, ErrClosed
	}
	if old := p.conns[i]; old != nil && !old.dead() {
		// Someone else replaced it meanwhile; keep theirs.
		_ = cn.nc.Close()
		return old, nil
	}
	p.conns[i] = cn
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		cn.readLoop()
	}()
	return cn, nil
}

// do sends the request built by build to the owner of segment and returns
// the reply, retrying connection failures and WrongHost.
func (c *Client) do(ctx context.Context, segment string, build func(id int64) wire.Command) (wire.Command, error) {
	return c.exchange(ctx, segment, func(ctx context.Context, cn *conn) (wire.Command, error) {
		id := c.nextID.Add(1)
		return cn.roundTrip(ctx, id, build(id))
	})
}

// exchange runs fn on a connection to the owner of segment and returns its
// final reply, retrying connection failures and WrongHost replies with
// backoff (each attempt may use a new connection).
func (c *Client) exchange(ctx context.Context, segment string,
	fn func(ctx context.Context, cn *conn) (wire.Command, error)) (wire.Command, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.CallTimeout)
		defer cancel()
	}
	wait := c.cfg.Backoff.Initial
	var lastErr error
	for attempt := 0; attempt < c.cfg.Backoff.Attempts; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, fmt.Errorf("%w (last error: %w)", ctx.Err(), lastErr)
			case <-t.C:
			}
			wait = min(2*wait, c.cfg.Backoff.Max)
		}
		reply, err := c.once(ctx, segment, fn)
		if err == nil {
			if wh, ok := reply.(*wire.WrongHost); ok {
				lastErr = fmt.Errorf("%w: %s (correct host %q)", ErrWrongHost, wh.Segment, wh.CorrectHost)
				continue
			}
			return reply, nil
		}
		if errors.Is(err, ErrClosed) || ctx.Err() != nil {
			return nil, err
		}
		if !errors.Is(err, ErrConnection) {
			return nil, err
		}
		lastErr = err
		c.cfg.Logger.Debug("segment store request failed; retrying", "segment", segment, "attempt", attempt+1, "err", err)
	}
	return nil, lastErr
}

func (c *Client) once(ctx context.Context, segment string,
	fn func(ctx context.Context, cn *conn) (wire.Command, error)) (wire.Command, error) {
	addr, err := c.Endpoint(segment)
	if err != nil {
		return nil, fmt.Errorf("%w: resolve %s: %w", ErrConnection, segment, err)
	}
	cn, err := c.get(ctx, addr)
	if err != nil {
		return nil, err
	}
	return fn(ctx, cn)
}

// unexpected turns a reply into the error callers branch on.
func unexpected(op, segment string, reply wire.Command) error {
	switch r := reply.(type) {
	case *wire.NoSuchSegment:
		return fmt.Errorf("%s %s: %w", op, segment, ErrNoSuchSegment)
	case *wire.TableSegmentNotEmpty:
		return fmt.Errorf("%s %s: %w", op, segment, ErrTableNotEmpty)
	case *wire.OperationUnsupported:
		return fmt.Errorf("%s %s: %w (%s)", op, segment, ErrUnsupported, r.OperationName)
	case *wire.AuthTokenCheckFailed:
		return fmt.Errorf("%s %s: %w (code %d)", op, segment, ErrAuth, r.ErrorCode)
	case *wire.ErrorMessage:
		return fmt.Errorf("%s %s: %w: error message %q (code %d)", op, segment, ErrUnexpectedReply, r.Message, r.ErrorCode)
	default:
		return fmt.Errorf("%s %s: %w: %v", op, segment, ErrUnexpectedReply, reply.Type())
	}
}
