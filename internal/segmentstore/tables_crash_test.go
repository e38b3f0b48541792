package segmentstore_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// tableClient updates its own keys together, conditionally on their known
// versions; it remembers what was acknowledged and what was in flight when
// the server died.
type tableClient struct {
	name     string
	segment  string
	keys     []string
	versions []int64 // acknowledged versions, NotExists before the first batch
	acked    int     // sequence number of the last acknowledged batch
	inflight int     // batch sent but not answered, 0 if none
}

func (c *tableClient) value(seq int) string {
	return fmt.Sprintf("%s:%d:%s", c.name, seq, strings.Repeat("v", seq%50))
}

// run sends conditional batches one at a time until the connection breaks.
func (c *tableClient) run(t *testing.T, addr string) {
	conn := sstest.DialRaw(t, addr)
	defer conn.Close()
	if conn.TrySend(&wire.Hello{HighVersion: wire.Version, LowVersion: wire.OldestCompatibleVersion}) != nil {
		return
	}
	if _, err := conn.TryRecv(10 * time.Second); err != nil {
		return
	}
	for {
		seq := c.acked + 1
		es := make([]wire.TableEntry, len(c.keys))
		for i, k := range c.keys {
			es[i] = wire.TableEntry{Key: wire.TableKey{Key: []byte(k), Version: c.versions[i]}, Value: []byte(c.value(seq))}
		}
		c.inflight = seq
		if conn.TrySend(&wire.UpdateTableEntries{RequestID: int64(seq), Segment: c.segment, Entries: es, TableSegmentOffset: -1}) != nil {
			return
		}
		r, err := conn.TryRecv(30 * time.Second)
		if err != nil {
			return
		}
		up, ok := r.(*wire.TableEntriesUpdated)
		if !ok || up.RequestID != int64(seq) || len(up.UpdatedVersions) != len(c.keys) {
			t.Errorf("%s: batch %d: reply %#v", c.name, seq, r)
			return
		}
		copy(c.versions, up.UpdatedVersions)
		c.acked, c.inflight = seq, 0
	}
}

// verify reads the client's keys after a restart: they hold one batch, the
// acknowledged one with its versions or the one in flight, never a mix.
func (c *tableClient) verify(t *testing.T, conn *sstest.Conn) {
	t.Helper()
	ks := make([]wire.TableKey, len(c.keys))
	for i, k := range c.keys {
		ks[i] = wire.TableKey{Key: []byte(k), Version: wire.NoVersion}
	}
	conn.Send(&wire.ReadTable{RequestID: 5, Segment: c.segment, Keys: ks})
	r := sstest.Expect[*wire.TableRead](conn)
	seqs := map[int]bool{}
	for _, e := range r.Entries {
		if e.Key.Version == wire.NotExists {
			seqs[0] = true
			continue
		}
		parts := strings.SplitN(string(e.Value), ":", 3)
		seq, err := strconv.Atoi(parts[1])
		if err != nil || parts[0] != c.name || string(e.Value) != c.value(seq) {
			t.Fatalf("%s: corrupt value %q", c.name, e.Value)
		}
		seqs[seq] = true
	}
	if len(seqs) != 1 {
		t.Fatalf("%s: keys hold parts of different batches %v (acked %d, in flight %d)", c.name, seqs, c.acked, c.inflight)
	}
	var seq int
	for s := range seqs {
		seq = s
	}
	switch {
	case seq == c.acked:
		for i, e := range r.Entries {
			if c.acked > 0 && e.Key.Version != c.versions[i] {
				t.Fatalf("%s: key %s has version %d, acknowledged %d", c.name, c.keys[i], e.Key.Version, c.versions[i])
			}
		}
	case seq == c.inflight && seq != 0:
		for i, e := range r.Entries {
			c.versions[i] = e.Key.Version
		}
		c.acked = seq
	default:
		t.Fatalf("%s: keys hold batch %d; acknowledged %d, in flight %d", c.name, seq, c.acked, c.inflight)
	}
	c.inflight = 0
}

func TestTableCrashKeepsAcknowledgedBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	cycles := 5
	if s := os.Getenv("SLUICE_CRASH_CYCLES"); s != "" {
		cycles, _ = strconv.Atoi(s)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d cycles", seed, cycles)
	rng := rand.New(rand.NewPCG(seed, seed))
	dir := t.TempDir()
	ch := startChild(t, dir)
	segments := []string{"crash/rg_kvtable/0.#epoch.0", "crash/other_kvtable/0.#epoch.0"}
	admin := sstest.Dial(t, ch.addr)
	for i, s := range segments {
		admin.Send(&wire.CreateTableSegment{RequestID: int64(i), Segment: s})
		sstest.Expect[*wire.SegmentCreated](admin)
	}
	admin.Close()
	var clients []*tableClient
	for i := range 8 {
		c := &tableClient{name: fmt.Sprintf("c%d", i), segment: segments[i%len(segments)]}
		for k := range 4 {
			c.keys = append(c.keys, fmt.Sprintf("%s/key%d", c.name, k))
			c.versions = append(c.versions, wire.NotExists)
		}
		clients = append(clients, c)
	}
	for cycle := range cycles {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.run(t, ch.addr)
			}()
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		ch.kill9()
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		ch = startChild(t, dir)
		conn := sstest.Dial(t, ch.addr)
		total := 0
		for _, c := range clients {
			c.verify(t, conn)
			total += c.acked
		}
		conn.Close()
		t.Logf("cycle %d: %d batches verified", cycle+1, total)
	}
	ch.kill9()
	// The kills landed among index snapshots (the child snapshots every
	// 4 KiB of table log).
	for _, s := range segments {
		if _, err := os.Stat(filepath.Join(dir, "lts", lts.IndexName(s))); err != nil {
			t.Errorf("no index snapshot of %s: %v", s, err)
		}
	}
}
