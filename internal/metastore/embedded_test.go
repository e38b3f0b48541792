package metastore_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/metastore/metastoretest"
)

// startEmbedded starts a server in dir and closes it when t ends.
func startEmbedded(t *testing.T, dir string) *metastore.Embedded {
	return startEmbeddedConfig(t, metastore.EmbeddedConfig{Dir: dir})
}

func startEmbeddedConfig(t *testing.T, cfg metastore.EmbeddedConfig) *metastore.Embedded {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := metastore.StartEmbedded(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestEmbedded runs the contract suite against a fresh single-node server
// per subtest, including restarts on the same data directory.
func TestEmbedded(t *testing.T) {
	metastoretest.Run(t, func(t *testing.T) metastoretest.Instance {
		dir := filepath.Join(t.TempDir(), "etcd")
		e := startEmbedded(t, dir)
		return metastoretest.Instance{
			Store:   e,
			Advance: time.Sleep,
			Restart: func() metastore.Store {
				if err := e.Close(); err != nil {
					t.Fatal(err)
				}
				e = startEmbedded(t, dir)
				return e
			},
		}
	})
}

// TestEtcdPrefix runs the suite against Etcd stores under distinct prefixes
// of one server, with foreign keys around them: nothing may leak across.
// Durability is TestEmbedded's business; this server skips fsync.
func TestEtcdPrefix(t *testing.T) {
	e := startEmbeddedConfig(t, metastore.EmbeddedConfig{Dir: filepath.Join(t.TempDir(), "etcd"), UnsafeNoFsync: true})
	ctx := context.Background()
	for _, k := range []string{"a", "tenant", "tenant/", "tenant0", "tenant/x", "zzz", "\xff"} {
		if _, err := e.Put(ctx, k, []byte("foreign"), metastore.Unconditional()); err != nil {
			t.Fatal(err)
		}
	}
	var n atomic.Int64
	metastoretest.Run(t, func(t *testing.T) metastoretest.Instance {
		s := metastore.NewEtcd(e.Client(), fmt.Sprintf("tenant/%d/", n.Add(1)))
		t.Cleanup(func() { s.Close() })
		return metastoretest.Instance{Store: s, Advance: time.Sleep}
	})
}

// TestEmbeddedStartup measures a restart on an existing data directory,
// which is what `sluice standalone` does on every start.
func TestEmbeddedStartup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "etcd")
	e := startEmbedded(t, dir)
	if _, err := e.Put(t.Context(), "k", []byte("v"), metastore.Unconditional()); err != nil {
		t.Fatal(err)
	}
	e.Close()
	var worst time.Duration
	for range 3 {
		start := time.Now()
		e := startEmbedded(t, dir)
		if _, err := e.Get(t.Context(), "k"); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		worst = max(worst, took)
		t.Logf("restart and first read: %v", took)
		e.Close()
	}
	if worst > time.Second {
		t.Errorf("restart took %v, want well under 1 s", worst)
	}
}

// TestEmbeddedFixedPorts starts on explicit ports and checks that clients
// find the server where it was told to listen.
func TestEmbeddedFixedPorts(t *testing.T) {
	e := startEmbedded(t, filepath.Join(t.TempDir(), "etcd"))
	endpoint := e.Endpoint()
	e.Close()
	addr := strings.TrimPrefix(endpoint, "http://")
	e = startEmbeddedConfig(t, metastore.EmbeddedConfig{Dir: filepath.Join(t.TempDir(), "etcd2"), ClientAddr: addr})
	if e.Endpoint() != endpoint {
		t.Fatalf("endpoint %s, want %s", e.Endpoint(), endpoint)
	}
	resp, err := e.Client().MemberList(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Members[0].ClientURLs; len(got) != 1 || got[0] != endpoint {
		t.Fatalf("advertised client URLs %q, want [%s]", got, endpoint)
	}
}
