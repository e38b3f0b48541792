package metastoretest

import (
	"context"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/metastore"
)

// want is an expected event; rev -1 means "any revision after the previous
// event's".
type want struct {
	typ metastore.EventType
	key string
	rev int64
}

// expectEvents reads len(wants) events from ch and checks them.
func expectEvents(t *testing.T, ch <-chan metastore.Event, wants ...want) {
	t.Helper()
	var last int64
	for i, w := range wants {
		var ev metastore.Event
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatalf("event %d: channel closed, want %v %s", i, w.typ, w.key)
			}
			ev = e
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d: timed out waiting for %v %s", i, w.typ, w.key)
		}
		if ev.Err != nil {
			t.Fatalf("event %d: watch failed: %v", i, ev.Err)
		}
		if ev.Type != w.typ || ev.KV.Key != w.key {
			t.Fatalf("event %d: %v %s, want %v %s", i, ev.Type, ev.KV.Key, w.typ, w.key)
		}
		if w.rev >= 0 && ev.KV.ModRevision != w.rev || w.rev < 0 && ev.KV.ModRevision <= last {
			t.Fatalf("event %d (%v %s): revision %d, want %d (previous %d)", i, ev.Type, ev.KV.Key, ev.KV.ModRevision, w.rev, last)
		}
		last = ev.KV.ModRevision
	}
}

func testWatch(t *testing.T, in Instance) {
	s := in.Store
	wctx, cancel := context.WithCancel(ctx(t))
	ch := s.Watch(wctx, "w/", 0)
	r1 := put(t, s, "w/a", "1", metastore.Unconditional())
	put(t, s, "x/a", "outside", metastore.Unconditional())
	if err := s.Delete(ctx(t), "w/a", metastore.AtRevision(r1)); err != nil {
		t.Fatal(err)
	}
	r3, err := s.Txn(ctx(t),
		metastore.PutOp("w/b", []byte("b"), metastore.Unconditional()),
		metastore.PutOp("x/b", []byte("outside"), metastore.Unconditional()),
		metastore.PutOp("w/c", []byte("c"), metastore.Unconditional()),
	)
	if err != nil {
		t.Fatal(err)
	}
	expectEvents(t, ch,
		want{metastore.EventPut, "w/a", r1},
		want{metastore.EventDelete, "w/a", -1},
		want{metastore.EventPut, "w/b", r3},
		want{metastore.EventPut, "w/c", r3},
	)
	cancel()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("watch channel not closed after its context was cancelled")
		}
	}
}

func testWatchFromRevision(t *testing.T, in Instance) {
	s := in.Store
	r1 := put(t, s, "h/a", "1", metastore.Unconditional())
	put(t, s, "g/a", "outside", metastore.Unconditional())
	r2 := put(t, s, "h/a", "2", metastore.AtRevision(r1))
	if err := s.Delete(ctx(t), "h/a", metastore.Unconditional()); err != nil {
		t.Fatal(err)
	}
	ch := s.Watch(ctx(t), "h/", r2)
	r4 := put(t, s, "h/b", "3", metastore.Unconditional())
	expectEvents(t, ch,
		want{metastore.EventPut, "h/a", r2},
		want{metastore.EventDelete, "h/a", -1},
		want{metastore.EventPut, "h/b", r4},
	)
}
