package driver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestParsePIDFile(t *testing.T) {
	for in, want := range map[string]int{"25016\n": 25016, " 7 ": 7, "1": 1} {
		if got, err := parsePIDFile([]byte(in)); err != nil || got != want {
			t.Errorf("parsePIDFile(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "\n", "0", "-3", "12 13", "pid", "12a"} {
		if got, err := parsePIDFile([]byte(in)); err == nil {
			t.Errorf("parsePIDFile(%q) = %d, want an error", in, got)
		}
	}
}

func TestStatStateAndCmdline(t *testing.T) {
	if s := statState([]byte("1112 (java) Z 1 1112 1 0 -1")); s != "Z" {
		t.Errorf("state %q, want Z", s)
	}
	if s := statState([]byte("42 (my (odd) name) S 1 2 3")); s != "S" {
		t.Errorf("state %q, want S (name with spaces and parentheses)", s)
	}
	if s := statState([]byte("garbage")); s != "" {
		t.Errorf("state %q of a malformed line", s)
	}
	cl := []byte("/usr/bin/java\x00-Xmx1g\x00-cp\x00/lib/*\x00io.pravega.controller.server.Main\x00")
	if !cmdlineHas(cl, "io.pravega.controller.server.Main") || cmdlineHas(cl, "org.apache.bookkeeper.server.Main") {
		t.Error("cmdlineHas")
	}
	if !procAlive(os.Getpid()) || procAlive(1<<30) {
		t.Error("procAlive")
	}
}

// TestHelperDurableJVM is not a test: run as a child with
// SLUICE_FAKE_JVM=1, it stands for one of durable.sh's JVMs (its main class
// is on its command line) and sleeps until killed.
func TestHelperDurableJVM(t *testing.T) {
	if os.Getenv("SLUICE_FAKE_JVM") != "1" {
		t.Skip("helper process")
	}
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestDurableKill: the pids read from the four pid files are checked against
// their main classes; Kill SIGKILLs those processes and returns once they
// have ended; PID is the segment store and PIDs all four.
func TestDurableKill(t *testing.T) {
	dir := t.TempDir()
	var cmds []*exec.Cmd
	done := make(chan struct{}, len(durableProcs))
	for _, p := range durableProcs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDurableJVM$", "--", p.main)
		cmd.Env = append(os.Environ(), "SLUICE_FAKE_JVM=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		go func() { _ = cmd.Wait(); done <- struct{}{} }()
		if err := os.WriteFile(filepath.Join(dir, p.name+".pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
		}
	}()
	var pids map[string]int
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if pids, err = readDurablePIDs(dir); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // a child's cmdline is set once it has exec'd
	}
	if err != nil {
		t.Fatal(err)
	}
	s := &pravegaDurableServer{dir: dir, pids: pids}
	if s.PID() != cmds[3].Process.Pid || len(s.PIDs()) != 4 || s.PIDs()[0] != cmds[0].Process.Pid {
		t.Fatalf("PID %d PIDs %v, want the segment store and all four in start order", s.PID(), s.PIDs())
	}
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		if procAlive(c.Process.Pid) {
			t.Errorf("pid %d alive after Kill", c.Process.Pid)
		}
	}
	for range cmds {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a killed process did not end")
		}
	}
	// Killing again finds stale pids: an error, nothing else killed.
	if err := s.Kill(); err == nil {
		t.Error("second Kill of ended processes reported no error")
	}
	if _, err := readDurablePIDs(dir); err == nil {
		t.Error("readDurablePIDs accepted pids of ended processes")
	}
}
