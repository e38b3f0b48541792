package vfs_test

import (
	"errors"
	"testing"

	"github.com/sluicestream/sluice/internal/vfs"
)

func TestErrorFSInjectsByRule(t *testing.T) {
	injected := errors.New("injected")
	var seen []string
	e := vfs.NewErrorFS(vfs.NewMem(), func(op vfs.Op, name string) error {
		seen = append(seen, op.String()+" "+name)
		if op == vfs.OpSync && name == "/b" {
			return injected
		}
		return nil
	})
	a, err := e.Create("/a")
	must(t, err)
	write(t, a, "x")
	must(t, a.Sync())
	b, err := e.Create("/b")
	must(t, err)
	if err := b.Sync(); !errors.Is(err, injected) {
		t.Fatalf("Sync of /b: %v", err)
	}
	must(t, b.Close())
	want := []string{"create /a", "write /a", "sync /a", "create /b", "sync /b", "close /b"}
	if join(seen) != join(want) {
		t.Fatalf("rule saw %q, want %q", seen, want)
	}
	if vfs.Op(200).String() != "Op(200)" {
		t.Fatal(vfs.Op(200).String())
	}
}
