// Package interop proves wire compatibility with the real Pravega clients: it starts `sluice standalone`
// (or uses an external server) and runs the Python suite (pravega 0.3.8, ./python) and the Java suite
// (io.pravega:pravega-client 0.13.0, ./java) against it. See README.md.
//
// Environment:
//
//	SLUICE_BIN=path               use this sluice binary instead of building bin/sluice
//	SLUICE_INTEROP_EXTERNAL=uri   run the suites against a running server (e.g. tcp://127.0.0.1:9090, real
//	                              Pravega) instead of starting sluice
//	SLUICE_INTEROP_REQUIRED=1     fail instead of skip when something is missing (standalone command, python3,
//	                              mvn, java)
//	SLUICE_INTEROP_SKIP_PYTHON=1, SLUICE_INTEROP_SKIP_JAVA=1   skip one suite
//	SLUICE_INTEROP_M2=dir         Maven local repository (default: Maven's own, ~/.m2/repository)
package interop

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	readyPrefix  = "sluice standalone ready"
	readyTimeout = 90 * time.Second
	stopGrace    = 10 * time.Second
	// Limits per python test file and for the java suite. Against real Pravega the python files take
	// 2-25 s each and the java suite about 65 s.
	pythonFileLimit = 5 * time.Minute
	javaLimit       = 12 * time.Minute
)

// sluiceGaps are Java test classes that need a Sluice feature that does not
// exist yet; against Sluice they are left out (and named in the log),
// against an external server (real Pravega) they run. Empty this list as
// the features land.
var sluiceGaps = map[string]string{}

func TestInterop(t *testing.T) {
	controller := os.Getenv("SLUICE_INTEROP_EXTERNAL")
	external := controller != ""
	if !external {
		controller = startStandalone(t)
	} else {
		t.Logf("using external server at %s", controller)
	}

	cross := writeFromGo(t, controller)
	t.Run("python", func(t *testing.T) {
		if os.Getenv("SLUICE_INTEROP_SKIP_PYTHON") == "1" {
			t.Skip("SLUICE_INTEROP_SKIP_PYTHON=1")
		}
		env := cross.env()
		if !external && restURL != "" {
			env = append(env, "SLUICE_INTEROP_AUTOSCALE=1", "SLUICE_REST="+restURL)
		}
		runPython(t, controller, env)
		readWithGo(t, controller, cross.scope, cross.fromPython, "Python")
	})
	t.Run("java", func(t *testing.T) {
		if os.Getenv("SLUICE_INTEROP_SKIP_JAVA") == "1" {
			t.Skip("SLUICE_INTEROP_SKIP_JAVA=1")
		}
		var exclude []string
		if !external {
			for class, why := range sluiceGaps {
				t.Logf("not run against Sluice: %s (%s)", class, why)
				exclude = append(exclude, "!"+class)
			}
		}
		runJava(t, controller, exclude, cross.env())
		readWithGo(t, controller, cross.scope, cross.fromJava, "Java")
	})
}

// skipOrFail skips the test, or fails it when SLUICE_INTEROP_REQUIRED=1.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("SLUICE_INTEROP_REQUIRED") == "1" {
		t.Fatalf(format+" (SLUICE_INTEROP_REQUIRED=1)", args...)
	}
	t.Skipf(format, args...)
}

// interopDir is the directory of this file: test/interop.
func interopDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate test/interop")
	}
	return filepath.Dir(file)
}

func repoRoot(t *testing.T) string {
	return filepath.Clean(filepath.Join(interopDir(t), "..", ".."))
}

