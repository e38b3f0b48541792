package driver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Sluice runs `sluice standalone` from a built binary.
type Sluice struct {
	Bin string
	// NoFsync runs with --unsafe-no-fsync (acknowledged writes may be lost
	// on a power failure, not on a process crash).
	NoFsync bool
	// Containers is the segment container count (0: the server default).
	Containers int
}

// Name is the system name in reports.
func (s Sluice) Name() string {
	if s.NoFsync {
		return "sluice-nofsync"
	}
	return "sluice"
}

// Durability says when a write is acknowledged.
func (s Sluice) Durability() string {
	if s.NoFsync {
		return "no fsync (page cache; survives a process crash)"
	}
	return "fsync before ack (group commit)"
}

type sluiceServer struct {
	p   *process
	uri string
}

// Start runs a fresh server with its data under dir.
func (s Sluice) Start(ctx context.Context, dir string) (Server, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	ctl := fmt.Sprintf("127.0.0.1:%d", ports[0])
	ss := fmt.Sprintf("127.0.0.1:%d", ports[1])
	argv := []string{s.Bin, "standalone", "--data-dir", filepath.Join(dir, "data"),
		"--controller-listen", ctl, "--segmentstore-listen", ss,
		"--rest-listen", fmt.Sprintf("127.0.0.1:%d", ports[2]), "--log-level", "warn"}
	if s.NoFsync {
		argv = append(argv, "--unsafe-no-fsync")
	}
	if s.Containers > 0 {
		argv = append(argv, "--containers", fmt.Sprint(s.Containers))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	srv := &sluiceServer{p: newProcess("sluice", dir, nil, argv...), uri: "tcp://" + ctl}
	if err := srv.start(ctx, ctl, ss); err != nil {
		return nil, err
	}
	return srv, nil
}

func (s *sluiceServer) start(ctx context.Context, addrs ...string) error {
	if err := s.p.start(); err != nil {
		return err
	}
	if err := s.p.waitPorts(ctx, 60*time.Second, addrs...); err != nil {
		_ = s.p.signal(syscall.SIGKILL, time.Second)
		return err
	}
	return waitController(ctx, s.uri, 60*time.Second)
}

func (s *sluiceServer) PID() int { return s.p.pid() }

func (s *sluiceServer) Connect(ctx context.Context) (Client, error) {
	return connectProto(ctx, s.uri)
}

func (s *sluiceServer) Kill() error { return s.p.signal(syscall.SIGKILL, 10*time.Second) }

func (s *sluiceServer) Restart(ctx context.Context) error {
	return s.start(ctx)
}

func (s *sluiceServer) Stop(context.Context) error {
	return s.p.signal(syscall.SIGTERM, 30*time.Second)
}

// AlwaysExactlyOnce is true: every append of the Pravega protocol carries the
// writer id and event number, and the client always sends them.
func (Sluice) AlwaysExactlyOnce() bool { return true }
