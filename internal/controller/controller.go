package controller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/autoscale"
	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/service"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/loadreport"
	"github.com/sluicestream/sluice/internal/metastore"
)

// Config configures a controller.
type Config struct {
	// Address is the gRPC listen address; default "127.0.0.1:9090".
	Address string
	// PublishedAddress is the "host:port" announced by
	// getControllerServerList; default the listener's address.
	PublishedAddress string
	// Store holds the metadata. Required. The controller does not close it.
	Store metastore.Store
	// SegmentStore is the "host:port" of the segment store owning every
	// container (single node). Required unless Resolver is set.
	SegmentStore string
	// Resolver maps containers to segment stores; overrides SegmentStore.
	Resolver segments.Resolver
	// ContainerCount must equal the segment stores'; default 4.
	ContainerCount int
	// Tokens issues delegation tokens; nil = auth off (tokens "").
	Tokens service.Tokens
	// InternalToken is sent with the controller's own requests to the
	// segment stores ("" while auth is off).
	InternalToken string
	// Clock drives transaction leases; nil = wall clock.
	Clock workflow.Clock
	// TxnCheckInterval is the period of the lease-expiry loop; default 1 s.
	TxnCheckInterval time.Duration
	// WatermarkInterval is the period of watermark computation; default
	// 10 s (Pravega's controller.watermarking.frequency.seconds); negative
	// turns the loop off.
	WatermarkInterval time.Duration
	Logger            *slog.Logger
	// Failpoint injects crashes into workflows (tests only; see workflow.Config).
	Failpoint func(point string) error
	// Autoscale tunes automatic scaling of streams with a by-rate policy;
	// NoAutoscale turns it off.
	Autoscale   autoscale.Config
	NoAutoscale bool
	// Metrics, if set, gets the gRPC server's metrics (grpc_server_* per
	// method: requests, codes, handling time) and the auto-scaler's;
	// Close unregisters them.
	Metrics prometheus.Registerer
}

// Server is a running controller.
type Server struct {
	ln     net.Listener
	grpc   *grpc.Server
	svc    *service.Service
	engine *workflow.Engine
	scaler *autoscale.Scaler // nil when auto-scaling is off
	// metrics and collectors: what Close unregisters.
	metrics    prometheus.Registerer
	collectors []prometheus.Collector
	ss         *segments.Client
	done       chan struct{}
}

// Start resumes the workflows recorded in the store and serves gRPC.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("controller: Config.Store is required")
	}
	if cfg.Resolver == nil {
		if cfg.SegmentStore == "" {
			return nil, errors.New("controller: Config.SegmentStore or Resolver is required")
		}
		cfg.Resolver = segments.Static(cfg.SegmentStore)
	}
	if cfg.Address == "" {
		cfg.Address = "127.0.0.1:9090"
	}
	if cfg.ContainerCount <= 0 {
		cfg.ContainerCount = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ss := segments.New(segments.Config{Resolver: cfg.Resolver, ContainerCount: cfg.ContainerCount,
		Token: cfg.InternalToken, Logger: cfg.Logger.With("component", "segments")})
	engine := workflow.New(workflow.Config{Store: store.New(cfg.Store), Segments: ss, Clock: cfg.Clock,
		Logger: cfg.Logger.With("component", "workflow"), TxnCheckInterval: cfg.TxnCheckInterval,
		WatermarkInterval: cfg.WatermarkInterval, Failpoint: cfg.Failpoint})
	if err := engine.Start(ctx); err != nil {
		engine.Close()
		_ = ss.Close()
		return nil, fmt.Errorf("controller: start workflows: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		engine.Close()
		_ = ss.Close()
		return nil, fmt.Errorf("controller: listen: %w", err)
	}
	published := cfg.PublishedAddress
	if published == "" {
		published = ln.Addr().String()
	}
	svc := service.New(service.Config{Engine: engine, Resolver: cfg.Resolver, ContainerCount: cfg.ContainerCount,
		Controllers: []string{published}, Tokens: cfg.Tokens, Logger: cfg.Logger.With("component", "grpc")})
	opts := []grpc.ServerOption{grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
		MinTime: 10 * time.Second, PermitWithoutStream: true})}
	var rpcMetrics *grpcprom.ServerMetrics
	if cfg.Metrics != nil {
		rpcMetrics = grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
		opts = append(opts, grpc.ChainUnaryInterceptor(rpcMetrics.UnaryServerInterceptor()),
			grpc.ChainStreamInterceptor(rpcMetrics.StreamServerInterceptor()))
	}
	gs := grpc.NewServer(opts...)
	pb.RegisterControllerServiceServer(gs, svc)
	s := &Server{ln: ln, grpc: gs, svc: svc, engine: engine, ss: ss, done: make(chan struct{})}
	if !cfg.NoAutoscale {
		s.scaler = autoscale.NewScaler(cfg.Autoscale, engine, engine.Clock().Now, cfg.Logger.With("component", "autoscale"))
	}
	if cfg.Metrics != nil {
		rpcMetrics.InitializeMetrics(gs)
		s.collectors = append(s.collectors, rpcMetrics)
		if s.scaler != nil {
			s.collectors = append(s.collectors, s.scaler.Collectors()...)
		}
		for _, c := range s.collectors {
			if err := cfg.Metrics.Register(c); err != nil {
				_ = s.Close()
				return nil, fmt.Errorf("controller: register metrics: %w", err)
			}
		}
		s.metrics = cfg.Metrics
	}
	go func() {
		defer close(s.done)
		_ = gs.Serve(ln)
	}()
	return s, nil
}

// Addr is the gRPC listen address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Service is the service that serves gRPC, for in-process front ends (the
// REST API) that must share its validation and semantics.
func (s *Server) Service() pb.ControllerServiceServer { return s.svc }

// Workflows is the workflow engine, for reads that no gRPC call answers
// (the REST API's scaling events read a stream's epoch history).
func (s *Server) Workflows() *workflow.Engine { return s.engine }

// LoadSink receives the segment stores' load reports for auto-scaling
// (nil when it is off).
func (s *Server) LoadSink() loadreport.Sink {
	if s.scaler == nil {
		return nil
	}
	return s.scaler
}

// Scaler is the auto-scaler, for its record of decisions (nil when off).
func (s *Server) Scaler() *autoscale.Scaler { return s.scaler }

// Close stops serving, stops the workflows (they resume at the next Start
// on the same store) and closes the segment-store connections.
func (s *Server) Close() error {
	if s.metrics != nil {
		for _, c := range s.collectors {
			s.metrics.Unregister(c)
		}
		s.metrics = nil
	}
	if s.scaler != nil {
		s.scaler.Close()
	}
	s.grpc.Stop()
	<-s.done
	s.engine.Close()
	return s.ss.Close()
}