// sluiceBinary returns SLUICE_BIN, or builds ./cmd/sluice into bin/sluice.
func sluiceBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("SLUICE_BIN"); bin != "" {
		return bin
	}
	root := repoRoot(t)
	bin := filepath.Join(root, "bin", "sluice")
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/sluice")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sluice: %v\n%s", err, out)
	}
	t.Logf("setup: built %s in %s", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// standaloneHelp returns the help text of the standalone command, or ok=false (and the error output) when the
// binary does not have that command.
func standaloneHelp(bin string) (help string, ok bool) {
	out, err := exec.Command(bin, "standalone", "--help").CombinedOutput()
	text := string(out)
	if err != nil || strings.Contains(text, "unknown command") {
		return strings.TrimSpace(text), false
	}
	return text, true
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startStandalone starts `sluice standalone` on free loopback ports, waits for its ready line and returns
// the controller URI. The server is stopped (SIGTERM, SIGKILL after 10 s) when the test ends.
// restURL is the REST API of the standalone node startStandalone started
// ("" before, or when the binary has no REST listener).
var restURL string

func startStandalone(t *testing.T) string {
	t.Helper()
	bin := sluiceBinary(t)
	help, ok := standaloneHelp(bin)
	if !ok {
		skipOrFail(t, "%s has no working `standalone` command yet: %s", bin, firstLine(help))
	}
	ctrlPort, ssPort, restPort := freePort(t), freePort(t), freePort(t)
	dataDir := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "sluice-standalone.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"standalone",
		"--data-dir", dataDir,
		"--controller-listen", fmt.Sprintf("127.0.0.1:%d", ctrlPort),
		"--segmentstore-listen", fmt.Sprintf("127.0.0.1:%d", ssPort)}
	// The REST listener comes later than the rest of standalone; pass its port once the flag exists, so that
	// the default 9091 never collides with another server.
	// Auto-scaling reacts in seconds here (AutoScaleTest): short windows
	// and cooldowns instead of the production defaults.
	if strings.Contains(help, "--autoscale-hot-for") {
		args = append(args, "--autoscale-hot-for", "2s", "--autoscale-cooldown", "3s", "--autoscale-cold-for", "3s",
			"--autoscale-merge-cooldown", "5s", "--load-fast-window", "2s", "--load-slow-window", "4s",
			"--load-report-interval", "250ms")
	}
	if strings.Contains(help, "--rest-listen") {
		args = append(args, "--rest-listen", fmt.Sprintf("127.0.0.1:%d", restPort))
		restURL = fmt.Sprintf("http://127.0.0.1:%d", restPort)
	} else {
		t.Logf("%s standalone has no --rest-listen flag yet; starting without it", bin)
	}
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = childAttrs()
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Logf("started %s (pid %d), controller 127.0.0.1:%d, segment store 127.0.0.1:%d, log %s",
		cmd.Args, cmd.Process.Pid, ctrlPort, ssPort, logPath)

	ready := make(chan struct{})
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if !signalled && strings.HasPrefix(line, readyPrefix) {
				signalled = true
				close(ready)
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-copied
		exited <- cmd.Wait()
	}()

	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-exited:
				t.Logf("sluice standalone stopped: %v", err)
			case <-time.After(stopGrace):
				t.Logf("sluice standalone still running %s after SIGTERM, sending SIGKILL", stopGrace)
				_ = cmd.Process.Kill()
				<-exited
			}
			logFile.Close()
			if t.Failed() {
				t.Logf("last lines of %s:\n%s", logPath, tail(logPath, 60))
			}
		})
	}
	t.Cleanup(stop)

	select {
	case <-ready:
		t.Logf("setup: sluice standalone ready in %s", time.Since(start).Round(time.Millisecond))
	case err := <-exited:
		exited <- err // for stop
		t.Fatalf("sluice standalone exited before it was ready: %v\n%s", err, tail(logPath, 60))
	case <-time.After(readyTimeout):
		t.Fatalf("sluice standalone not ready after %s (no %q line on stdout)\n%s", readyTimeout, readyPrefix, tail(logPath, 60))
	}
	return fmt.Sprintf("tcp://127.0.0.1:%d", ctrlPort)
}

