// Package segmentstore assembles a segment store node: the journal (tier 1),
// one container per owned container id, and the wire protocol listener.
package segmentstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	ltsfs "github.com/sluicestream/sluice/internal/segmentstore/lts/fs"
	"github.com/sluicestream/sluice/internal/segmentstore/server"
	"github.com/sluicestream/sluice/internal/vfs"
)

// Config configures a segment store node.
type Config struct {
	// DataDir holds the journal (and later the local long-term storage).
	DataDir string
	// FS is the filesystem under DataDir; nil means the operating system's.
	FS vfs.FS
	// Address is the wire protocol listen address (default 127.0.0.1:12345).
	Address string
	// ContainerCount is the cluster-wide number of containers (default 4).
	// This node owns all of them until cluster mode assigns containers.
	ContainerCount int
	// NoSync skips fsync in the journal. Benchmarks only: acknowledged data
	// can be lost on a crash.
	NoSync bool
	// JournalFileSize rolls journal files at this size (0 = journal default).
	JournalFileSize int64
	// JournalBufferBytes bounds the bytes appended to the journal but not
	// yet written; appends wait beyond it. Smaller commits mean lower
	// acknowledgement latency under load (default 16 MiB).
	JournalBufferBytes int
	// Storage is long-term storage (tier 2); nil means the filesystem
	// under DataDir/lts.
	Storage lts.ChunkStorage
	// Tiering tunes the storage writer; zero fields take defaults.
	// CacheBudget and MaxUnflushed are for the whole node and are divided
	// among the containers.
	Tiering container.Tiering
	// TableSnapshotMinBytes is the least log growth between two index
	// snapshots of a table segment (0 = default, 8 MiB).
	TableSnapshotMinBytes int64
	// Metrics, if set, gets the store's collector (journal, containers,
	// long-term storage, connections); Close unregisters it.
	Metrics prometheus.Registerer
	// Load measures the rates of segments with a by-rate scaling policy
	// and reports them for auto-scaling (off without a Sink).
	Load LoadReporting
	// NoOrphanSweep skips the background sweep of long-term storage for
	// objects left behind by a crash (tests that count objects).
	NoOrphanSweep bool
	// Tokens checks delegation tokens; nil accepts all (auth off).
	Tokens server.TokenVerifier
	Logger *slog.Logger
	// Now is the clock for segment timestamps; nil = time.Now.
	Now func() time.Time
}

// Store is a running segment store node.
type Store struct {
	journal    *journal.Journal
	containers []*container.Container
	server     *server.Server
	storage    lts.ChunkStorage
	logger     *slog.Logger

	metrics  prometheus.Registerer // nil: not registered
	bgCtx    context.Context       // cancelled by Close; bounds background work
	bgCancel context.CancelFunc
	bg       sync.WaitGroup
}

// Start recovers every container from the journal and starts serving.
func Start(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Address == "" {
		cfg.Address = "127.0.0.1:12345"
	}
	if cfg.ContainerCount <= 0 {
		cfg.ContainerCount = 4
	}
	if cfg.FS == nil {
		cfg.FS = vfs.Default()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Storage == nil {
		fsStore, err := ltsfs.New(cfg.FS, filepath.Join(cfg.DataDir, "lts"))
		if err != nil {
			return nil, fmt.Errorf("open long-term storage: %w", err)
		}
		cfg.Storage = fsStore
	}
	began := time.Now()
	j, err := journal.Open(cfg.FS, filepath.Join(cfg.DataDir, "journal"), journal.Options{
		NoSync: cfg.NoSync, FileSize: cfg.JournalFileSize, Logger: cfg.Logger,
		MaxBufferedBytes: cmp.Or(cfg.JournalBufferBytes, 16<<20),
	})
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	st := &Store{journal: j, containers: make([]*container.Container, cfg.ContainerCount),
		storage: cfg.Storage, logger: cfg.Logger}
	st.bgCtx, st.bgCancel = context.WithCancel(context.Background())
	perContainer := cfg.Tiering
	perContainer.CacheBudget /= int64(cfg.ContainerCount)
	perContainer.MaxUnflushed /= int64(cfg.ContainerCount)
	for id := range st.containers {
		log := j.Log(uint32(id))
		ctr, err := container.Open(container.Config{ID: id, Log: log, Now: cfg.Now, Logger: cfg.Logger,
			Storage: cfg.Storage, Tiering: perContainer})
		if err != nil {
			_ = st.close()
			return nil, err
		}
		log.SetListener(ctr.Durable)
		st.containers[id] = ctr
	}
	srv, err := server.Start(ctx, server.Config{
		Address: cfg.Address, Containers: st.containers, Tokens: cfg.Tokens, Logger: cfg.Logger,
		TableSnapshotMinBytes: cfg.TableSnapshotMinBytes,
	})
	if err != nil {
		_ = st.close()
		return nil, err
	}
	st.server = srv
	if cfg.Metrics != nil {
		if err := cfg.Metrics.Register(collector{st}); err != nil {
			_ = st.close()
			return nil, fmt.Errorf("register metrics: %w", err)
		}
		st.metrics = cfg.Metrics
	}
	if !cfg.NoOrphanSweep {
		st.bg.Add(1)
		go st.sweepInBackground()
	}
	if cfg.Load.Sink != nil {
		st.bg.Add(1)
		go st.reportLoads(cfg.Load)
	}
	cfg.Logger.Info("segment store ready", "address", srv.Addr().String(), "containers", cfg.ContainerCount,
		"fsync", !cfg.NoSync, "recovery", time.Since(began).Round(time.Millisecond))
	return st, nil
}

// Addr is the wire protocol address.
func (s *Store) Addr() net.Addr { return s.server.Addr() }

// JournalStats reports the journal's counters.
func (s *Store) JournalStats() journal.Stats { return s.journal.Stats() }

// Close stops serving, then closes the containers and the journal.
func (s *Store) Close() error { return s.close() }

func (s *Store) close() error {
	if s.metrics != nil {
		s.metrics.Unregister(collector{s})
	}
	s.bgCancel()
	s.bg.Wait()
	var errs []error
	if s.server != nil {
		errs = append(errs, s.server.Close())
	}
	for _, c := range s.containers {
		if c != nil {
			c.Close()
		}
	}
	errs = append(errs, s.journal.Close())
	return errors.Join(errs...)
}
