package driver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// PravegaDurable runs REAL Pravega 0.13.0 with a durable tier 1: four JVMs
// (ZooKeeper 3.6.3, one BookKeeper 4.14.1 bookie, the controller and one
// segment store with 4 containers), jars from Maven Central, started by the
// repository's copy of the reference recipe, test/interop/reference/durable.sh.
// The segment store writes tier 1 to BookKeeper with ensemble, write and
// ack quorum 1, and the bookie fsyncs its journal before it acknowledges
// an add; tier 2 (LTS) is a local folder. It is driven by the Sluice Go
// client, like the standalone.
type PravegaDurable struct {
	// Scripts is the folder holding durable.sh (and the lib.sh, pom.xml
	// and logback.xml it uses).
	Scripts string
	// PortOffset is added to every port durable.sh opens (ZooKeeper 2181,
	// bookie 3181, controller 9090/9091, segment store 12345/6061).
	PortOffset int
}

// Name is the system name in reports.
func (PravegaDurable) Name() string { return "pravega-durable" }

// Durability says when a write is acknowledged.
func (PravegaDurable) Durability() string {
	return "fsync before ack (BookKeeper journal, journalSyncData=true, ensemble/quorums 1)"
}

// Notes are the caveats the report prints.
func (PravegaDurable) Notes() []string {
	return []string{"real Pravega 0.13.0 with tier 1 on one BookKeeper bookie (journal fsynced before each ack, group commit), four JVMs (ZooKeeper, bookie, controller, segment store with 4 containers) started by test/interop/reference/durable.sh, driven by the Sluice Go client (Pravega wire protocol)",
		"server CPU s/GB and RSS are the sum over the four JVMs; the settle wait between steps watches the segment store only",
		"bookie journal, entry logs and LTS share one disk; heaps: segment store 1 GiB (+1 GiB direct, 512 MiB cache), bookie and controller 512 MiB, ZooKeeper 256 MiB",
		"W5 readers are low-level segment readers dealt round-robin, not a reader group: Pravega keeps reader-group state Java-serialized and the Go client's reader group uses the Rust/Python format"}
}

// AlwaysExactlyOnce is true, as for Sluice: same protocol and client.
func (PravegaDurable) AlwaysExactlyOnce() bool { return true }

// durableProcs are the JVMs durable.sh starts, in start order: the name of
// the pid file it writes (DATA/<name>.pid) and the main class that must be
// on the process's command line (so a recycled pid is never taken for one).
var durableProcs = []struct{ name, main string }{
	{"zookeeper", "org.apache.zookeeper.server.ZooKeeperServerMain"},
	{"bookie", "org.apache.bookkeeper.server.Main"},
	{"controller", "io.pravega.controller.server.Main"},
	{"segmentstore", "io.pravega.segmentstore.server.host.ServiceStarter"},
}

// durableStartTimeout bounds durable.sh start plus the readiness wait.
const durableStartTimeout = 6 * time.Minute

type pravegaDurableServer struct {
	p    PravegaDurable
	dir  string
	uri  string
	pids map[string]int // by durableProcs name, as of the last start
}

// Start runs a fresh four-JVM cluster with its data under dir.
func (p PravegaDurable) Start(ctx context.Context, dir string) (Server, error) {
	s := &pravegaDurableServer{p: p, dir: filepath.Join(dir, "pravega-durable"),
		uri: fmt.Sprintf("tcp://127.0.0.1:%d", 9090+p.PortOffset)}
	if err := s.start(ctx); err != nil {
		_ = s.Stop(context.Background())
		return nil, err
	}
	return s, nil
}

// script runs durable.sh CMD on the server's data folder.
func (s *pravegaDurableServer) script(ctx context.Context, cmd string) (string, error) {
	c := exec.CommandContext(ctx, "bash", filepath.Join(s.p.Scripts, "durable.sh"), cmd, s.dir)
	c.Env = append(c.Environ(), "PRAVEGA_PORT_OFFSET="+strconv.Itoa(s.p.PortOffset))
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		return out.String(), fmt.Errorf("pravega durable.sh %s: %w: %s", cmd, err, tail(errb.String(), 2000))
	}
	return out.String(), nil
}

// start runs durable.sh start (fresh, or again on the same data after a
// kill), reads the four pids and waits until the cluster accepts work.
func (s *pravegaDurableServer) start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, durableStartTimeout)
	defer cancel()
	if _, err := s.script(ctx, "start"); err != nil {
		return err
	}
	pids, err := readDurablePIDs(s.dir)
	if err != nil {
		return err
	}
	s.pids = pids
	return s.waitReady(ctx)
}

// waitReady waits until the controller answers the Go client and both the
// controller's and the segment store's health endpoints report ready (the
// segment store's includes its containers, which recover from BookKeeper
// after a kill).
func (s *pravegaDurableServer) waitReady(ctx context.Context) error {
	if err := waitController(ctx, s.uri, durableStartTimeout); err != nil {
		return err
	}
	for _, port := range []int{9091 + s.p.PortOffset, 6061 + s.p.PortOffset} {
		if err := waitHealthReady(ctx, fmt.Sprintf("http://127.0.0.1:%d/v1/health/readiness", port)); err != nil {
			return err
		}
	}
	return nil
}

