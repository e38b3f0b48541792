package standalone_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicestream/sluice/client"
	"github.com/sluicestream/sluice/internal/controller/autoscale"
	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/standalone"
)

// TestAutoScalingFollowsLoad: a stream scaled by event rate (target 100
// events/s, scale factor 2) gets a 10x load step from a writer with many
// routing keys: the test measures the time to the first split and to the
// final segment count; then the load drops and segments merge. Every
// event is read back exactly once, in order per key, across all the
// segments the scales made. The default run uses short windows and
// cooldowns; SLUICE_AUTOSCALE_DEFAULTS=1 runs with the product defaults.
func TestAutoScalingFollowsLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of load")
	}
	defaults := os.Getenv("SLUICE_AUTOSCALE_DEFAULTS") == "1"
	cfg := standalone.Config{InMemory: true, ControllerAddress: "127.0.0.1:0", SegmentStoreAddress: "127.0.0.1:0",
		RESTAddress: "127.0.0.1:0"}
	if !defaults {
		cfg.Autoscale = autoscale.Config{HotFor: 2 * time.Second, Cooldown: 3 * time.Second,
			ColdFor: 3 * time.Second, MergeCooldown: 5 * time.Second}
		cfg.LoadReporting = segmentstore.LoadReporting{Interval: 250 * time.Millisecond,
			FastWindow: 2 * time.Second, SlowWindow: 4 * time.Second}
	}
	node, err := standalone.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	ctx := t.Context()
	c, err := client.New(ctx, "tcp://"+node.ControllerAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := c.StreamManager()
	const scope, stream = "auto", "load"
	if err := m.CreateScope(ctx, scope); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateStream(ctx, scope, stream, client.StreamConfig{Scaling: client.ScalingPolicy{
		Type: client.ByRateEventsPerSec, TargetRate: 100, ScaleFactor: 2, MinSegments: 1}}); err != nil {
		t.Fatal(err)
	}
	w, err := c.NewEventWriter(ctx, scope, stream, client.WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}

	// The writer sends events "key:seq" over 1,000 keys at the current
	// rate, one batch every 10 ms, until stopped.
	const keys = 1000
	var rate atomic.Int64
	rate.Store(50)
	stop := make(chan struct{})
	written := make(chan []int, 1)
	go func() {
		seq := make([]int, keys)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		next, owed := 0, 0.0
		for {
			select {
			case <-stop:
				written <- seq
				return
			case <-tick.C:
			}
			owed += float64(rate.Load()) / 100
			for ; owed >= 1; owed-- {
				k := next % keys
				next++
				seq[k]++
				if err := w.Write(ctx, strconv.Itoa(k), fmt.Appendf(nil, "%d:%d", k, seq[k])); err != nil {
					t.Errorf("write: %v", err)
					written <- seq
					return
				}
			}
		}
	}()
	count := func() int {
		segs, err := m.CurrentSegments(ctx, scope, stream)
		if err != nil {
			t.Fatal(err)
		}
		return len(segs)
	}
	// watch samples the segment count until done says stop or limit
	// passes; it returns the time of the first change and of the last.
	watch := func(limit time.Duration, done func(n int, stable time.Duration) bool) (first, last time.Duration, n int) {
		began := time.Now()
		n = count()
		changed := began
		for time.Since(began) < limit {
			time.Sleep(200 * time.Millisecond) // sampling the outcome of a timed scenario
			if c := count(); c != n {
				if first == 0 {
					first = time.Since(began)
				}
				n, changed = c, time.Now()
				last = changed.Sub(began)
			}
			if done(n, time.Since(changed)) {
				break
			}
		}
		return first, last, n
	}

	// Below the target: no scale.
	if _, _, n := watch(4*time.Second, func(int, time.Duration) bool { return false }); n != 1 {
		t.Fatalf("%d segments under a load below the target", n)
	}
	rate.Store(1000) // 10x the target
	limit := 60 * time.Second
	if defaults {
		limit = 5 * time.Minute
	}
	first, last, peak := watch(limit, func(n int, stable time.Duration) bool { return n >= 10 && stable >= 8*time.Second })
	t.Logf("10x step: first split after %v, %d segments after %v", first.Round(100*time.Millisecond), peak,
		last.Round(100*time.Millisecond))
	if first == 0 || first > 30*time.Second {
		t.Fatalf("first split after %v, want within 30 s", first)
	}
	if peak < 8 {
		t.Fatalf("%d segments at 10x the target, want at least 8", peak)
	}
	rate.Store(20)
	limit = 60 * time.Second
	if defaults {
		limit = 10 * time.Minute
	}
	mergeFirst, mergeLast, low := watch(limit, func(n int, _ time.Duration) bool { return n == 1 })
	t.Logf("load dropped to 0.2x: first merge after %v, %d segments after %v", mergeFirst.Round(100*time.Millisecond),
		low, mergeLast.Round(100*time.Millisecond))
	if low >= peak {
		t.Fatalf("no merge after the load dropped (%d segments)", low)
	}
	close(stop)
	seq := <-written
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if events := node.Controller().Scaler().Events(scope, stream); len(events) > 0 {
		t.Logf("first automatic scale: %s", events[0].Reason)
	}
	checkScalingEventsHaveReasons(t, node, scope, stream)
	checkEveryEventOnceInOrder(t, c, m, scope, stream, seq)
}

