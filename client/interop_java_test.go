package client

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// javaKey is the interop suite's Java key (p, s): an 8-byte big-endian
// primary key and a 4-byte big-endian secondary key.
func javaKey(p int64, s int32) TableKey {
	return TableKey{Primary: binary.BigEndian.AppendUint64(nil, uint64(p)),
		Secondary: binary.BigEndian.AppendUint32(nil, uint32(s))}
}

// runJavaTest runs one test class of the Java interop suite (Pravega
// client 0.13.0) against the test node, from a copy of the suite so that
// it never shares a build directory with another run. It skips without
// Maven, Java or the suite's dependencies in the local repository
// (`make interop` fetches them); SLUICE_INTEROP_M2 names the repository.
func runJavaTest(t *testing.T, class string, env ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("the Java client takes tens of seconds")
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		t.Skip("no mvn")
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("no java")
	}
	repo := os.Getenv("SLUICE_INTEROP_M2")
	if repo == "" {
		home, _ := os.UserHomeDir()
		repo = filepath.Join(home, ".m2", "repository")
	}
	if _, err := os.Stat(filepath.Join(repo, "io", "pravega", "pravega-client")); err != nil {
		t.Skip("no Pravega Java client in the local Maven repository (run `make interop` once)")
	}
	dir := t.TempDir()
	suite, _ := filepath.Abs("../test/interop/java")
	if err := os.CopyFS(filepath.Join(dir, "src"), os.DirFS(filepath.Join(suite, "src"))); err != nil {
		t.Fatal(err)
	}
	pom, err := os.ReadFile(filepath.Join(suite, "pom.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pom.xml"), pom, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, mvn, "-B", "-o", "-q", "-ntp", "test", "-Dmaven.repo.local="+repo,
		"-Dtest="+class, "-Dsurefire.failIfNoSpecifiedTests=false",
		"-Dsluice.controller=tcp://"+testNode.ControllerAddr().String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("java %s: %v\n%s", class, err, out)
	}
	// A skipped test class would pass silently: check that it ran.
	report, err := os.ReadFile(filepath.Join(dir, "target", "surefire-reports", "TEST-io.sluice.interop."+class+".xml"))
	if err != nil {
		t.Fatalf("java %s left no report: %v", class, err)
	}
	if want := `skipped="0"`; !bytes.Contains(report, []byte(want)) {
		t.Fatalf("java %s was skipped:\n%s", class, report)
	}
}

// TestKVTJavaInterop shares a key-value table and a byte stream with the
// Java client 0.13.0 (GoKeyValueTableTest.java): Java reads what Go wrote
// (same key layout, routing and versions), replaces an entry at the version
// Go printed and writes entries of its own, which Go then reads; Java reads
// Go's bytes, appends and seals, and Go reads to the end.
func TestKVTJavaInterop(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	kvt := newKVT(t, c, KVTConfig{Partitions: 3, PrimaryKeyLength: 8, SecondaryKeyLength: 4})
	var v00 KeyVersion
	for p := range int64(20) {
		var mods []TableModification
		for s := range int32(5) {
			mods = append(mods, TableModification{Key: javaKey(p, s), Value: fmt.Appendf(nil, "go-%d-%d", p, s)})
		}
		vs, err := kvt.Update(ctx, mods)
		if err != nil {
			t.Fatal(err)
		}
		if p == 0 {
			v00 = vs[0]
		}
	}
	scope, stream := newStream(t, c, 1)
	w, err := c.NewByteStreamWriter(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, []byte("hello from go")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}

	runJavaTest(t, "GoKeyValueTableTest", "SLUICE_GOKVT_TABLE="+kvt.Scope()+"/"+kvt.Name(),
		"SLUICE_GOKVT_VERSION="+v00.String(), "SLUICE_GOKVT_BYTES="+scope+"/"+stream)

	e, err := kvt.Get(ctx, javaKey(0, 0))
	if err != nil || string(e.Value) != "java-replaced" || e.Version == v00 {
		t.Fatalf("entry Java replaced: %q %v %v", e.Value, e.Version, err)
	}
	n := 0
	for e, err := range kvt.Entries(ctx, ScanPrimaryRange(javaKey(100, 0).Primary, javaKey(119, 0).Primary)) {
		if err != nil {
			t.Fatal(err)
		}
		p, s := int64(binary.BigEndian.Uint64(e.Key.Primary)), int32(binary.BigEndian.Uint32(e.Key.Secondary))
		if want := fmt.Sprintf("java-%d-%d", p, s); string(e.Value) != want || p != 100+int64(n/5) || s != int32(n%5) {
			t.Fatalf("entry %d: (%d, %d) = %q", n, p, s, e.Value)
		}
		n++
	}
	if n != 100 {
		t.Fatalf("read %d entries Java wrote, want 100", n)
	}
	r, err := c.NewByteStreamReader(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(r.Reader(ctx))
	if err != nil || string(all) != "hello from go and java" {
		t.Fatalf("byte stream after Java: %q %v", all, err)
	}
}
