package tables

import (
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

// env is one container over a real journal (without fsync) in dir.
type env struct {
	j   *journal.Journal
	ctr *container.Container
	ts  *Tables
}

func openEnv(t testing.TB, dir string) *env {
	t.Helper()
	return openEnvWith(t, dir, nil, Options{})
}

// openEnvWith is openEnv with long-term storage (nil: none) and options.
func openEnvWith(t testing.TB, dir string, storage container.Storage, opts Options) *env {
	t.Helper()
	j, err := journal.Open(vfs.Default(), dir, journal.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	log := j.Log(0)
	ctr, err := container.Open(container.Config{ID: 0, Log: log, Storage: storage})
	if err != nil {
		t.Fatal(err)
	}
	log.SetListener(ctr.Durable)
	e := &env{j: j, ctr: ctr, ts: New(ctr, opts)}
	t.Cleanup(e.close)
	return e
}

func (e *env) close() {
	if e.ctr != nil {
		e.ts.Close()
		e.ctr.Close()
		_ = e.j.Close()
		e.ctr = nil
	}
}

func (e *env) create(t testing.TB, name string, keyLength int32) {
	t.Helper()
	if _, err := wait(func(done func(struct{}, error)) {
		e.ts.Create(name, keyLength, 0, func(err error) { done(struct{}{}, err) })
	}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) update(name string, tableOffset int64, entries ...Entry) ([]int64, error) {
	return wait(func(done func([]int64, error)) { e.ts.Update(name, entries, tableOffset, done) })
}

func (e *env) remove(name string, tableOffset int64, keys ...Key) error {
	_, err := wait(func(done func(struct{}, error)) {
		e.ts.Remove(name, keys, tableOffset, func(err error) { done(struct{}{}, err) })
	})
	return err
}

func put(k, v string, version int64) Entry {
	return Entry{Key: []byte(k), Value: []byte(v), Version: version}
}
