package client

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

func TestParseControllerURI(t *testing.T) {
	for _, tc := range []struct {
		in    string
		hosts []string
		tls   bool
		bad   bool
	}{
		{in: "tcp://127.0.0.1:9090", hosts: []string{"127.0.0.1:9090"}},
		{in: "tls://ctl.example:443", hosts: []string{"ctl.example:443"}, tls: true},
		{in: "pravegas://a:1,b:2", hosts: []string{"a:1", "b:2"}, tls: true},
		{in: "localhost", hosts: []string{"localhost:9090"}},
		{in: "tcp://[::1]", hosts: []string{"[::1]:9090"}},
		{in: "http://x:1", bad: true},
		{in: "tcp://", bad: true},
	} {
		u, err := parseControllerURI(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error", tc.in)
			}
			continue
		}
		if err != nil || u.tls != tc.tls || len(u.hosts) != len(tc.hosts) {
			t.Errorf("%q: %+v %v", tc.in, u, err)
			continue
		}
		for i := range u.hosts {
			if u.hosts[i] != tc.hosts[i] {
				t.Errorf("%q: hosts %v, want %v", tc.in, u.hosts, tc.hosts)
			}
		}
	}
}

// TestRouterCeiling: a key goes to the first range whose upper end is >=
// it (Java's ceilingEntry), and replacing a sealed range clips successors.
func TestRouterCeiling(t *testing.T) {
	a, b := &segmentWriter{}, &segmentWriter{}
	r := newRouter([]route{{KeyRange{0.5, 1}, b}, {KeyRange{0, 0.5}, a}})
	for _, tc := range []struct {
		key  float64
		want *segmentWriter
	}{{0, a}, {0.25, a}, {0.5, a}, {0.5000001, b}, {0.99, b}} {
		if got := r.pick(tc.key); got != tc.want {
			t.Errorf("pick(%v) wrong", tc.key)
		}
	}
	// A merge successor covering [0, 1) replaces only b's half.
	m := &segmentWriter{}
	r = r.replace(b, []route{{KeyRange{0, 1}, m}})
	if r.pick(0.25) != a || r.pick(0.75) != m || len(r.routes) != 2 || r.routes[1].Low != 0.5 {
		t.Errorf("after replace: %+v", r.routes)
	}
	if r = r.replace(a, nil); r.pick(0.25) != m {
		t.Errorf("sealed range: key 0.25 should fall to the next route (ceiling)")
	}
}

// TestRoutingKeyVectors pins the routing hash to the Java client's values
// (shared/spec/controller-api.md §2.2).
func TestRoutingKeyVectors(t *testing.T) {
	for key, want := range map[string]float64{"": 0.24117842791623523, "a": 0.9433912753816884,
		"routingKey": 0.9115813645916913, "key-1": 0.3829162539760538, "hello world": 0.42628017229426707} {
		if got := naming.RoutingKeyToKey(key); got != want {
			t.Errorf("%q → %v, want %v", key, got, want)
		}
	}
}

func TestTokenExpiry(t *testing.T) {
	payload := base64.RawStdEncoding.EncodeToString([]byte(`{"sub":"segmentstoreresource","exp": 1700000000}`))
	exp, ok := tokenExpiry("eyJhbGciOiJIUzUxMiJ9." + payload + ".sig")
	if !ok || !exp.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("exp %v %v", exp, ok)
	}
	if _, ok := tokenExpiry(""); ok {
		t.Fatal("empty token has no expiry")
	}
}

// TestFlushIgnoresLaterEvents: Flush waits for the events accepted before
// it, not for those written while it waits.
func TestFlushIgnoresLaterEvents(t *testing.T) {
	f := newFlow(1 << 20)
	before, after := &pendingEvent{data: make([]byte, 10)}, &pendingEvent{data: make([]byte, 10)}
	if err := f.acquire(t.Context(), before); err != nil {
		t.Fatal(err)
	}
	upTo := f.mark() // what Flush does first
	if err := f.acquire(t.Context(), after); err != nil {
		t.Fatal(err)
	}
	flushed := make(chan error, 1)
	go func() { flushed <- f.waitGen(t.Context(), upTo) }()
	f.release([]*pendingEvent{before})
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending[after.gen] != 1 {
		t.Fatalf("pending %v: the later event should still be pending", f.pending)
	}
}

func TestJitteredStaysWithinHalfAndWhole(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 10 * time.Millisecond, 250 * time.Millisecond} {
		for range 1000 {
			if j := jittered(d); j < d/2 || j > d {
				t.Fatalf("jittered(%v) = %v, want within [%v, %v]", d, j, d/2, d)
			}
		}
	}
}

func TestEventBufClass(t *testing.T) {
	for _, tc := range []struct{ n, class int }{
		{0, 0}, {1, 0}, {64, 0}, {65, 1}, {128, 1}, {1032, 5}, {1 << 20, 14}, {1<<20 + 1, -1},
	} {
		if got := eventBufClass(tc.n); got != tc.class {
			t.Errorf("eventBufClass(%d) = %d, want %d", tc.n, got, tc.class)
		}
	}
}

// TestEventRecordFramesAndRecycles: a record holds the framed event in a
// pooled buffer of the right size class, and recycling forgets the bytes.
func TestEventRecordFramesAndRecycles(t *testing.T) {
	payload := []byte("0123456789")
	ev := newEventRecord("key", payload, nil)
	want := wire.AppendEvent(nil, payload)
	if string(ev.data) != string(want) || cap(ev.data) != 64 || ev.buf == nil {
		t.Fatalf("record %q cap %d pooled %v, want %q cap 64 pooled", ev.data, cap(ev.data), ev.buf != nil, want)
	}
	if ev.key != naming.RoutingKeyToKey("key") {
		t.Fatalf("key position %v", ev.key)
	}
	ev.recycle()
	if ev.data != nil || ev.buf != nil {
		t.Fatal("recycled record still holds its buffer")
	}
	big := newEventRecord("k", make([]byte, 2<<20), nil)
	if big.buf != nil || len(big.data) != 2<<20+wire.EventHeaderSize {
		t.Fatalf("a 2 MiB event: pooled %v, %d bytes", big.buf != nil, len(big.data))
	}
	big.recycle() // not pooled: a no-op
}
