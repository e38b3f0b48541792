package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/tables"
)

// Config configures the segment store's listener.
type Config struct {
	// Address to listen on, e.g. "127.0.0.1:12345" (":0" picks a port).
	Address string
	// Containers holds the containers by id; its length is the cluster's
	// container count. A nil entry is a container this node does not own:
	// requests for its segments get WrongHost.
	Containers []*container.Container
	// Tokens checks delegation tokens; nil accepts everything (auth off).
	Tokens TokenVerifier
	Logger *slog.Logger
	// MaxInflightBytes bounds the append bytes of one connection waiting for
	// durability before the server stops reading it (default 64 MiB).
	MaxInflightBytes int64
	// MaxOutboxBytes bounds one connection's encoded replies waiting to be
	// sent before the server stops reading it (default 16 MiB).
	MaxOutboxBytes int
	// TableSnapshotMinBytes is the least log growth between two index
	// snapshots of a table segment (0 = the tables package's default).
	TableSnapshotMinBytes int64
}

// Server accepts wire protocol connections.
type Server struct {
	cfg      Config
	logger   *slog.Logger
	listener net.Listener
	wg       sync.WaitGroup
	// tables is the table-segment layer of each owned container (by id).
	tables []*tables.Tables

	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
}

// Start listens and serves until Close.
func Start(_ context.Context, cfg Config) (*Server, error) {
	if len(cfg.Containers) == 0 {
		return nil, errors.New("segment store server: no containers configured")
	}
	if cfg.Tokens == nil {
		cfg.Tokens = AllowAll{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxInflightBytes <= 0 {
		cfg.MaxInflightBytes = 64 << 20
	}
	if cfg.MaxOutboxBytes <= 0 {
		cfg.MaxOutboxBytes = 16 << 20
	}
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("segment store listen on %s: %w", cfg.Address, err)
	}
	s := &Server{cfg: cfg, logger: cfg.Logger, listener: ln, conns: make(map[*conn]struct{})}
	s.tables = newTables(cfg.Containers, tables.Options{Logger: cfg.Logger, SnapshotMinBytes: cfg.TableSnapshotMinBytes})
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// Close stops accepting, closes every connection and waits for their
// goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	err := s.listener.Close()
	for _, c := range conns {
		c.shutdown()
	}
	s.wg.Wait()
	for _, ts := range s.tables {
		if ts != nil {
			ts.Close()
		}
	}
	return err
}

// Connections is the number of open connections.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.listener.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.logger.Error("segment store accept failed", "err", err)
			}
			return
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(2)
		go c.writeLoop()
		go c.readLoop()
	}
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// containerFor returns the container that owns segment, or nil if another
// node owns it.
func (s *Server) containerFor(segment string) *container.Container {
	id := naming.ContainerOf(segment, len(s.cfg.Containers))
	return s.cfg.Containers[id]
}
