package client

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pythonClient returns the interpreter of the interop suite's virtual
// environment (pravega 0.3.8 installed), or skips: SLUICE_PYTHON overrides.
func pythonClient(t *testing.T) string {
	t.Helper()
	py := os.Getenv("SLUICE_PYTHON")
	if py == "" {
		py, _ = filepath.Abs("../test/interop/python/.venv/bin/python")
	}
	if _, err := os.Stat(py); err != nil {
		t.Skip("no Python client (run the interop suite's setup or set SLUICE_PYTHON)")
	}
	return py
}

// runPythonReader joins group with the Python client and returns what it read.
func runPythonReader(t *testing.T, py, scope, stream, group string, want int) []string {
	t.Helper()
	script, _ := filepath.Abs("../test/interop/python/rg_cross_client.py")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script, "tcp://"+testNode.ControllerAddr().String(), scope, stream, group,
		strconv.Itoa(want), "10")
	cmd.Env = append(os.Environ(), "RUST_LOG=warn")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python reader: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

// TestReaderGroupPythonInterop shares reader groups with the Python client
// 0.3.8 (Rust 0.3.7 state format): a Go reader reads part of a group and
// leaves, Python reads exactly the rest; then Go joins a group Python
// created and read, and reads exactly the events written since.
func TestReaderGroupPythonInterop(t *testing.T) {
	py := pythonClient(t)
	c := newTestClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	scope, stream := newStream(t, c, 2)
	want := writeKeyed(t, c, scope, stream, "k", 4, 0, 20)

	g, err := c.CreateReaderGroup(ctx, scope, "gogroup", ReaderGroupConfig{Streams: []GroupStream{{Scope: scope, Stream: stream}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.NewReader(ctx, "go-reader")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) < 5 {
		ev, err := r.ReadNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Checkpoint == "" {
			got = append(got, string(ev.Event))
		}
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	got = append(got, runPythonReader(t, py, scope, stream, "gogroup", 15)...)
	if slices.Sort(got); !slices.Equal(got, sortedCopy(want)) {
		t.Fatalf("Go then Python read %v, want %v", got, want)
	}

	all := runPythonReader(t, py, scope, stream, "pygroup", len(want))
	if len(all) != len(want) {
		t.Fatalf("Python read %d of %d events", len(all), len(want))
	}
	more := writeKeyed(t, c, scope, stream, "k", 4, 20, 10)
	pg, err := c.ReaderGroup(ctx, scope, "pygroup")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := pg.NewReader(ctx, "go-reader")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close(ctx)
	var got2 []string
	for len(got2) < len(more) {
		ev, err := r2.ReadNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Checkpoint == "" {
			got2 = append(got2, string(ev.Event))
		}
	}
	if slices.Sort(got2); !slices.Equal(got2, sortedCopy(more)) {
		t.Fatalf("Go read %v from the Python group, want %v", got2, more)
	}
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
