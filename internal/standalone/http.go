package standalone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicestream/sluice/internal/controller"
	"github.com/sluicestream/sluice/internal/metrics"
	"github.com/sluicestream/sluice/internal/rest"
)

// The node's HTTP listener (127.0.0.1:9091 from `sluice standalone`,
// Pravega's REST port) serves one ServeMux: the REST admin API under /v1/,
// and the other HTTP endpoints of the node next to it.

// Limits of the HTTP server: slow or idle clients must not pin goroutines.
const (
	httpReadHeaderTimeout = 10 * time.Second
	httpReadTimeout       = 30 * time.Second
	httpWriteTimeout      = 60 * time.Second // above the REST handler's own 30 s budget
	httpIdleTimeout       = 2 * time.Minute
	httpMaxHeaderBytes    = 64 << 10
	httpShutdownGrace     = 5 * time.Second
)

type httpServer struct {
	ln   net.Listener
	srv  *http.Server
	mux  *http.ServeMux
	done chan struct{}
}

// newHTTPMux mounts every HTTP endpoint of the node.
func newHTTPMux(ctl *controller.Server, reg *prometheus.Registry, profiling bool, logger *slog.Logger) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	rc := rest.Config{Controller: ctl.Service(), History: ctl.Workflows(), Logger: logger.With("component", "rest")}
	if sc := ctl.Scaler(); sc != nil {
		rc.Decisions = sc.Events
	}
	api, err := rest.New(rc)
	if err != nil {
		return nil, err
	}
	mux.Handle(rest.Prefix, api)
	mux.Handle("/metrics", metrics.Handler(reg))
	if profiling {
		mountProfiling(mux)
	}
	return mux, nil
}

// mountProfiling serves the Go runtime's profiles (CPU, heap, goroutines,
// mutex and block contention, execution trace) under /debug/pprof/, for
// `go tool pprof http://<rest address>/debug/pprof/profile`. Off by default:
// the profiles reveal internals and a CPU profile costs a few percent.
func mountProfiling(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}

func startHTTP(addr string, mux *http.ServeMux, logger *slog.Logger) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	h := &httpServer{ln: ln, mux: mux, done: make(chan struct{}), srv: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.With("component", "http").Handler(), slog.LevelWarn),
	}}
	go func() {
		defer close(h.done)
		if err := h.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("HTTP server stopped", "err", err)
		}
	}()
	return h, nil
}

// Close lets requests in flight finish for a short grace, then cuts them.
func (h *httpServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), httpShutdownGrace)
	defer cancel()
	err := h.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = h.srv.Close()
	}
	<-h.done
	return err
}