// checkScalingEventsHaveReasons: the REST scaling events of the stream
// carry the auto-scaler's reasons for its splits and merges.
func checkScalingEventsHaveReasons(t *testing.T, node *standalone.Node, scope, stream string) {
	t.Helper()
	url := fmt.Sprintf("http://%s/v1/scopes/%s/streams/%s/scaling-events?from=0&to=%d", node.RESTAddr(), scope, stream,
		time.Now().Add(time.Minute).UnixMilli())
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		ScalingEvents []struct {
			Splits, Merges int64
			Reason         string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET scaling events: %d %v", resp.StatusCode, err)
	}
	var splits, merges int
	for _, e := range got.ScalingEvents {
		switch {
		case e.Splits > 0 && strings.Contains(e.Reason, "split"):
			splits++
		case e.Merges > 0 && strings.Contains(e.Reason, "merge"):
			merges++
		}
	}
	if splits == 0 || merges == 0 {
		t.Fatalf("scaling events without the auto-scaler's reasons: %+v", got.ScalingEvents)
	}
}

// checkEveryEventOnceInOrder seals the stream and reads all of it with a
// reader group of two readers: each key's events arrive exactly once and
// in the order written, across all the segments the scales made.
func checkEveryEventOnceInOrder(t *testing.T, c *client.Client, m *client.StreamManager, scope, stream string, seq []int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := m.SealStream(ctx, scope, stream); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range seq {
		total += n
	}
	g, err := c.CreateReaderGroup(ctx, scope, "check", client.ReaderGroupConfig{
		Streams: []client.GroupStream{{Scope: scope, Stream: stream}}, RefreshInterval: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		got      = make(map[int][]int) // key → sequence numbers in the order read
		read     int
		segments = map[int64]bool{}
	)
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for i := range 2 {
		r, err := g.NewReader(ctx, fmt.Sprintf("reader-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = r.Close(ctx) }()
			for {
				ev, err := r.ReadNext(readCtx)
				if err != nil {
					return
				}
				if ev.Event == nil {
					continue // a checkpoint
				}
				k, s, _ := strings.Cut(string(ev.Event), ":")
				key, _ := strconv.Atoi(k)
				n, _ := strconv.Atoi(s)
				mu.Lock()
				got[key] = append(got[key], n)
				segments[ev.Segment.ID] = true
				if read++; read == total {
					stop()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if read != total {
		t.Fatalf("the reader group read %d of %d events", read, total)
	}
	for key, want := range seq {
		evs := got[key]
		if len(evs) != want {
			t.Fatalf("key %d: %d events read, %d written", key, len(evs), want)
		}
		for i, n := range evs {
			if n != i+1 {
				t.Fatalf("key %d: event %d is seq %d: lost, duplicated or out of order", key, i, n)
			}
		}
	}
	t.Logf("%d events over %d keys read by a reader group of two exactly once and in order, from %d segments",
		total, len(seq), len(segments))
}
