package client

import (
	"errors"
	"slices"
	"testing"
)

func collect(t *testing.T, seq func(yield func(string, error) bool)) ([]string, error) {
	t.Helper()
	var out []string
	for s, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

func TestStreamManagerScopes(t *testing.T) {
	c := newTestClient(t)
	m := c.StreamManager()
	ctx := t.Context()
	scope := newScope(t, c)
	if err := m.CreateScope(ctx, scope); !errors.Is(err, ErrScopeExists) {
		t.Fatalf("create twice: %v", err)
	}
	if err := m.CreateScope(ctx, "bad/name"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("bad name: %v", err)
	}
	if ok, err := m.ScopeExists(ctx, scope); !ok || err != nil {
		t.Fatalf("exists: %v %v", ok, err)
	}
	if ok, err := m.ScopeExists(ctx, "nosuchscope"); ok || err != nil {
		t.Fatalf("exists (missing): %v %v", ok, err)
	}
	scopes, err := collect(t, m.ListScopes(ctx))
	if err != nil || !slices.Contains(scopes, scope) {
		t.Fatalf("list scopes: %v %v", scopes, err)
	}
	if err := m.DeleteScope(ctx, scope); err != nil {
		t.Fatal(err)
	}
	if err := m.DeleteScope(ctx, scope); !errors.Is(err, ErrScopeNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestStreamManagerStreams(t *testing.T) {
	c := newTestClient(t)
	m := c.StreamManager()
	ctx := t.Context()
	scope := newScope(t, c)
	cfg := StreamConfig{Scaling: Fixed(2), Tags: []string{"blue", "red"},
		Retention: &RetentionPolicy{Type: RetainBySize, Min: 1 << 20}}
	if err := m.CreateStream(ctx, scope, "a", cfg); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateStream(ctx, scope, "b", StreamConfig{Scaling: Fixed(1), Tags: []string{"red"}}); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateStream(ctx, scope, "a", cfg); !errors.Is(err, ErrStreamExists) {
		t.Fatalf("create twice: %v", err)
	}
	if err := m.CreateStream(ctx, "nosuchscope", "a", cfg); !errors.Is(err, ErrScopeNotFound) {
		t.Fatalf("create in missing scope: %v", err)
	}
	if err := m.CreateStream(ctx, scope, "bad name", cfg); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("bad name: %v", err)
	}
	if err := m.CreateStream(ctx, scope, "c", StreamConfig{}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("zero config: %v", err)
	}
	got, err := m.GetStreamConfig(ctx, scope, "a")
	if err != nil || got.Scaling != cfg.Scaling || !slices.Equal(got.Tags, cfg.Tags) ||
		got.Retention == nil || *got.Retention != *cfg.Retention {
		t.Fatalf("config: %+v %v", got, err)
	}
	if _, err := m.GetStreamConfig(ctx, scope, "nope"); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("config of a missing stream: %v", err)
	}
	segs, err := m.CurrentSegments(ctx, scope, "a")
	if err != nil || len(segs) != 2 || segs[0].Low != 0 || segs[1].High != 1 {
		t.Fatalf("segments: %+v %v", segs, err)
	}

	// Tags: listing by tag, then an update that changes them.
	red, err := collect(t, m.ListStreamsByTag(ctx, scope, "red"))
	if err != nil || !slices.Equal(red, []string{"a", "b"}) {
		t.Fatalf("streams tagged red: %v %v", red, err)
	}
	cfg.Tags = []string{"green"}
	if err := m.UpdateStream(ctx, scope, "a", cfg); err != nil {
		t.Fatal(err)
	}
	if tags, err := m.StreamTags(ctx, scope, "a"); err != nil || !slices.Equal(tags, []string{"green"}) {
		t.Fatalf("tags after update: %v %v", tags, err)
	}
	if red, _ := collect(t, m.ListStreamsByTag(ctx, scope, "red")); !slices.Equal(red, []string{"b"}) {
		t.Fatalf("streams tagged red after update: %v", red)
	}
	all, err := collect(t, m.ListStreams(ctx, scope))
	if err != nil || !slices.Contains(all, "a") || !slices.Contains(all, "b") {
		t.Fatalf("list streams: %v %v", all, err)
	}
	if _, err := collect(t, m.ListStreams(ctx, "nosuchscope")); !errors.Is(err, ErrScopeNotFound) {
		t.Fatalf("list streams of a missing scope: %v", err)
	}

	// Lifecycle: a stream must be sealed before deletion; a sealed stream
	// takes no updates or writes; the scope must be empty to go.
	if err := m.DeleteScope(ctx, scope); !errors.Is(err, ErrScopeNotEmpty) {
		t.Fatalf("delete non-empty scope: %v", err)
	}
	if err := m.DeleteStream(ctx, scope, "a"); !errors.Is(err, ErrStreamNotSealed) {
		t.Fatalf("delete unsealed: %v", err)
	}
	if err := m.SealStream(ctx, scope, "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.SealStream(ctx, scope, "a"); err != nil {
		t.Fatalf("seal twice: %v", err)
	}
	if err := m.UpdateStream(ctx, scope, "a", cfg); !errors.Is(err, ErrStreamSealed) {
		t.Fatalf("update sealed: %v", err)
	}
	if segs, err := m.CurrentSegments(ctx, scope, "a"); err != nil || len(segs) != 0 {
		t.Fatalf("segments of a sealed stream: %v %v", segs, err)
	}
	w, err := c.NewEventWriter(ctx, scope, "a", WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, "k", []byte("x")); !errors.Is(err, ErrStreamSealed) {
		t.Fatalf("write to sealed stream: %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.DeleteStream(ctx, scope, "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.DeleteStream(ctx, scope, "a"); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if ok, err := m.StreamExists(ctx, scope, "a"); ok || err != nil {
		t.Fatalf("exists after delete: %v %v", ok, err)
	}
	if _, err := c.NewEventWriter(ctx, scope, "a", WriterConfig{}); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("writer on a deleted stream: %v", err)
	}
	if err := m.DeleteScopeRecursive(ctx, scope); err != nil {
		t.Fatal(err)
	}
	if ok, _ := m.ScopeExists(ctx, scope); ok {
		t.Fatal("scope survived a recursive delete")
	}
}
