package cli_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sluicestream/sluice/internal/cli"
	"github.com/sluicestream/sluice/internal/standalone"
)

// startNode starts an in-memory standalone node on free ports for one test.
func startNode(t *testing.T) *standalone.Node {
	t.Helper()
	n, err := standalone.Start(t.Context(), standalone.Config{InMemory: true,
		ControllerAddress: "127.0.0.1:0", SegmentStoreAddress: "127.0.0.1:0", RESTAddress: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// run executes one sluice command line and returns its output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := cli.NewRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

func TestScopeAndStreamCommands(t *testing.T) {
	n := startNode(t)
	ctl := "--controller=tcp://" + n.ControllerAddr().String()
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"scope", "create", "demo", ctl}, "created scope demo"},
		{[]string{"scope", "create", "demo", ctl}, "already exists"},
		{[]string{"scope", "list", ctl}, "demo"},
		{[]string{"stream", "create", "demo/events", "--segments", "3", ctl}, "created stream demo/events with 3 segments"},
		{[]string{"stream", "list", "demo", ctl}, "demo/events"},
		{[]string{"stream", "info", "demo/events", ctl}, "3 active segments"},
		{[]string{"stream", "seal", "demo/events", ctl}, "sealed stream demo/events"},
		{[]string{"stream", "info", "demo/events", ctl}, "sealed (no active segments)"},
		{[]string{"stream", "delete", "demo/events", ctl}, "deleted stream demo/events"},
		{[]string{"scope", "delete", "demo", ctl}, "deleted scope demo"},
	}
	for _, s := range steps {
		out, err := run(t, s.args...)
		if err != nil || !strings.Contains(out, s.want) {
			t.Fatalf("sluice %s: %q, %v (want %q)", strings.Join(s.args, " "), out, err, s.want)
		}
	}
	if _, err := run(t, "stream", "create", "no-slash", ctl); err == nil {
		t.Fatal("a stream without a scope was accepted")
	}
	if _, err := run(t, "scope", "list", "--controller=tcp://127.0.0.1:1", "--timeout=2s"); err == nil ||
		!strings.Contains(err.Error(), "cannot reach the controller") {
		t.Fatalf("unreachable controller: %v", err)
	}
}
