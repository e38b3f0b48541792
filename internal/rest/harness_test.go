package rest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/rest"
	"github.com/sluicestream/sluice/internal/segmentstore"
)

// env is a real controller (in-memory metadata, a real segment store) with
// the REST handler in front of it over real HTTP, and a gRPC client to check
// what the REST calls did.
type env struct {
	t    *testing.T
	base string // http://host:port/v1
	grpc pb.ControllerServiceClient
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ss, err := segmentstore.Start(t.Context(), segmentstore.Config{DataDir: t.TempDir(), Address: "127.0.0.1:0",
		ContainerCount: 4, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	ms := metastore.NewMem(nil)
	t.Cleanup(func() { _ = ms.Close() })
	srv, err := controller.Start(t.Context(), controller.Config{Address: "127.0.0.1:0", Store: ms,
		SegmentStore: ss.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h, err := rest.New(rest.Config{Controller: srv.Service(), History: srv.Workflows()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	conn, err := grpc.NewClient(srv.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &env{t: t, base: hs.URL + "/v1", grpc: pb.NewControllerServiceClient(conn)}
}

// call sends a request (body: a JSON text, "" for none) and returns the
// status and the body.
func call(t *testing.T, base, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s %s: Content-Type %q for body %s", method, path, resp.Header.Get("Content-Type"), b)
	}
	return resp.StatusCode, b
}

// expect sends a request, checks the status and decodes the body into out
// (nil: ignore it).
func (e *env) expect(method, path, body string, want int, out any) {
	e.t.Helper()
	code, b := call(e.t, e.base, method, path, body)
	if code != want {
		e.t.Fatalf("%s %s %s: status %d, want %d; body %s", method, path, body, code, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// apiError is an error body.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// expectError checks an error response: status, the same code in the body,
// and a message containing want.
func (e *env) expectError(method, path, body string, status int, want string) {
	e.t.Helper()
	var got apiError
	e.expect(method, path, body, status, &got)
	if got.Code != status || !strings.Contains(got.Message, want) {
		e.t.Fatalf("%s %s %s: error %+v, want code %d and a message with %q", method, path, body, got, status, want)
	}
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(e.t.Context(), 30*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// mustScope creates a scope over REST.
func (e *env) mustScope(name string) {
	e.t.Helper()
	e.expect("POST", "/scopes", `{"scopeName":"`+name+`"}`, http.StatusCreated, nil)
}

// mustStream creates a fixed stream over REST.
func (e *env) mustStream(scope, stream string, segments int) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"streamName": stream,
		"scalingPolicy": map[string]any{"type": "FIXED_NUM_SEGMENTS", "minSegments": segments}})
	e.expect("POST", "/scopes/"+scope+"/streams", string(body), http.StatusCreated, nil)
}

// waitUntil polls cond (the controller finishes scales in the background).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
