package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/autoscale"
	"github.com/sluicestream/sluice/internal/controller/store"
)

// Prefix is the path under which the API is served; mount the handler there.
const Prefix = "/v1/"

const (
	// maxBody bounds a request body; the largest real one is a stream
	// configuration with its tags.
	maxBody = 1 << 20
	// requestTimeout bounds one request's work in the controller, so that a
	// stuck metadata store yields a 504 rather than a hung connection.
	requestTimeout = 30 * time.Second
)

// StreamHistory reads a stream's record, epochs included; no gRPC call
// returns the epochs' creation times that scaling events need.
// *workflow.Engine implements it.
type StreamHistory interface {
	GetStream(ctx context.Context, scope, stream string) (*store.StreamRecord, error)
}

// Config configures the handler.
type Config struct {
	// Controller is the service that serves gRPC (controller.Server.Service).
	// Required.
	Controller pb.ControllerServiceServer
	// History reads epochs for scaling events (controller.Server.Workflows).
	// Required.
	History StreamHistory
	// Decisions returns the automatic scales of a stream, whose reasons
	// scaling events carry (nil: none).
	Decisions func(scope, stream string) []autoscale.Event
	Logger    *slog.Logger
}

// api holds what the endpoints need.
type api struct {
	ctl       pb.ControllerServiceServer
	history   StreamHistory
	decisions func(scope, stream string) []autoscale.Event
	log       *slog.Logger
}

// endpoint answers one request: a status and a body to encode as JSON (nil
// for none), or an error for the translation table (errors.go).
type endpoint func(r *http.Request) (int, any, error)

// New returns the handler of every path under Prefix.
func New(cfg Config) (http.Handler, error) {
	if cfg.Controller == nil || cfg.History == nil {
		return nil, errors.New("rest: Config.Controller and Config.History are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &api{ctl: cfg.Controller, history: cfg.History, decisions: cfg.Decisions, log: cfg.Logger}
	routes := []struct {
		method, path string
		fn           endpoint
	}{
		{"GET", "/v1/health", a.health},
		{"GET", "/v1/health/liveness", a.liveness},
		{"GET", "/v1/health/readiness", a.readiness},
		{"GET", "/v1/scopes", a.listScopes},
		{"POST", "/v1/scopes", a.createScope},
		{"GET", "/v1/scopes/{scope}", a.getScope},
		{"DELETE", "/v1/scopes/{scope}", a.deleteScope},
		{"GET", "/v1/scopes/{scope}/streams", a.listStreams},
		{"POST", "/v1/scopes/{scope}/streams", a.createStream},
		{"GET", "/v1/scopes/{scope}/streams/{stream}", a.getStream},
		{"PUT", "/v1/scopes/{scope}/streams/{stream}", a.updateStream},
		{"DELETE", "/v1/scopes/{scope}/streams/{stream}", a.deleteStream},
		{"PUT", "/v1/scopes/{scope}/streams/{stream}/state", a.updateStreamState},
		{"GET", "/v1/scopes/{scope}/streams/{stream}/scaling-events", a.scalingEvents},
		{"GET", "/v1/scopes/{scope}/readergroups", a.listReaderGroups},
		{"GET", "/v1/scopes/{scope}/readergroups/{group}", a.getReaderGroup},
	}
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.path, a.serve(rt.fn))
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	// A known path with another method: 405 with Allow, in JSON like every
	// other error (ServeMux's own answer is plain text).
	for path, methods := range allowed {
		if slices.Contains(methods, "GET") {
			methods = append(methods, "HEAD")
		}
		slices.Sort(methods)
		allow := strings.Join(methods, ", ")
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s (allowed: %s)",
				r.Method, r.URL.Path, allow))
		})
	}
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such resource: %s", r.URL.Path))
	})
	return mux, nil
}

// serve adapts an endpoint: a deadline for the controller, JSON out, and
// every error through the one translation table.
func (a *api) serve(fn endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		code, body, err := fn(r.WithContext(ctx))
		if err != nil {
			st := status.Convert(err)
			code = httpStatus(st.Code())
			if code >= 500 {
				a.log.Warn("REST request failed", "method", r.Method, "path", r.URL.Path, "status", code,
					"err", st.Message())
			}
			writeError(w, code, st.Message())
			return
		}
		writeJSON(w, code, body)
	})
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	if body == nil {
		w.WriteHeader(code)
		return
	}
	b, err := json.Marshal(body)
	if err != nil { // only plain structs are encoded; this is a programming error
		code, b = http.StatusInternalServerError, []byte(`{"code":500,"message":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// apiError is the body of every error response.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Code: code, Message: msg})
}

// decodeBody reads a JSON object into v; every problem is bad input.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		return badBody(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("request body: unexpected data after the JSON value")
	}
	return nil
}

// badBody words a JSON decoding error for the client.
func badBody(err error) error {
	var (
		typeErr *json.UnmarshalTypeError
		synErr  *json.SyntaxError
		maxErr  *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return badRequest("request body: a JSON object is required")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return badRequest("request body: a JSON object is required, got %s", typeErr.Value)
		}
		return badRequest("request body: field %s: expected %s, got %s", typeErr.Field, jsonType(typeErr.Type),
			typeErr.Value)
	case errors.As(err, &synErr):
		return badRequest("request body: invalid JSON at byte %d: %v", synErr.Offset, err)
	case errors.As(err, &maxErr):
		return badRequest("request body: larger than %d bytes", maxErr.Limit)
	}
	return badRequest("request body: %v", err)
}

// jsonType names a Go type the way a JSON client thinks of it.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.Kind().String()
}

func badRequest(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, format, args...)
}