// runPython creates (once) the virtualenv with the pinned requirements and runs pytest.
func runPython(t *testing.T, controller string, env []string) {
	dir := filepath.Join(interopDir(t), "python")
	python, err := exec.LookPath("python3")
	if err != nil {
		skipOrFail(t, "python3 not found")
	}
	venv := filepath.Join(dir, ".venv")
	req := filepath.Join(dir, "requirements.txt")
	pyVersion, _ := exec.Command(python, "--version").CombinedOutput()
	stamp := filepath.Join(venv, ".sluice-setup")
	want := fileHash(t, req) + " " + strings.TrimSpace(string(pyVersion))
	if got, _ := os.ReadFile(stamp); string(got) != want {
		start := time.Now()
		run(t, dir, nil, python, "-m", "venv", "--clear", venv)
		run(t, dir, nil, filepath.Join(venv, "bin", "pip"), "install", "-q", "--disable-pip-version-check",
			"-r", req)
		if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("setup: python venv %s created in %s", venv, time.Since(start).Round(time.Millisecond))
	} else {
		t.Logf("setup: python venv %s up to date", venv)
	}
	// One pytest run per test file, each a subtest: a scenario that hangs (pytest-timeout then ends its
	// session) does not hide the results of the others.
	files, err := filepath.Glob(filepath.Join(dir, "test_*.py"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no python tests in %s: %v", dir, err)
	}
	start := time.Now()
	for i, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".py"), func(t *testing.T) {
			budget := suiteBudget(t, pythonFileLimit, len(files)-i+1) // +1: leave a share for java
			err := stream(t, dir, budget, append([]string{"SLUICE_CONTROLLER=" + controller,
				"RUST_LOG=" + envOr("RUST_LOG", "warn"), "PYTHONDONTWRITEBYTECODE=1"}, env...),
				filepath.Join(venv, "bin", "python"), "-m", "pytest", "-v", "-p", "no:cacheprovider",
				"--durations=0", name)
			if err != nil {
				t.Fatalf("python %s failed: %v", name, err)
			}
		})
	}
	t.Logf("python suite ran in %s", time.Since(start).Round(time.Millisecond))
}

// runJava resolves (once) the Maven dependencies and runs the JUnit suite.
func runJava(t *testing.T, controller string, exclude []string, env []string) {
	dir := filepath.Join(interopDir(t), "java")
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		skipOrFail(t, "mvn not found (apt-get install maven)")
	}
	if _, err := exec.LookPath("java"); err != nil {
		skipOrFail(t, "java not found (apt-get install openjdk-17-jdk-headless)")
	}
	args := []string{"-B", "-ntp"}
	if repo := os.Getenv("SLUICE_INTEROP_M2"); repo != "" {
		args = append(args, "-Dmaven.repo.local="+repo)
	}
	stamp := filepath.Join(dir, "target", ".sluice-setup")
	want := fileHash(t, filepath.Join(dir, "pom.xml"))
	if got, _ := os.ReadFile(stamp); string(got) != want {
		start := time.Now()
		run(t, dir, nil, mvn, append(args, "-q", "dependency:go-offline", "test-compile")...)
		if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("setup: maven dependencies resolved and tests compiled in %s", time.Since(start).Round(time.Millisecond))
	} else {
		t.Logf("setup: maven dependencies up to date")
	}
	start := time.Now()
	testArgs := append(args, "test", "-Dsluice.controller="+controller)
	if len(exclude) > 0 {
		testArgs = append(testArgs, "-Dtest="+strings.Join(exclude, ","), "-Dsurefire.failIfNoSpecifiedTests=false")
	}
	err = stream(t, dir, suiteBudget(t, javaLimit, 1), append([]string{"SLUICE_CONTROLLER=" + controller}, env...),
		mvn, testArgs...)
	t.Logf("java suite ran in %s", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("java suite failed: %v", err)
	}
}

// run runs a setup command and fails the test with its output when it fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// suiteBudget is how long a suite may run: its own limit, but never past the go test deadline (minus a
// margin to stop the suite and the server in order), shared with the `left` suites still to run.
func suiteBudget(t *testing.T, limit time.Duration, left int) time.Duration {
	deadline, ok := t.Deadline()
	if !ok {
		return limit
	}
	remaining := time.Until(deadline) - 30*time.Second
	if share := remaining / time.Duration(left); share < limit {
		return max(share, time.Minute)
	}
	return limit
}

// childAttrs puts a child in its own process group (so a timeout kills it with everything it forked) and
// has the kernel kill it if the test binary dies first (go test's timeout panic skips cleanups).
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// stream runs a suite, logging every output line as it comes (visible live with go test -v). After
// `budget` the suite's whole process group is killed.
func stream(t *testing.T, dir string, budget time.Duration, env []string, name string, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = childAttrs()
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	t.Logf("running %s %s (in %s)", filepath.Base(name), strings.Join(args, " "), dir)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			t.Log(sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Wait()
	pw.Close()
	<-done
	if ctx.Err() != nil {
		return fmt.Errorf("killed after %s: %w", budget, err)
	}
	return err
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
