package standalone_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/sluicestream/sluice/internal/standalone"
)

// TestHTTPListener checks the node's HTTP wiring: the REST API on a free
// port, a handler mounted later on the same mux, and the listener closed
// with the node.
func TestHTTPListener(t *testing.T) {
	n, err := standalone.Start(t.Context(), standalone.Config{InMemory: true, ControllerAddress: "127.0.0.1:0",
		SegmentStoreAddress: "127.0.0.1:0", RESTAddress: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + n.RESTAddr().String()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/v1/health"); code != http.StatusOK || !strings.Contains(body, `"status":"UP"`) {
		t.Fatalf("GET /v1/health: %d %s", code, body)
	}
	resp, err := http.Post(base+"/v1/scopes", "application/json", strings.NewReader(`{"scopeName":"web"}`))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create a scope over REST: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	if code, body := get("/v1/scopes/web"); code != http.StatusOK {
		t.Fatalf("GET /v1/scopes/web: %d %s", code, body)
	}
	code, body := get("/metrics")
	for _, name := range []string{"sluice_journal_commit_seconds", "sluice_lts_backpressure_waiting_appends",
		"sluice_autoscale_splits_total", "grpc_server_handled_total", "go_goroutines"} {
		if code != http.StatusOK || !strings.Contains(body, name) {
			t.Fatalf("GET /metrics: %d, %s missing:\n%.2000s", code, name, body)
		}
	}
	if code, _ := get("/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("GET /debug/pprof/ without Profiling: %d, want 404", code)
	}
	n.HTTPMux().HandleFunc("GET /extra", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "mounted") })
	if code, body := get("/extra"); code != http.StatusOK || body != "mounted" {
		t.Fatalf("GET /extra: %d %s", code, body)
	}
	addr := n.RESTAddr().String()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		_ = c.Close()
		t.Fatalf("%s still accepts connections after Close", addr)
	}
}

// TestProfilingEndpoint checks that --pprof serves the runtime's profiles.
func TestProfilingEndpoint(t *testing.T) {
	n, err := standalone.Start(t.Context(), standalone.Config{InMemory: true, ControllerAddress: "127.0.0.1:0",
		SegmentStoreAddress: "127.0.0.1:0", RESTAddress: "127.0.0.1:0", Profiling: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	resp, err := http.Get("http://" + n.RESTAddr().String() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile:") {
		t.Fatalf("GET /debug/pprof/goroutine: %d %.300s", resp.StatusCode, b)
	}
}
