package rest

import (
	"net/http"
	"strings"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// Scopes: GET/POST /v1/scopes, GET/DELETE /v1/scopes/{scope}.

type scopeProperty struct {
	ScopeName string `json:"scopeName"`
}

type scopesList struct {
	Scopes []scopeProperty `json:"scopes"`
}

type createScopeRequest struct {
	ScopeName *string `json:"scopeName"`
}

func (a *api) listScopes(r *http.Request) (int, any, error) {
	out := scopesList{Scopes: []scopeProperty{}}
	token := ""
	for {
		resp, err := a.ctl.ListScopes(r.Context(), &pb.ScopesRequest{ContinuationToken: &pb.ContinuationToken{Token: token}})
		if err != nil {
			return 0, nil, err
		}
		for _, s := range resp.GetScopes() {
			out.Scopes = append(out.Scopes, scopeProperty{ScopeName: s})
		}
		if len(resp.GetScopes()) == 0 || resp.GetContinuationToken().GetToken() == token {
			return http.StatusOK, out, nil
		}
		token = resp.GetContinuationToken().GetToken()
	}
}

func (a *api) createScope(r *http.Request) (int, any, error) {
	var req createScopeRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.ScopeName == nil {
		return 0, nil, badRequest("scopeName is required")
	}
	name := *req.ScopeName
	// Users may not create internal ("_") scopes, as in Pravega's REST API;
	// gRPC createScope allows them for the clients' own use.
	if err := addressable(name, naming.ValidateUserScopeName(name)); err != nil {
		return 0, nil, err
	}
	resp, err := a.ctl.CreateScope(r.Context(), &pb.ScopeInfo{Scope: name})
	if err != nil {
		return 0, nil, err
	}
	switch resp.GetStatus() {
	case pb.CreateScopeStatus_SUCCESS:
		return http.StatusCreated, scopeProperty{ScopeName: name}, nil
	case pb.CreateScopeStatus_SCOPE_EXISTS:
		return 0, nil, exists("scope %q already exists", name)
	case pb.CreateScopeStatus_INVALID_SCOPE_NAME:
		return 0, nil, badRequest("invalid scope name %q", name)
	}
	return 0, nil, unexpected("create scope %q: %v", name, resp.GetStatus())
}

func (a *api) getScope(r *http.Request) (int, any, error) {
	name := r.PathValue("scope")
	resp, err := a.ctl.CheckScopeExists(r.Context(), &pb.ScopeInfo{Scope: name})
	if err != nil {
		return 0, nil, err
	}
	if !resp.GetExists() {
		return 0, nil, notFound("scope %q not found", name)
	}
	return http.StatusOK, scopeProperty{ScopeName: name}, nil
}

func (a *api) deleteScope(r *http.Request) (int, any, error) {
	name := r.PathValue("scope")
	resp, err := a.ctl.DeleteScope(r.Context(), &pb.ScopeInfo{Scope: name})
	if err != nil {
		return 0, nil, err
	}
	switch resp.GetStatus() {
	case pb.DeleteScopeStatus_SUCCESS:
		return http.StatusNoContent, nil, nil
	case pb.DeleteScopeStatus_SCOPE_NOT_FOUND:
		return 0, nil, notFound("scope %q not found", name)
	case pb.DeleteScopeStatus_SCOPE_NOT_EMPTY:
		return 0, nil, precondition("scope %q is not empty: delete its streams, key-value tables and reader groups first", name)
	}
	return 0, nil, unexpected("delete scope %q: %v", name, resp.GetStatus())
}

// addressable passes the naming rule's verdict on a new scope or stream
// name (nil: valid) and adds REST's own: a name of dots only could not be
// addressed, as path cleaning removes "." and ".." segments.
func addressable(name string, verdict error) error {
	if verdict != nil {
		return badRequest("%v", verdict)
	}
	if strings.Trim(name, ".") == "" {
		return badRequest("name %q is only dots, which a URL path cannot address; use a letter, digit or '-'", name)
	}
	return nil
}
