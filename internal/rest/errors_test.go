package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/rest"
)

// failing is a controller whose every call fails with one error; reads of
// the history fail alike.
type failing struct {
	pb.UnimplementedControllerServiceServer
	err error
}

func (f failing) ListScopes(context.Context, *pb.ScopesRequest) (*pb.ScopesResponse, error) {
	return nil, f.err
}

func (f failing) CheckScopeExists(context.Context, *pb.ScopeInfo) (*pb.ExistsResponse, error) {
	return nil, f.err
}

func (f failing) GetStream(context.Context, string, string) (*store.StreamRecord, error) {
	return nil, f.err
}

func failingEnv(t *testing.T, err error) *env {
	t.Helper()
	h, herr := rest.New(rest.Config{Controller: failing{err: err}, History: failing{err: err}})
	if herr != nil {
		t.Fatal(herr)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return &env{t: t, base: hs.URL + "/v1"}
}

// TestErrorTranslation drives each gRPC code through an endpoint and checks
// the HTTP status and the JSON body.
func TestErrorTranslation(t *testing.T) {
	for code, want := range map[codes.Code]int{
		codes.InvalidArgument:    http.StatusBadRequest,
		codes.OutOfRange:         http.StatusBadRequest,
		codes.NotFound:           http.StatusNotFound,
		codes.AlreadyExists:      http.StatusConflict,
		codes.Aborted:            http.StatusConflict,
		codes.FailedPrecondition: http.StatusPreconditionFailed,
		codes.Unauthenticated:    http.StatusUnauthorized,
		codes.PermissionDenied:   http.StatusForbidden,
		codes.ResourceExhausted:  http.StatusTooManyRequests,
		codes.Unimplemented:      http.StatusNotImplemented,
		codes.Unavailable:        http.StatusServiceUnavailable,
		codes.Canceled:           http.StatusServiceUnavailable,
		codes.DeadlineExceeded:   http.StatusGatewayTimeout,
		codes.Internal:           http.StatusInternalServerError,
		codes.Unknown:            http.StatusInternalServerError,
		codes.DataLoss:           http.StatusInternalServerError,
	} {
		e := failingEnv(t, status.Error(code, "the message"))
		e.expectError("GET", "/scopes", "", want, "the message")
	}
	// A plain error (not a status) is an internal one.
	failingEnv(t, context.DeadlineExceeded).expectError("GET", "/scopes", "", http.StatusInternalServerError, "deadline")
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	var h struct {
		Name      string `json:"name"`
		Status    string `json:"status"`
		Readiness bool   `json:"readiness"`
		Liveness  bool   `json:"liveness"`
	}
	e.expect("GET", "/health", "", http.StatusOK, &h)
	if h.Status != "UP" || !h.Readiness || !h.Liveness {
		t.Fatalf("health %+v", h)
	}
	var ok bool
	e.expect("GET", "/health/liveness", "", http.StatusOK, &ok)
	if !ok {
		t.Fatal("not live")
	}
	e.expect("GET", "/health/readiness", "", http.StatusOK, &ok)
	if !ok {
		t.Fatal("not ready")
	}

	// Metadata store unreachable: alive but not ready.
	down := failingEnv(t, status.Error(codes.Unavailable, "etcd is down"))
	down.expect("GET", "/health", "", http.StatusServiceUnavailable, &h)
	if h.Status != "DOWN" || h.Readiness || !h.Liveness {
		t.Fatalf("health when down %+v", h)
	}
	down.expect("GET", "/health/readiness", "", http.StatusServiceUnavailable, &ok)
	if ok {
		t.Fatal("ready when down")
	}
	down.expect("GET", "/health/liveness", "", http.StatusOK, &ok)
}

func TestRouting(t *testing.T) {
	e := failingEnv(t, status.Error(codes.Internal, "unused"))
	e.expectError("GET", "/nowhere", "", http.StatusNotFound, "no such resource: /v1/nowhere")
	e.expectError("GET", "/scopes/a/b", "", http.StatusNotFound, "no such resource")
	e.expectError("PATCH", "/scopes", "", http.StatusMethodNotAllowed, "allowed: GET, HEAD, POST")
	e.expectError("POST", "/scopes/a/streams/b/state", "", http.StatusMethodNotAllowed, "allowed: PUT")
	req, _ := http.NewRequestWithContext(t.Context(), "DELETE", e.base+"/health", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("DELETE /v1/health: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if _, err := rest.New(rest.Config{}); err == nil {
		t.Fatal("a handler without a controller")
	}
}
