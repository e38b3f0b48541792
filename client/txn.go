package client

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// Transactions, as the Java client does them: createTransaction returns a
// transaction id and the stream's segments of the current epoch, with ids
// rewritten to (segment number, transaction epoch); events go, routed like
// an EventWriter's, to the transaction segment of each
// ("<qualified name>#transaction.<32 hex>") with the same exactly-once
// append sessions. A goroutine pings the controller so the lease does not
// run out; Commit flushes, then asks the controller to merge the
// transaction segments into the stream (asynchronously: Wait sees it end).

// TxnStatus is a transaction's state (the controller's TxnState values).
type TxnStatus int32

// Transaction states.
const (
	TxnUnknown    TxnStatus = 0
	TxnOpen       TxnStatus = 1
	TxnCommitting TxnStatus = 2
	TxnCommitted  TxnStatus = 3
	TxnAborting   TxnStatus = 4
	TxnAborted    TxnStatus = 5
)

func (s TxnStatus) String() string {
	return pb.TxnState_State(s).String()
}

// TxnConfig configures a transaction.
type TxnConfig struct {
	// Lease is how long the transaction stays open without a ping; the
	// controller accepts 10 s to 600 s (default 90 s, as Rust). The
	// transaction pings about every Lease/sqrt(Lease in seconds).
	Lease time.Duration
	// Writer configures the writer of the transaction's events.
	Writer WriterConfig

	noPing bool // tests: let the lease run out
}

// Transaction is an open transaction: its events become visible together,
// after Commit, or never, after Abort. It is safe for concurrent use.
type Transaction struct {
	c      *Client
	scope  string
	stream string
	id     naming.UUID
	lease  time.Duration
	w      *EventWriter
	cancel context.CancelFunc // stops the ping goroutine
	wg     sync.WaitGroup
	once   sync.Once
}

// BeginTxn opens a transaction on scope/stream.
func (c *Client) BeginTxn(ctx context.Context, scope, stream string, cfg TxnConfig) (*Transaction, error) {
	if cfg.Lease <= 0 {
		cfg.Lease = 90 * time.Second
	}
	r, err := call(ctx, c.ctl, "createTransaction", ErrStreamNotFound, func(ctx context.Context) (*pb.CreateTxnResponse, error) {
		return c.ctl.rpc.CreateTransaction(ctx, &pb.CreateTxnRequest{StreamInfo: streamInfo(scope, stream),
			Lease: cfg.Lease.Milliseconds()})
	})
	if err != nil {
		return nil, fmt.Errorf("begin transaction on %s/%s: %w", scope, stream, err)
	}
	id := naming.UUIDFromInt64s(r.GetTxnId().GetHighBits(), r.GetTxnId().GetLowBits())
	var segs []SegmentRange
	for _, sr := range r.GetActiveSegments() {
		segs = append(segs, rangeOf(sr))
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("begin transaction on %s/%s: %w: no segments", scope, stream, ErrProtocol)
	}
	w, err := c.newEventWriter(scope, stream, cfg.Writer, segs, &id)
	if err != nil {
		return nil, err
	}
	t := &Transaction{c: c, scope: scope, stream: stream, id: id, lease: cfg.Lease, w: w}
	pctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	if err := c.addCloser(t); err != nil {
		cancel()
		w.stop(ErrClosed)
		return nil, err
	}
	if !cfg.noPing {
		t.wg.Add(1)
		go t.pinger(pctx)
	}
	return t, nil
}

// pingInterval is the Java and Rust clients' lease / sqrt(lease seconds).
func pingInterval(lease time.Duration) time.Duration {
	return max(time.Duration(float64(lease)/math.Sqrt(max(lease.Seconds(), 1))), 100*time.Millisecond)
}

// pinger extends the lease until the transaction ends or is stopped.
func (t *Transaction) pinger(ctx context.Context) {
	defer t.wg.Done()
	tick := time.NewTicker(pingInterval(t.lease))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		r, err := call(ctx, t.c.ctl, "pingTransaction", nil, func(ctx context.Context) (*pb.PingTxnStatus, error) {
			return t.c.ctl.rpc.PingTransaction(ctx, &pb.PingTxnRequest{StreamInfo: streamInfo(t.scope, t.stream),
				TxnId: t.idProto(), Lease: t.lease.Milliseconds()})
		})
		if err != nil {
			t.c.cfg.log.Warn("transaction ping failed", "txn", t.id.String(), "err", err)
			continue
		}
		if st := r.GetStatus(); st != pb.PingTxnStatus_OK {
			t.c.cfg.log.Debug("transaction ping stopped", "txn", t.id.String(), "status", st)
			return
		}
	}
}

