package controller_test

import (
	"fmt"
	"testing"

	pb "github.com/sluicestream/sluice/api/controller"
)

func TestScopeRPCs(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	st := func(s string) pb.CreateScopeStatus_Status {
		r, err := h.c.CreateScope(c, &pb.ScopeInfo{Scope: s})
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}
	if got := st("sc"); got != pb.CreateScopeStatus_SUCCESS {
		t.Fatal(got)
	}
	if got := st("sc"); got != pb.CreateScopeStatus_SCOPE_EXISTS {
		t.Fatal(got)
	}
	for _, bad := range []string{"", "a/b", "__x", "sp ace"} {
		if got := st(bad); got != pb.CreateScopeStatus_INVALID_SCOPE_NAME {
			t.Fatalf("%q: %v", bad, got)
		}
	}
	if r, _ := h.c.CheckScopeExists(c, &pb.ScopeInfo{Scope: "sc"}); !r.Exists {
		t.Fatal("scope missing")
	}
	if r, _ := h.c.CheckScopeExists(c, &pb.ScopeInfo{Scope: "nope"}); r.Exists {
		t.Fatal("scope exists")
	}
	h.mustStream("sc", "st", 1)
	if r, _ := h.c.DeleteScope(c, &pb.ScopeInfo{Scope: "sc"}); r.Status != pb.DeleteScopeStatus_SCOPE_NOT_EMPTY {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.DeleteScope(c, &pb.ScopeInfo{Scope: "nope"}); r.Status != pb.DeleteScopeStatus_SCOPE_NOT_FOUND {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.DeleteScopeRecursive(c, &pb.ScopeInfo{Scope: "nope"}); r.Status != pb.DeleteScopeStatus_SUCCESS {
		t.Fatal(r.Status)
	}
	if r, err := h.c.DeleteScopeRecursive(c, &pb.ScopeInfo{Scope: "sc"}); err != nil || r.Status != pb.DeleteScopeStatus_SUCCESS {
		t.Fatal(r, err)
	}
	if r, _ := h.c.CheckScopeExists(c, &pb.ScopeInfo{Scope: "sc"}); r.Exists {
		t.Fatal("scope survived recursive delete")
	}
	if _, err := h.ss.GetStreamSegmentInfo(c, "sc/st/0.#epoch.0"); err == nil {
		t.Fatal("segment survived recursive delete")
	}
	if st("empty") != pb.CreateScopeStatus_SUCCESS {
		t.Fatal()
	}
	if r, _ := h.c.DeleteScope(c, &pb.ScopeInfo{Scope: "empty"}); r.Status != pb.DeleteScopeStatus_SUCCESS {
		t.Fatal(r.Status)
	}
}

// TestListScopesPages lists 1,500 scopes (plus _system) in pages of 1,000.
func TestListScopesPages(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	for i := range 1500 {
		if _, err := h.c.CreateScope(c, &pb.ScopeInfo{Scope: fmt.Sprintf("s%04d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	token := ""
	pages := 0
	for {
		r, err := h.c.ListScopes(c, &pb.ScopesRequest{ContinuationToken: &pb.ContinuationToken{Token: token}})
		if err != nil {
			t.Fatal(err)
		}
		if r.ContinuationToken == nil {
			t.Fatal("continuation token missing")
		}
		if len(r.Scopes) == 0 {
			break
		}
		pages++
		all = append(all, r.Scopes...)
		token = r.ContinuationToken.Token
	}
	if len(all) != 1501 || pages != 2 || all[0] != "_system" {
		t.Fatalf("%d scopes in %d pages, last %q", len(all), pages, all[len(all)-1])
	}
}
