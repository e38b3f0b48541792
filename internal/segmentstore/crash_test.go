package segmentstore_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	ltsfs "github.com/sluicestream/sluice/internal/segmentstore/lts/fs"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/vfs"
	"github.com/sluicestream/sluice/internal/wire"
)

// crashChildEnv makes the test binary run a segment store instead of tests.
const crashChildEnv = "SLUICE_CRASH_CHILD_DATA"

// childCacheEnv gives the child default tiering with this cache budget (MiB).
const childCacheEnv = "SLUICE_CHILD_CACHE_MIB"

// childDefaultsEnv gives the child the default configuration (benchmarks).
const childDefaultsEnv = "SLUICE_CHILD_DEFAULTS"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		runCrashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// runCrashChild serves until killed and prints its address.
func runCrashChild(dir string) {
	// Tier aggressively so that kills land during flushes, checkpoints and
	// journal truncations, and reads come from long-term storage.
	tiering := container.Tiering{FlushInterval: 20 * time.Millisecond, ChunkSize: 64 << 10,
		MinFlushBytes: 16 << 10, CacheBudget: 256 << 10, CheckpointBytes: 256 << 10}
	cfg := segmentstore.Config{
		DataDir: dir, Address: "127.0.0.1:0", JournalFileSize: 1 << 20, Tiering: tiering,
		TableSnapshotMinBytes: 4 << 10, // kills land while table index snapshots are written
	}
	if mib, _ := strconv.Atoi(os.Getenv(childCacheEnv)); mib > 0 {
		cfg.Tiering = container.Tiering{CacheBudget: int64(mib) << 20}
	}
	if os.Getenv(childDefaultsEnv) != "" { // a production-like node (benchmarks)
		cfg = segmentstore.Config{DataDir: dir, Address: "127.0.0.1:0", Tiering: benchTiering()}
	}
	st, err := segmentstore.Start(context.Background(), cfg)
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("ADDR", st.Addr().String())
	select {}
}

type child struct {
	cmd  *exec.Cmd
	addr string
}

func startChild(t testing.TB, dir string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), crashChildEnv+"="+dir), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child did not start: %q %v", line, err)
	}
	return &child{cmd: cmd, addr: strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))}
}

func (c *child) kill9() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

// crashWriter is an exactly-once writer that survives server crashes.
type crashWriter struct {
	id      wire.UUID
	name    string
	segment string
	acked   atomic.Int64 // highest acknowledged event number
}

func event(name string, n int64) string {
	return fmt.Sprintf("%s-%d-%s", name, n, strings.Repeat("x", int(n%37)))
}

// run writes until the connection breaks: it sets up (learning what the
// server kept), then pipelines blocks of events numbered from there.
func (w *crashWriter) run(t *testing.T, addr string, stop <-chan struct{}) {
	c := sstest.DialRaw(t, addr)
	defer c.Close()
	if c.TrySend(&wire.Hello{HighVersion: wire.Version, LowVersion: wire.OldestCompatibleVersion}) != nil {
		return
	}
	if _, err := c.TryRecv(10 * time.Second); err != nil {
		return
	}
	if c.TrySend(&wire.SetupAppend{RequestID: 1, WriterID: w.id, Segment: w.segment}) != nil {
		return
	}
	reply, err := c.TryRecv(10 * time.Second)
	if err != nil {
		return
	}
	setup, ok := reply.(*wire.AppendSetup)
	if !ok {
		t.Errorf("%s: setup reply %#v", w.name, reply)
		return
	}
	last := max(setup.LastEventNumber, 0)
	if last < w.acked.Load() {
		t.Errorf("%s: server reports last event %d but %d was acknowledged", w.name, last, w.acked.Load())
		return
	}
	w.acked.Store(last)
	acks := make(chan struct{})
	progress := make(chan struct{}, 1) // an acknowledgement arrived
	go func() {
		defer close(acks)
		for {
			r, err := c.TryRecv(30 * time.Second)
			if err != nil {
				return
			}
			a, ok := r.(*wire.DataAppended)
			if !ok {
				t.Errorf("%s: unexpected reply %#v", w.name, r)
				return
			}
			w.acked.Store(a.EventNumber)
			select {
			case progress <- struct{}{}:
			default:
			}
		}
	}()
	next := last + 1
	for {
		select {
		case <-stop:
			c.Close()
			<-acks
			return
		case <-acks:
			return
		default:
		}
		n := int64(1 + rand.IntN(8))
		var names []string
		for i := range n {
			names = append(names, event(w.name, next+i))
		}
		next += n
		if c.TrySend(&wire.AppendBlockEnd{WriterID: w.id, Data: sstest.Events(names...), NumEvents: int32(n),
			LastEventNumber: next - 1, RequestID: 1}) != nil {
			<-acks
			return
		}
		for next-w.acked.Load() > 2000 { // bound what is in flight: wait for acknowledgements
			select {
			case <-progress:
			case <-acks:
				return
			case <-stop:
				c.Close()
				<-acks
				return
			}
		}
	}
}

