package metastore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// EmbeddedConfig configures StartEmbedded.
type EmbeddedConfig struct {
	// Dir is the data directory (created if missing). Required. Starting
	// again on the same Dir recovers everything committed before.
	Dir string
	// ClientAddr is the host:port the server listens on for etcd clients.
	// Empty means "127.0.0.1:0"; port 0 picks a free port (see Endpoint).
	ClientAddr string
	// PeerAddr is the host:port of the (unused, single-node) peer listener.
	// Empty means "127.0.0.1:0".
	PeerAddr string
	// Name is the member name; empty means "sluice".
	Name string
	// Prefix is the key prefix of the returned Store (see NewEtcd).
	Prefix string
	// Logger receives etcd's warnings and errors; nil discards them.
	Logger *slog.Logger
	// StartTimeout bounds the wait for the server to serve; 0 means 30 s.
	StartTimeout time.Duration
	// CompactionRetention is how much history (for Watch from an old
	// revision) the server keeps; older revisions are compacted
	// periodically. 0 means one hour.
	CompactionRetention time.Duration
	// UnsafeNoFsync turns off fsync. Only for tests: a crash loses data.
	UnsafeNoFsync bool
}

// Embedded is a single-node etcd server running in this process, with a
// Store on it. It is what `sluice standalone` uses, so that standalone and
// cluster mode share one code path.
type Embedded struct {
	*Etcd
	srv      *embed.Etcd
	cli      *clientv3.Client
	endpoint string
	logs     *etcdLog

	closeOnce sync.Once
	closeErr  error
}

// StartEmbedded starts a single-node etcd server under cfg.Dir and returns
// once it serves and a client is connected. Close stops both.
func StartEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.Dir == "" {
		return nil, errors.New("start embedded etcd: no data directory")
	}
	// etcd warns when the data directory is readable by others.
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("start embedded etcd: %w", err)
	}
	logs := newEtcdLog(cfg.Logger)
	var srv *embed.Etcd
	for attempt := 1; ; attempt++ {
		ec, err := embedConfig(cfg, logs.server)
		if err != nil {
			return nil, fmt.Errorf("start embedded etcd: %w", err)
		}
		srv, err = embed.StartEtcd(ec)
		if err == nil {
			break
		}
		// A free port picked for port 0 can be taken before etcd binds it.
		if attempt < 3 && addrInUse(err) && (port0(cfg.ClientAddr) || port0(cfg.PeerAddr)) {
			continue
		}
		return nil, fmt.Errorf("start embedded etcd in %s: %w", cfg.Dir, err)
	}
	fail := func(err error) (*Embedded, error) {
		logs.mute()
		srv.Close()
		return nil, fmt.Errorf("start embedded etcd in %s: %w", cfg.Dir, err)
	}
	if err := waitReady(ctx, srv, cmp.Or(cfg.StartTimeout, 30*time.Second)); err != nil {
		return fail(err)
	}
	endpoint := "http://" + srv.Clients[0].Addr().String()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   []string{endpoint},
		DialTimeout: 5 * time.Second,
		Logger:      logs.client,
		Context:     context.WithoutCancel(ctx),
	})
	if err != nil {
		return fail(fmt.Errorf("connect to %s: %w", endpoint, err))
	}
	return &Embedded{Etcd: NewEtcd(cli, cfg.Prefix), srv: srv, cli: cli, endpoint: endpoint, logs: logs}, nil
}

// waitReady waits until srv serves: it has elected itself and published its
// member attributes.
func waitReady(ctx context.Context, srv *embed.Etcd, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-srv.Server.ReadyNotify():
		return nil
	case err := <-srv.Err():
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("not ready after %v", timeout)
	}
}

// embedConfig translates cfg into etcd's configuration.
func embedConfig(cfg EmbeddedConfig, lg *zap.Logger) (*embed.Config, error) {
	clientURL, err := listenURL(cfg.ClientAddr)
	if err != nil {
		return nil, fmt.Errorf("client address: %w", err)
	}
	peerURL, err := listenURL(cfg.PeerAddr)
	if err != nil {
		return nil, fmt.Errorf("peer address: %w", err)
	}
	ec := embed.NewConfig()
	ec.Name = cmp.Or(cfg.Name, "sluice")
	ec.Dir = cfg.Dir
	ec.ListenClientUrls = []url.URL{clientURL}
	ec.AdvertiseClientUrls = []url.URL{clientURL}
	ec.ListenPeerUrls = []url.URL{peerURL}
	ec.AdvertisePeerUrls = []url.URL{peerURL}
	ec.InitialCluster = ec.InitialClusterFromName(ec.Name)
	ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(lg)
	// One member has no peers to heartbeat, so short ticks cost nothing
	// and let a restarted member elect itself in tens of milliseconds
	// instead of the ~1 s that etcd's defaults (100 ms / 1 s) take.
	ec.TickMs, ec.ElectionMs = 10, 100
	// etcd's command line sets this default, embed.NewConfig does not; at 0
	// every request would be logged as slow.
	ec.WarningUnaryRequestDuration = embed.DefaultWarningUnaryRequestDuration
	ec.AutoCompactionMode = embed.CompactorModePeriodic
	retention := cfg.CompactionRetention
	if retention == 0 {
		retention = time.Hour
	}
	ec.AutoCompactionRetention = retention.String()
	ec.UnsafeNoFsync = cfg.UnsafeNoFsync
	return ec, nil
}

// listenURL turns host:port (default 127.0.0.1:0) into an http URL. Port 0
// becomes a free port: etcd records the advertised URLs in its member list,
// where ":0" would mislead clients that discover endpoints from it.
func listenURL(addr string) (url.URL, error) {
	host, port, err := net.SplitHostPort(cmp.Or(addr, "127.0.0.1:0"))
	if err != nil {
		return url.URL{}, err
	}
	if port == "0" {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return url.URL{}, fmt.Errorf("pick a free port: %w", err)
		}
		port = strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		if err := l.Close(); err != nil {
			return url.URL{}, err
		}
	}
	return url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}, nil
}

// port0 reports whether addr asks for a free port.
func port0(addr string) bool {
	_, port, err := net.SplitHostPort(cmp.Or(addr, "127.0.0.1:0"))
	return err == nil && port == "0"
}

// addrInUse reports whether err is a failure to bind a taken port.
func addrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use")
}

// Endpoint returns the URL etcd clients (other processes) connect to.
func (e *Embedded) Endpoint() string { return e.endpoint }

// Err reports a fatal server error after start; the owner should shut down.
func (e *Embedded) Err() <-chan error { return e.srv.Err() }

// Close ends the store's watches, closes the client and stops the server,
// waiting until its data is on disk. Later calls return the first result.
func (e *Embedded) Close() error {
	e.closeOnce.Do(func() {
		err := e.Etcd.Close()
		if cerr := e.cli.Close(); cerr != nil && err == nil && !errors.Is(cerr, context.Canceled) {
			err = cerr
		}
		e.logs.mute() // etcd reports its listeners closing as errors
		e.srv.Close()
		e.closeErr = err
	})
	return e.closeErr
}

// Client returns the server's etcd client, for example to open more Etcd
// stores under other prefixes. It is closed by Close.
func (e *Embedded) Client() *clientv3.Client { return e.cli }