// waitHealthReady polls a Pravega REST readiness endpoint until it answers
// "true" or ctx ends.
func waitHealthReady(ctx context.Context, url string) error {
	hc := &http.Client{Timeout: 5 * time.Second}
	var last string
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := hc.Do(req); err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(b)) == "true" {
				return nil
			}
			last = fmt.Sprintf("%s %q", resp.Status, tail(string(b), 200))
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready (%s): %w", url, last, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// readDurablePIDs reads the pid file durable.sh wrote for each JVM and
// checks that the process runs that JVM's main class.
func readDurablePIDs(dir string) (map[string]int, error) {
	pids := map[string]int{}
	for _, p := range durableProcs {
		b, err := os.ReadFile(filepath.Join(dir, p.name+".pid"))
		if err != nil {
			return nil, err
		}
		pid, err := parsePIDFile(b)
		if err != nil {
			return nil, fmt.Errorf("%s.pid: %w", p.name, err)
		}
		if !procRuns(pid, p.main) {
			return nil, fmt.Errorf("%s: pid %d is not running %s", p.name, pid, p.main)
		}
		pids[p.name] = pid
	}
	return pids, nil
}

// parsePIDFile reads a pid file: one positive decimal number, surrounding
// white space allowed.
func parsePIDFile(b []byte) (int, error) {
	s := strings.TrimSpace(string(b))
	pid, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("not a pid: %q", s)
	}
	if pid <= 0 {
		return 0, fmt.Errorf("not a pid: %d", pid)
	}
	return pid, nil
}

// procRuns reports whether pid is alive (not a zombie) and its command
// line contains marker.
func procRuns(pid int, marker string) bool {
	if !procAlive(pid) {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && cmdlineHas(b, marker)
}

// cmdlineHas reports whether a /proc/<pid>/cmdline (NUL-separated
// arguments) contains marker.
func cmdlineHas(cmdline []byte, marker string) bool {
	return strings.Contains(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})), marker)
}

// procAlive reports whether pid runs. An ended process that nobody reaped
// (a zombie: the JVMs are orphans once durable.sh exits, and the init of a
// container may not reap them) counts as ended.
func procAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	return statState(b) != "Z" && statState(b) != "X"
}

// statState is the state field (3) of a /proc/<pid>/stat line, read after
// the command name's closing parenthesis (the name may hold spaces).
func statState(stat []byte) string {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// PID is the segment store, the process that handles every append.
func (s *pravegaDurableServer) PID() int { return s.pids["segmentstore"] }

// PIDs are all four JVMs, whose CPU and RSS count as the server's.
func (s *pravegaDurableServer) PIDs() []int {
	out := make([]int, 0, len(durableProcs))
	for _, p := range durableProcs {
		if pid := s.pids[p.name]; pid > 0 {
			out = append(out, pid)
		}
	}
	return out
}

// Connect opens a Go client; its readers are low-level segment readers,
// not a reader group (Pravega keeps reader-group state Java-serialized).
func (s *pravegaDurableServer) Connect(ctx context.Context) (Client, error) {
	c, err := connectProto(ctx, s.uri)
	if err != nil {
		return nil, err
	}
	c.segmentReaders = true
	return c, nil
}

// Kill sends SIGKILL to all four JVMs (the pids read at the last start,
// each checked against its main class again) and waits until they ended.
// The segment store, which sends the acknowledgements, goes first, then
// the others in reverse start order: by the time every JVM has ended, the
// client has handled the acks the segment store sent before it died, so
// none of them counts as the first ack after the kill (W10). With
// ZooKeeper first, one such ack came 2 ms after Kill returned.
func (s *pravegaDurableServer) Kill() error {
	var pids []int
	var errs []error
	for i := len(durableProcs) - 1; i >= 0; i-- {
		p := durableProcs[i]
		pid := s.pids[p.name]
		if !procRuns(pid, p.main) {
			errs = append(errs, fmt.Errorf("kill %s: pid %d is not running %s", p.name, pid, p.main))
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			errs = append(errs, fmt.Errorf("kill %s (pid %d): %w", p.name, pid, err))
			continue
		}
		pids = append(pids, pid)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, pid := range pids {
		for procAlive(pid) {
			if time.Now().After(deadline) {
				return fmt.Errorf("pid %d still alive 30 s after SIGKILL", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return errors.Join(errs...)
}

// Restart runs durable.sh start again on the same data and waits until
// the controller and the segment store (all containers recovered) are
// ready.
func (s *pravegaDurableServer) Restart(ctx context.Context) error { return s.start(ctx) }

// Stop runs durable.sh stop (SIGTERM, controller first; the harness
// deletes the data folder afterwards).
func (s *pravegaDurableServer) Stop(ctx context.Context) error {
	_, err := s.script(ctx, "stop")
	return err
}
