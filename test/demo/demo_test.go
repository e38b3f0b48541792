// Package demo runs demo/quickstart.sh, the README's first minute with
// Sluice, against a freshly built binary, so the README's promise is
// tested: a new user creates a stream, writes and reads events in well
// under a minute.
package demo

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestQuickstartDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "sluice")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sluice")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command("bash", "demo/quickstart.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "SLUICE="+bin, "SLUICE_CONTROLLER="+freeAddr(t),
		"SLUICE_SEGMENTSTORE="+freeAddr(t), "SLUICE_REST="+freeAddr(t))
	began := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(began)
	if err != nil {
		t.Fatalf("demo/quickstart.sh: %v\n%s", err, out)
	}
	for _, want := range []string{"sluice standalone ready", "created stream demo/hello with 2 segments",
		"wrote 1000 events to demo/hello", "hello\nworld\n", "2 active segments", "(UP)"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("demo output lacks %q:\n%s", want, out)
		}
	}
	if took > time.Minute {
		t.Fatalf("the demo took %v, more than the minute the README promises", took)
	}
	t.Logf("demo ran in %v", took.Round(time.Millisecond))
}