func (t *Transaction) idProto() *pb.TxnId {
	return &pb.TxnId{HighBits: int64(t.id.MSB), LowBits: int64(t.id.LSB)}
}

// ID is the transaction id (a UUID; its high 32 bits are the epoch).
func (t *Transaction) ID() string { return t.id.String() }

// Write adds an event, routed by routingKey like EventWriter.Write.
func (t *Transaction) Write(ctx context.Context, routingKey string, event []byte) error {
	return t.w.Write(ctx, routingKey, event)
}

// Flush waits until the events written so far are stored in the
// transaction's segments (they stay invisible until the commit).
func (t *Transaction) Flush(ctx context.Context) error { return t.w.Flush(ctx) }

// Commit flushes and commits: the events become visible once the
// controller has merged the transaction (Wait). ErrTxnNotOpen if the
// transaction was aborted (or its lease ran out).
func (t *Transaction) Commit(ctx context.Context) error {
	if err := t.w.Flush(ctx); err != nil {
		return fmt.Errorf("commit transaction %s: %w", t.id, err)
	}
	r, err := call(ctx, t.c.ctl, "commitTransaction", ErrStreamNotFound, func(ctx context.Context) (*pb.TxnStatus, error) {
		return t.c.ctl.rpc.CommitTransaction(ctx, &pb.TxnRequest{StreamInfo: streamInfo(t.scope, t.stream),
			TxnId: t.idProto(), WriterId: t.w.cfg.WriterID, Timestamp: math.MinInt64})
	})
	t.stop()
	return txnStatusErr("commit", t.id, r, err)
}

// Abort drops the transaction and its events.
func (t *Transaction) Abort(ctx context.Context) error {
	t.stop()
	r, err := call(ctx, t.c.ctl, "abortTransaction", ErrStreamNotFound, func(ctx context.Context) (*pb.TxnStatus, error) {
		return t.c.ctl.rpc.AbortTransaction(ctx, &pb.TxnRequest{StreamInfo: streamInfo(t.scope, t.stream),
			TxnId: t.idProto()})
	})
	return txnStatusErr("abort", t.id, r, err)
}

func txnStatusErr(op string, id naming.UUID, r *pb.TxnStatus, err error) error {
	if err != nil {
		return fmt.Errorf("%s transaction %s: %w", op, id, err)
	}
	switch r.GetStatus() {
	case pb.TxnStatus_SUCCESS:
		return nil
	case pb.TxnStatus_STREAM_NOT_FOUND:
		return fmt.Errorf("%s transaction %s: %w", op, id, ErrStreamNotFound)
	}
	return fmt.Errorf("%s transaction %s: %w: %v", op, id, ErrTxnNotOpen, r.GetStatus())
}

// Status asks the controller for the transaction's state.
func (t *Transaction) Status(ctx context.Context) (TxnStatus, error) {
	r, err := call(ctx, t.c.ctl, "checkTransactionState", ErrStreamNotFound, func(ctx context.Context) (*pb.TxnState, error) {
		return t.c.ctl.rpc.CheckTransactionState(ctx, &pb.TxnRequest{StreamInfo: streamInfo(t.scope, t.stream),
			TxnId: t.idProto()})
	})
	if err != nil {
		return TxnUnknown, fmt.Errorf("status of transaction %s: %w", t.id, err)
	}
	return TxnStatus(r.GetState()), nil
}

// Wait waits until the transaction is committed or aborted (or unknown)
// and returns that state.
func (t *Transaction) Wait(ctx context.Context) (TxnStatus, error) {
	backoff := 5 * time.Millisecond
	for {
		st, err := t.Status(ctx)
		if err != nil || (st != TxnOpen && st != TxnCommitting && st != TxnAborting) {
			return st, err
		}
		if err := sleep(ctx, backoff); err != nil {
			return st, err
		}
		backoff = min(2*backoff, 200*time.Millisecond)
	}
}

// stop ends the pings and the writer; the Client calls it on Close.
func (t *Transaction) stop() {
	t.once.Do(func() {
		t.cancel()
		t.wg.Wait()
		t.w.stop(ErrClosed)
		t.c.removeCloser(t)
	})
}
