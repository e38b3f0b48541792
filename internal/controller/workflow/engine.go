package workflow

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// Transaction lease bounds and defaults (controller-api §2.8, §7).
const (
	MinLease         = 10 * time.Second
	MaxLease         = 600 * time.Second
	MaxExecutionTime = 24 * time.Hour
	// MaxCompletedTxns bounds listCompletedTransactions per stream.
	MaxCompletedTxns = 500
)

// Config configures an Engine.
type Config struct {
	Store    *store.Store
	Segments *segments.Client
	Clock    Clock // nil: RealClock
	Logger   *slog.Logger
	// TxnCheckInterval is the period of the lease-expiry loop; default 1 s.
	TxnCheckInterval time.Duration
	// Failpoint, if set, is called at named points of the workflows
	// ("scale.created", "scale.applied", "commit.merged", ...); an error
	// stops the workflow there (ErrCrash: without retry). Tests only.
	Failpoint func(point string) error
	// OnExpiryPass, if set, is called after each pass of the expiry loop.
	OnExpiryPass func()
	// WatermarkInterval is the period of the watermarking loop; default
	// DefaultWatermarkInterval (10 s); negative: no loop (ComputeWatermarks
	// still works).
	WatermarkInterval time.Duration
	// OnWatermarkPass, if set, is called after each pass of the
	// watermarking loop.
	OnWatermarkPass func()
	// RetentionInterval is the period of the retention loop, which
	// truncates streams with a retention policy (default 1 min; negative:
	// no loop).
	RetentionInterval time.Duration
	// MaxScaleRecordBytes refuses scales of a stream whose record (every
	// epoch and segment since creation) is larger than this, so that no
	// scale can push it past the metadata store's value size limit and
	// leave the stream unable to seal or delete (default 512 KiB).
	MaxScaleRecordBytes int
}

// Engine runs the controller's workflows. Each workflow is a sequence of
// idempotent steps whose progress is recorded in the metadata store, so
// that an engine started on the same store resumes what a previous one
// left (Recover).
type Engine struct {
	cfg   Config
	st    *store.Store
	ss    *segments.Client
	clock Clock
	log   *slog.Logger
	locks keyedLocks
	wm    *watermarker

	ctx    context.Context // cancelled by Close; background work runs under it
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns an Engine; call Start to recover and run the expiry loop.
func New(cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.TxnCheckInterval <= 0 {
		cfg.TxnCheckInterval = time.Second
	}
	if cfg.RetentionInterval == 0 {
		cfg.RetentionInterval = DefaultRetentionInterval
	}
	if cfg.WatermarkInterval == 0 {
		cfg.WatermarkInterval = DefaultWatermarkInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, st: cfg.Store, ss: cfg.Segments, clock: cfg.Clock, log: cfg.Logger,
		wm: newWatermarker(), ctx: ctx, cancel: cancel}
}

// Start creates the _system scope if needed, resumes every workflow left in
// flight, and starts the transaction lease loop and the watermarking loop.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.CreateScope(ctx, naming.SystemScope); err != nil && !errors.Is(err, ErrScopeExists) {
		return err
	}
	if err := e.Recover(ctx); err != nil {
		return err
	}
	e.wg.Add(1)
	go e.expiryLoop()
	if e.cfg.WatermarkInterval > 0 {
		e.wg.Add(1)
		go e.watermarkLoop()
	}
	if e.cfg.RetentionInterval > 0 {
		e.wg.Add(1)
		go e.retentionLoop()
	}
	return nil
}

// Close stops background work and waits for it. Workflows interrupted by
// Close stay recorded and resume at the next Start.
func (e *Engine) Close() {
	e.cancel()
	e.wg.Wait()
}

// Store returns the engine's record store.
func (e *Engine) Store() *store.Store { return e.st }

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

func (e *Engine) nowMs() int64 { return e.clock.Now().UnixMilli() }

func (e *Engine) fail(point string) error {
	if e.cfg.Failpoint == nil {
		return nil
	}
	return e.cfg.Failpoint(point)
}

// spawn runs fn in the background until it succeeds, retrying other errors
// with backoff; ErrCrash, errParked and Close end it.
func (e *Engine) spawn(what string, fn func(ctx context.Context) error) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		wait := 50 * time.Millisecond
		for {
			err := fn(e.ctx)
			if err == nil || errors.Is(err, errParked) || errors.Is(err, ErrCrash) || e.ctx.Err() != nil {
				if err != nil && !errors.Is(err, errParked) {
					e.log.Info("workflow stopped", "workflow", what, "err", err)
				}
				return
			}
			e.log.Warn("workflow step failed; retrying", "workflow", what, "err", err, "in", wait)
			t := time.NewTimer(wait)
			select {
			case <-e.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			wait = min(2*wait, 5*time.Second)
		}
	}()
}

// Recover resumes every workflow whose marker is in the store.
func (e *Engine) Recover(ctx context.Context) error {
	kvs, err := e.st.List(ctx, store.WorkflowPrefix, 0)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		kind, parts, ok := store.ParseWorkflowKey(kv.Key)
		if !ok {
			continue
		}
		e.log.Info("resuming workflow", "key", kv.Key)
		switch {
		case kind == store.WorkflowStream && len(parts) == 2:
			e.kickStream(parts[0], parts[1])
		case kind == store.WorkflowTxn && len(parts) == 3:
			e.kickTxn(parts[0], parts[1], parts[2])
		case kind == store.WorkflowKVT && len(parts) == 2:
			e.kickKVT(parts[0], parts[1])
		case kind == store.WorkflowRG && len(parts) == 2:
			e.kickRG(parts[0], parts[1])
		}
	}
	return nil
}

// markerOp writes a workflow marker.
func markerOp(op string, kind string, parts ...string) metastore.Op {
	return store.PutOp(store.WorkflowKey(kind, parts...), store.WorkflowMarker{Op: op}, metastore.Unconditional())
}

// clearMarkerOp deletes a workflow marker.
func clearMarkerOp(kind string, parts ...string) metastore.Op {
	return metastore.DeleteOp(store.WorkflowKey(kind, parts...), metastore.Unconditional())
}

func streamLockKey(scope, stream string) string { return "stream/" + scope + "/" + stream }
