package rest

import (
	"context"
	"net/http"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// Health: GET /v1/health, /v1/health/liveness, /v1/health/readiness.
// Live means the process answers; ready means the controller can read its
// metadata store, probed with the cheapest call (one key read).

const readinessTimeout = 2 * time.Second

type healthResult struct {
	Name      string            `json:"name"`
	Status    string            `json:"status"`
	Readiness bool              `json:"readiness"`
	Liveness  bool              `json:"liveness"`
	Details   map[string]string `json:"details,omitempty"`
}

// ready probes the metadata store through the service; "" when ready,
// otherwise why not.
func (a *api) ready(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, readinessTimeout)
	defer cancel()
	if _, err := a.ctl.CheckScopeExists(ctx, &pb.ScopeInfo{Scope: naming.SystemScope}); err != nil {
		return err.Error()
	}
	return ""
}

func (a *api) health(r *http.Request) (int, any, error) {
	res := healthResult{Name: "controller", Status: "UP", Readiness: true, Liveness: true,
		Details: map[string]string{"metadataStore": "reachable"}}
	if why := a.ready(r.Context()); why != "" {
		res.Status, res.Readiness, res.Details["metadataStore"] = "DOWN", false, why
		return http.StatusServiceUnavailable, res, nil
	}
	return http.StatusOK, res, nil
}

func (a *api) liveness(*http.Request) (int, any, error) { return http.StatusOK, true, nil }

func (a *api) readiness(r *http.Request) (int, any, error) {
	if a.ready(r.Context()) != "" {
		return http.StatusServiceUnavailable, false, nil
	}
	return http.StatusOK, true, nil
}
