// Package metastoretest is the contract test suite of metastore.Store. Every
// implementation runs it: Run(t, newInstance).
package metastoretest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/metastore"
)

// Instance is one store under test with the hooks the suite needs.
type Instance struct {
	// Store is empty when handed to the suite.
	Store metastore.Store
	// Advance moves time forward by d as the store's leases see it: a fake
	// clock for Mem, real sleeping for a server.
	Advance func(d time.Duration)
	// Restart, if not nil, stops the store as a process shutdown would and
	// opens it again on the same data, returning the new store. Nil skips
	// the persistence test.
	Restart func() metastore.Store
}

// Run runs the contract suite. newInstance is called once per subtest and
// must register its own cleanup with t.Cleanup. Subtests run in parallel.
func Run(t *testing.T, newInstance func(t *testing.T) Instance) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, in Instance)
	}{
		{"GetMissing", testGetMissing},
		{"PutGet", testPutGet},
		{"Conditions", testConditions},
		{"Delete", testDelete},
		{"TxnAtomic", testTxnAtomic},
		{"TxnInvalid", testTxnInvalid},
		{"ListPagination", testListPagination},
		{"PrefixIsolation", testPrefixIsolation},
		{"ConcurrentCAS", testConcurrentCAS},
		{"Lease", testLease},
		{"LeaseExpiry", testLeaseExpiry},
		{"LeaseKeepAlive", testLeaseKeepAlive},
		{"Watch", testWatch},
		{"WatchFromRevision", testWatchFromRevision},
		{"Persistence", testPersistence},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newInstance(t))
		})
	}
}

// ctx returns a context bounded so that a hung store fails the test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func put(t *testing.T, s metastore.Store, key, value string, cond metastore.Cond, opts ...metastore.PutOption) int64 {
	t.Helper()
	rev, err := s.Put(ctx(t), key, []byte(value), cond, opts...)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return rev
}

func get(t *testing.T, s metastore.Store, key string) metastore.KV {
	t.Helper()
	kv, err := s.Get(ctx(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return kv
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

func wantMissing(t *testing.T, s metastore.Store, key string) {
	t.Helper()
	_, err := s.Get(ctx(t), key)
	wantErr(t, "Get("+key+")", err, metastore.ErrNotFound)
}

// eventually polls cond until it holds, failing after 10 s of real time.
// It returns at once when cond already holds (always, for Mem).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// keys returns the keys of kvs.
func keys(kvs []metastore.KV) []string {
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv.Key
	}
	return out
}