// verify checks that the segment holds each writer's events 1..k exactly
// once, in order, with k at least the highest acknowledged number.
func verify(t *testing.T, addr string, writers []*crashWriter) {
	t.Helper()
	c := sstest.Dial(t, addr)
	bySegment := map[string][]*crashWriter{}
	for _, w := range writers {
		bySegment[w.segment] = append(bySegment[w.segment], w)
	}
	for seg, ws := range bySegment {
		events, err := sstest.SplitEvents(sstest.ReadAll(c, seg))
		if err != nil {
			t.Fatalf("%s: %v", seg, err)
		}
		next := map[string]int64{}
		for _, e := range events {
			name := e[:strings.IndexByte(e, '-')]
			rest := e[len(name)+1:]
			n, err := strconv.ParseInt(rest[:strings.IndexByte(rest, '-')], 10, 64)
			if err != nil {
				t.Fatalf("%s: bad event %q", seg, e)
			}
			next[name]++
			if n != next[name] || e != event(name, n) {
				t.Fatalf("%s: writer %s event %d found where %d was due (duplicate, gap or corruption)", seg, name, n, next[name])
			}
		}
		for _, w := range ws {
			if next[w.name] < w.acked.Load() {
				t.Fatalf("%s: writer %s has %d events but %d were acknowledged", seg, w.name, next[w.name], w.acked.Load())
			}
		}
	}
}

func TestCrashKeepsEveryAcknowledgedEvent(t *testing.T) {
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
	admin := sstest.Dial(t, ch.addr)
	segments := []string{"crash/s/0.#epoch.0", "crash/s/1.#epoch.0", "crash/t/0.#epoch.0"}
	for _, s := range segments {
		admin.Create(s)
	}
	admin.Close()
	var writers []*crashWriter
	for i := range 6 {
		writers = append(writers, &crashWriter{id: wire.UUID{0xcc, byte(i)}, name: fmt.Sprintf("w%d", i), segment: segments[i%len(segments)]})
	}
	for cycle := range cycles {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for _, w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.run(t, ch.addr, stop)
			}()
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		ch.kill9()
		close(stop)
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		ch = startChild(t, dir)
		verify(t, ch.addr, writers)
		total := int64(0)
		for _, w := range writers {
			total += w.acked.Load()
		}
		t.Logf("cycle %d: %d acknowledged events verified", cycle+1, total)
	}
	ch.kill9()
	checkNoDuplicatesInStorage(t, dir, segments)
}

// checkNoDuplicatesInStorage restarts the store on dir, flushes everything
// to long-term storage and sweeps what the crashes left behind; then each
// segment's chunks must hold its bytes exactly once.
func checkNoDuplicatesInStorage(t *testing.T, dir string, segments []string) {
	t.Helper()
	st, err := segmentstore.Start(context.Background(), segmentstore.Config{
		DataDir: dir, Address: "127.0.0.1:0", NoSync: true, NoOrphanSweep: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := sstest.Dial(t, st.Addr().String())
	defer c.Close()
	for id := range 4 {
		c.Send(&wire.FlushToStorage{RequestID: 1, ContainerID: int32(id)})
		sstest.Expect[*wire.StorageFlushed](c)
	}
	res, err := st.SweepOrphans(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sweep after the crashes: %+v", res)
	storage, err := ltsfs.New(vfs.Default(), filepath.Join(dir, "lts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, seg := range segments {
		infos, err := lts.ListAll(t.Context(), storage, lts.SegmentPrefix(seg))
		if err != nil {
			t.Fatal(err)
		}
		stored := int64(0)
		for _, i := range infos {
			if p, err := lts.ParseName(i.Name); err == nil && p.Kind == lts.KindChunk {
				stored += i.Size
			}
		}
		if info := c.Info(seg); stored != info.WriteOffset {
			t.Errorf("%s: chunks hold %d bytes, the segment has %d", seg, stored, info.WriteOffset)
		}
	}
}
