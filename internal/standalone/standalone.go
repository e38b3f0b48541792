// Package standalone runs a whole Sluice node in one process: an embedded
// single-node etcd for metadata, the controller, the segment store and the
// HTTP endpoints (the REST admin API). It is what `sluice standalone` and
// end-to-end tests start.
package standalone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sluicestream/sluice/internal/auth/token"
	"github.com/sluicestream/sluice/internal/controller"
	"github.com/sluicestream/sluice/internal/controller/autoscale"
	"github.com/sluicestream/sluice/internal/controller/service"
	"github.com/sluicestream/sluice/internal/loadreport"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/server"
)

// Config configures a standalone node.
type Config struct {
	// DataDir holds etcd's data, the journal and long-term storage. Empty
	// with InMemory set means a temporary directory removed on Close.
	DataDir string
	// InMemory makes the node throwaway: data in a temporary directory that
	// Close removes, and no fsync anywhere.
	InMemory bool
	// ControllerAddress is the controller's gRPC listen address
	// (default 127.0.0.1:9090).
	ControllerAddress string
	// SegmentStoreAddress is the wire protocol listen address
	// (default 127.0.0.1:12345).
	SegmentStoreAddress string
	// RESTAddress is the HTTP listen address of the REST admin API and the
	// node's other HTTP endpoints; `sluice standalone` passes 127.0.0.1:9091.
	// Empty means a free port on 127.0.0.1 (see RESTAddr), not 9091: tests
	// that predate the REST API start nodes in parallel without setting it.
	RESTAddress string
	// ContainerCount is the number of segment containers (default 4).
	ContainerCount int
	// NoSync turns off the journal's fsync (benchmarks only).
	NoSync bool
	// Storage is long-term storage; nil means the filesystem under DataDir.
	Storage lts.ChunkStorage
	// Tiering tunes the move of data to long-term storage.
	Tiering container.Tiering
	// SigningKey turns auth on: the controller issues delegation tokens
	// signed with it and the segment store accepts only those. Empty means
	// auth off (every token accepted, tokens are "").
	SigningKey []byte
	// Autoscale tunes automatic scaling of streams with a by-rate policy;
	// NoAutoscale turns it off. LoadReporting tunes the segment store's
	// rate measurement (its Sink is the controller's scaler).
	Autoscale     autoscale.Config
	NoAutoscale   bool
	LoadReporting segmentstore.LoadReporting
	// TokenTTL is the lifetime of delegation tokens (default 600 s).
	TokenTTL time.Duration
	// Profiling serves the Go runtime's profiles at /debug/pprof/ on the
	// HTTP listener.
	Profiling bool
	Logger    *slog.Logger
}

// Node is a running standalone node.
type Node struct {
	dataDir    string
	removeData bool
	etcd       *metastore.Embedded
	store      *segmentstore.Store
	controller *controller.Server
	http       *httpServer
	started    time.Duration
}

