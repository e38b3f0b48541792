package driver

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Pravega runs REAL Pravega 0.13 standalone (LocalPravegaEmulator, jars
// from Maven Central) through the repository's fixed copy of the reference
// scripts (test/interop/reference/run.sh, stop.sh), and drives it with the
// Sluice Go client, which speaks Pravega's protocol: the numbers measure
// Pravega's server, not its Java client.
type Pravega struct {
	// Scripts is the folder holding run.sh and stop.sh.
	Scripts string
	// PortOffset is added to Pravega's default ports (9090, 12345, ...).
	PortOffset int
}

// Name is the system name in reports.
func (Pravega) Name() string { return "pravega-standalone" }

// Durability says when a write is acknowledged.
func (Pravega) Durability() string {
	return "none (in-memory tier 1, no fsync; LTS on files)"
}

// Notes are the caveats the report prints.
func (Pravega) Notes() []string {
	return []string{"real Pravega 0.13.0 standalone driven by the Sluice Go client (Pravega wire protocol); tier 1 is in memory, so nothing is durable",
		"W5 readers are low-level segment readers dealt round-robin, not a reader group: Pravega keeps reader-group state Java-serialized and the Go client's reader group uses the Rust/Python format"}
}

type pravegaServer struct {
	p   Pravega
	dir string
	pid int
	uri string
}

// Start runs a fresh server with its data under dir.
func (p Pravega) Start(ctx context.Context, dir string) (Server, error) {
	run := filepath.Join(dir, "pravega")
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(p.Scripts, "run.sh"), run)
	cmd.Env = append(cmd.Environ(), "PRAVEGA_LTS=fs", "PRAVEGA_PORT_OFFSET="+strconv.Itoa(p.PortOffset))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("pravega run.sh: %w: %s", err, tail(errb.String(), 2000))
	}
	s := &pravegaServer{p: p, dir: run, uri: fmt.Sprintf("tcp://127.0.0.1:%d", 9090+p.PortOffset)}
	for _, l := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "PID="); ok {
			s.pid, _ = strconv.Atoi(v)
		}
	}
	if s.pid == 0 {
		return nil, fmt.Errorf("pravega run.sh printed no PID: %s", out.String())
	}
	if err := waitController(ctx, s.uri, 120*time.Second); err != nil {
		_ = s.Stop(ctx)
		return nil, err
	}
	return s, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (s *pravegaServer) PID() int { return s.pid }

// Connect opens a Go client; its readers are low-level segment readers,
// not a reader group (Pravega keeps reader-group state Java-serialized).
func (s *pravegaServer) Connect(ctx context.Context) (Client, error) {
	c, err := connectProto(ctx, s.uri)
	if err != nil {
		return nil, err
	}
	c.segmentReaders = true
	return c, nil
}

func (s *pravegaServer) Kill() error {
	return fmt.Errorf("kill: %w (standalone Pravega keeps tier 1 in memory)", ErrUnsupported)
}

func (s *pravegaServer) Restart(context.Context) error {
	return fmt.Errorf("restart: %w (standalone Pravega keeps tier 1 in memory)", ErrUnsupported)
}

func (s *pravegaServer) Stop(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "bash", filepath.Join(s.p.Scripts, "stop.sh"), s.dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pravega stop.sh: %w: %s", err, out)
	}
	return nil
}

// AlwaysExactlyOnce is true, as for Sluice: same protocol and client.
func (Pravega) AlwaysExactlyOnce() bool { return true }
