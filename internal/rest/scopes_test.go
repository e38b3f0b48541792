package rest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	pb "github.com/sluicestream/sluice/api/controller"
)

type scopesList struct {
	Scopes []struct {
		ScopeName string `json:"scopeName"`
	} `json:"scopes"`
}

func (l scopesList) names() []string {
	var out []string
	for _, s := range l.Scopes {
		out = append(out, s.ScopeName)
	}
	return out
}

func TestScopes(t *testing.T) {
	e := newEnv(t)
	var created struct {
		ScopeName string `json:"scopeName"`
	}
	e.expect("POST", "/scopes", `{"scopeName":"sales"}`, http.StatusCreated, &created)
	if created.ScopeName != "sales" {
		t.Fatalf("created %+v", created)
	}
	if r, err := e.grpc.CheckScopeExists(e.ctx(), &pb.ScopeInfo{Scope: "sales"}); err != nil || !r.Exists {
		t.Fatalf("scope created over REST is not visible over gRPC: %v %v", r, err)
	}
	e.expectError("POST", "/scopes", `{"scopeName":"sales"}`, http.StatusConflict, `scope "sales" already exists`)

	// A scope created over gRPC is visible over REST.
	if _, err := e.grpc.CreateScope(e.ctx(), &pb.ScopeInfo{Scope: "ops"}); err != nil {
		t.Fatal(err)
	}
	e.expect("GET", "/scopes/ops", "", http.StatusOK, &created)
	if created.ScopeName != "ops" {
		t.Fatalf("get %+v", created)
	}
	var list scopesList
	e.expect("GET", "/scopes", "", http.StatusOK, &list)
	if got := list.names(); !slices.Contains(got, "sales") || !slices.Contains(got, "ops") {
		t.Fatalf("list %v", got)
	}
	e.expectError("GET", "/scopes/nope", "", http.StatusNotFound, `scope "nope" not found`)

	e.mustStream("sales", "orders", 1)
	e.expectError("DELETE", "/scopes/sales", "", http.StatusPreconditionFailed, "is not empty")
	e.expect("DELETE", "/scopes/ops", "", http.StatusNoContent, nil)
	e.expectError("DELETE", "/scopes/ops", "", http.StatusNotFound, `scope "ops" not found`)
	if r, _ := e.grpc.CheckScopeExists(e.ctx(), &pb.ScopeInfo{Scope: "ops"}); r.GetExists() {
		t.Fatal("scope deleted over REST still exists over gRPC")
	}
}

func TestCreateScopeBadInput(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ body, want string }{
		{``, "a JSON object is required"},
		{`[1]`, "a JSON object is required, got array"},
		{`{`, "request body"},
		{`{"scopeName":"a"} {}`, "unexpected data after the JSON value"},
		{`{}`, "scopeName is required"},
		{`{"scopeName":null}`, "scopeName is required"},
		{`{"scopeName":5}`, "field scopeName: expected a string, got number"},
		{`{"scopeName":""}`, "name is empty"},
		{`{"scopeName":"a/b"}`, "outside [A-Za-z0-9.-]"},
		{`{"scopeName":"_internal"}`, "outside [A-Za-z0-9.-]"}, // users may not create internal scopes
		{`{"scopeName":"` + strings.Repeat("x", 256) + `"}`, "too long"},
		{`{"scopeName":".."}`, "only dots"},
		{`{"scopeName":"x","pad":"` + strings.Repeat("x", 1<<20) + `"}`, "larger than"},
	} {
		e.expectError("POST", "/scopes", c.body, http.StatusBadRequest, c.want)
	}
	// Dots among other characters are fine.
	e.mustScope("a.b")
	e.expect("GET", "/scopes/a.b", "", http.StatusOK, nil)
}