// Start starts etcd, the segment store, the controller and the HTTP
// listener, in that order.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	began := time.Now()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ControllerAddress == "" {
		cfg.ControllerAddress = "127.0.0.1:9090"
	}
	if cfg.SegmentStoreAddress == "" {
		cfg.SegmentStoreAddress = "127.0.0.1:12345"
	}
	if cfg.RESTAddress == "" {
		cfg.RESTAddress = "127.0.0.1:0"
	}
	if cfg.ContainerCount <= 0 {
		cfg.ContainerCount = 4
	}
	n := &Node{dataDir: cfg.DataDir}
	if cfg.InMemory {
		dir, err := os.MkdirTemp("", "sluice-inmemory-")
		if err != nil {
			return nil, err
		}
		n.dataDir, n.removeData = dir, true
		cfg.NoSync = true
	}
	if n.dataDir == "" {
		return nil, errors.New("standalone: a data directory is required (or in-memory mode)")
	}
	var (
		err           error
		verifier      server.TokenVerifier
		tokens        service.Tokens
		internalToken string
	)
	if len(cfg.SigningKey) > 0 {
		signer := &token.Signer{Key: cfg.SigningKey, TTL: cfg.TokenTTL}
		if internalToken, err = signer.IssueInternal(); err != nil {
			return nil, fmt.Errorf("issue the controller's internal token: %w", err)
		}
		verifier = token.SegmentStoreVerifier{Verifier: &token.Verifier{Key: cfg.SigningKey}}
		tokens = token.ControllerTokens{Signer: signer}
	}
	n.etcd, err = metastore.StartEmbedded(ctx, metastore.EmbeddedConfig{
		Dir: filepath.Join(n.dataDir, "etcd"), Logger: cfg.Logger, UnsafeNoFsync: cfg.InMemory,
	})
	if err != nil {
		_ = n.Close()
		return nil, fmt.Errorf("start metadata store: %w", err)
	}
	// One registry for the node's metrics, served at /metrics.
	reg := metrics.NewRegistry()
	// Load reports reach the controller's auto-scaler once it runs.
	loads := &loadreport.Forwarder{}
	loadCfg := cfg.LoadReporting
	loadCfg.Sink = loads
	n.store, err = segmentstore.Start(ctx, segmentstore.Config{
		DataDir: filepath.Join(n.dataDir, "segmentstore"), Address: cfg.SegmentStoreAddress,
		ContainerCount: cfg.ContainerCount, NoSync: cfg.NoSync, Storage: cfg.Storage, Tiering: cfg.Tiering,
		Tokens: verifier, Logger: cfg.Logger, Load: loadCfg, Metrics: reg,
	})
	if err != nil {
		_ = n.Close()
		return nil, fmt.Errorf("start segment store: %w", err)
	}
	n.controller, err = controller.Start(ctx, controller.Config{
		Address: cfg.ControllerAddress, Store: n.etcd, SegmentStore: publishable(n.store.Addr()),
		ContainerCount: cfg.ContainerCount, Tokens: tokens, InternalToken: internalToken, Logger: cfg.Logger,
		Autoscale: cfg.Autoscale, NoAutoscale: cfg.NoAutoscale, Metrics: reg,
	})
	if err != nil {
		_ = n.Close()
		return nil, fmt.Errorf("start controller: %w", err)
	}
	loads.Set(n.controller.LoadSink())
	mux, err := newHTTPMux(n.controller, reg, cfg.Profiling, cfg.Logger)
	if err == nil {
		n.http, err = startHTTP(cfg.RESTAddress, mux, cfg.Logger)
	}
	if err != nil {
		_ = n.Close()
		return nil, fmt.Errorf("start REST API: %w", err)
	}
	n.started = time.Since(began)
	return n, nil
}

// publishable turns a listen address into one clients can dial: an
// unspecified host (0.0.0.0, ::) becomes loopback.
func publishable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// ControllerAddr is the controller's gRPC address.
func (n *Node) ControllerAddr() net.Addr { return n.controller.Addr() }

// SegmentStoreAddr is the wire protocol address.
func (n *Node) SegmentStoreAddr() net.Addr { return n.store.Addr() }

// Controller is the node's controller.
func (n *Node) Controller() *controller.Server { return n.controller }

// RESTAddr is the HTTP address of the REST API (under /v1/).
func (n *Node) RESTAddr() net.Addr { return n.http.ln.Addr() }

// HTTPMux is the mux of the HTTP listener. Handlers mounted on it after
// Start are served at once (a ServeMux is safe for concurrent use).
func (n *Node) HTTPMux() *http.ServeMux { return n.http.mux }

// DataDir is where the node keeps its data.
func (n *Node) DataDir() string { return n.dataDir }

// StartupTime is how long Start took.
func (n *Node) StartupTime() time.Duration { return n.started }

// Close stops the HTTP listener, the controller, the segment store and
// etcd, in that order.
func (n *Node) Close() error {
	var errs []error
	if n.http != nil {
		errs = append(errs, n.http.Close())
	}
	if n.controller != nil {
		errs = append(errs, n.controller.Close())
	}
	if n.store != nil {
		errs = append(errs, n.store.Close())
	}
	if n.etcd != nil {
		errs = append(errs, n.etcd.Close())
	}
	if n.removeData {
		errs = append(errs, os.RemoveAll(n.dataDir))
	}
	return errors.Join(errs...)
}
