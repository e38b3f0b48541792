package journal_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

var (
	crashSeed  = flag.Uint64("crash.seed", 0, "seed of TestCrashRandomized (0: from the clock)")
	crashIters = flag.Int("crash.iters", 0, "iterations of TestCrashRandomized (0: default)")
)

// crashModel is what the test knows about one container: what it appended,
// what the journal reported durable before the crash, what it truncated.
type crashModel struct {
	appended uint64 // highest seq Append returned (an upper bound)
	durable  uint64 // highest seq reported durable before the crash
	trunc    uint64 // truncation point recovered at the start of the round
	truncs   []issuedTrunc
}

type issuedTrunc struct {
	upTo   uint64
	before uint64 // the log's last seq when it was issued
}

// required is the lowest truncation point recovery may report: a
// truncation followed by an append of the same log that became durable
// precedes that append in the journal, so it is durable too.
func (m *crashModel) required() uint64 {
	r := m.trunc
	for _, tr := range m.truncs {
		if m.durable > tr.before {
			r = max(r, tr.upTo)
		}
	}
	return r
}

func (m *crashModel) maxIssued() uint64 {
	r := m.trunc
	for _, tr := range m.truncs {
		r = max(r, tr.upTo)
	}
	return r
}

// TestCrashRandomized appends and truncates from several goroutines and
// containers, crashes the filesystem at random instants (keeping random
// prefixes of unsynced writes, sometimes garbled) or closes cleanly, then
// recovers and checks the result against the model: nothing reported
// durable is lost, no container has a gap, every payload is intact, and
// truncation points are neither lost (once durable) nor invented.
//
// The seed fixes every random choice except goroutine scheduling.
func TestCrashRandomized(t *testing.T) {
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	iters := *crashIters
	if iters == 0 {
		iters = 40
		if testing.Short() {
			iters = 8
		}
	}
	t.Logf("seed %d (rerun with -crash.seed=%d)", seed, seed)
	var torn warnCounter
	logger := slog.New(&torn)
	for iter := range iters {
		iterSeed := seed + uint64(iter)
		if !t.Run(fmt.Sprintf("iter%d", iter), func(t *testing.T) { crashIteration(t, iterSeed, logger) }) {
			t.Fatalf("failed with seed %d iteration %d (-crash.seed=%d -crash.iters=%d)", seed, iter, seed, iter+1)
		}
	}
	t.Logf("recoveries that cut a torn tail: %d", torn.n.Load())
	if iters >= 20 && torn.n.Load() == 0 {
		t.Error("no recovery ever met a torn tail: the test does not crash mid-write")
	}
}

// warnCounter is a slog.Handler that counts the journal's torn-tail
// warnings.
type warnCounter struct{ n atomic.Int64 }

func (w *warnCounter) Enabled(context.Context, slog.Level) bool { return true }
func (w *warnCounter) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "torn tail") {
		w.n.Add(1)
	}
	return nil
}
func (w *warnCounter) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnCounter) WithGroup(string) slog.Handler      { return w }

func crashIteration(t *testing.T, seed uint64, logger *slog.Logger) {
	rng := rand.New(rand.NewPCG(seed, 1))
	mem := vfs.NewMem()
	mem.SetCrashPolicy(vfs.CrashPolicy{Rand: rand.New(rand.NewPCG(seed, 2)), Garble: rng.IntN(2) == 0})
	const containers = 6
	models := make(map[uint32]*crashModel)
	for c := range uint32(containers) {
		models[c+1] = &crashModel{}
	}
	for round := range 6 {
		r := &crashRound{
			mem:     mem,
			models:  models,
			end:     endKind(rng.IntN(3)),
			at:      crashOps[rng.IntN(len(crashOps))],
			after:   int64(1 + rng.IntN(600)),
			seed:    rng.Uint64(),
			crashed: make(chan struct{}),
		}
		opts := journal.Options{
			FileSize:         int64(256+rng.IntN(256)) << rng.IntN(8), // 256 B .. 64 KiB
			MaxBufferedBytes: 256 + rng.IntN(16<<10),
			Logger:           logger,
		}
		j, err := journal.Open(vfs.NewErrorFS(mem, r.rule), dir, opts)
		if err != nil {
			t.Fatalf("round %d: Open: %v", round, err)
		}
		checkRecovered(t, round, j, models)
		mem = r.run(t, j)
	}
}

// crashOps are the filesystem operations a crash happens just before. A
// crash before a Sync finds written but unsynced data: a torn write.
var crashOps = []vfs.Op{vfs.OpSync, vfs.OpSync, vfs.OpSync, vfs.OpWrite, vfs.OpSyncDir, vfs.OpRemove, vfs.OpCreate}

var errKilled = errors.New("process killed")

// endKind is how a round ends.
type endKind int

const (
	powerLoss  endKind = iota // lose power under the running journal
	kill                      // fail every filesystem call from now on, as if the process died
	cleanClose                // Close, then lose power
)

// crashRound is one life of a journal, from Open to its end.
type crashRound struct {
	mem    *vfs.MemFS
	models map[uint32]*crashModel
	end    endKind
	at     vfs.Op // the crash or kill happens just before the first such op...
	after  int64  // ...once this many appends and truncations were made
	seed   uint64

	ops     atomic.Int64
	killed  atomic.Bool
	once    sync.Once
	crashed chan struct{} // closed once the crash or kill happened
	mu      sync.Mutex    // guards models, over and after
	over    bool          // reports no longer count
	next    *vfs.MemFS    // what the next round recovers from
}

// rule is the ErrorFS rule of the round: it crashes or kills at the chosen
// instant and fails everything after a kill.
func (r *crashRound) rule(op vfs.Op, _ string) error {
	if r.killed.Load() {
		return errKilled
	}
	if r.end != cleanClose && op == r.at && r.ops.Load() >= r.after {
		r.crash()
		if r.killed.Load() {
			return errKilled
		}
	}
	return nil
}

// crash ends the round (once): it freezes the model and takes the
// post-crash state. A kill leaves unsynced writes in place, as a process
// crash leaves them in the page cache.
func (r *crashRound) crash() {
	r.once.Do(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.over = true
		if r.end == kill {
			r.killed.Store(true)
			r.next = r.mem
		} else {
			r.next = r.mem.CrashClone()
		}
		close(r.crashed)
	})
}

// run drives j from one goroutine per pair of containers until the round
// ends, and returns the filesystem the next round recovers from.
func (r *crashRound) run(t *testing.T, j *journal.Journal) *vfs.MemFS {
	t.Helper()
	for c, m := range r.models {
		j.Log(c).SetListener(func(seq uint64, err error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if err == nil && !r.over {
				m.durable = max(m.durable, seq)
			}
		})
	}
	stop := make(chan struct{})
	late := make(chan struct{}) // the chosen op did not come
	var lateOnce sync.Once
	var wg sync.WaitGroup
	for w := range uint32(len(r.models) / 2) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.drive(j, w, stop)
			lateOnce.Do(func() { close(late) })
		}()
	}
	if r.end == cleanClose {
		<-late
		close(stop)
		wg.Wait()
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		for c, m := range r.models { // Close commits everything
			if m.durable != m.appended {
				t.Fatalf("after Close, container %d durable %d, appended %d", c, m.durable, m.appended)
			}
		}
		r.crash()
		return r.next
	}
	select {
	case <-r.crashed:
	case <-late:
		r.crash()
	}
	close(stop)
	_ = j.Close() // wakes appenders blocked on back-pressure
	wg.Wait()
	return r.next
}

// drive appends to and truncates containers 2w+1 and 2w+2 until stop, or
// until it made 3*after operations.
func (r *crashRound) drive(j *journal.Journal, w uint32, stop chan struct{}) {
	rng := rand.New(rand.NewPCG(r.seed, uint64(w)))
	logs := []*journal.Log{j.Log(2*w + 1), j.Log(2*w + 2)}
	for r.ops.Load() < 3*r.after {
		select {
		case <-stop:
			return
		default:
		}
		l := logs[rng.IntN(2)]
		m := r.models[l.ID()]
		if rng.IntN(10) == 0 {
			r.mu.Lock()
			last, trunc := m.appended, m.maxIssued()
			var upTo uint64
			if last > trunc {
				upTo = trunc + 1 + rng.Uint64N(last-trunc)
				m.truncs = append(m.truncs, issuedTrunc{upTo: upTo, before: last})
			}
			r.mu.Unlock()
			if upTo != 0 {
				if err := l.Truncate(upTo); err != nil {
					return
				}
			}
		} else {
			seq, err := l.Append(payload(l.ID(), l.LastSeq()+1))
			if err != nil {
				return
			}
			// Recorded even after the crash: appended is an upper bound.
			r.mu.Lock()
			m.appended = max(m.appended, seq)
			r.mu.Unlock()
		}
		r.ops.Add(1)
	}
}

// checkRecovered replays every container and checks it against its model,
// then resets the model to what was recovered (all of it is durable now).
func checkRecovered(t *testing.T, round int, j *journal.Journal, models map[uint32]*crashModel) {
	t.Helper()
	for c, m := range models {
		l := j.Log(c)
		last, trunc := l.LastSeq(), l.TruncatedSeq()
		next := trunc + 1
		err := l.Replay(func(seq uint64, p []byte) error {
			if seq != next {
				return fmt.Errorf("seq %d, want %d", seq, next)
			}
			if want := payload(c, seq); !bytes.Equal(p, want) {
				return fmt.Errorf("seq %d: corrupt payload %q, want %q", seq, p, want)
			}
			next++
			return nil
		})
		switch {
		case err != nil:
			t.Fatalf("round %d container %d: replay: %v", round, c, err)
		case next != last+1 && last > trunc:
			t.Fatalf("round %d container %d: replay ended at %d, LastSeq %d", round, c, next-1, last)
		case last < m.durable:
			t.Fatalf("round %d container %d: lost durable records: recovered up to %d, %d was reported durable",
				round, c, last, m.durable)
		case last > m.appended:
			t.Fatalf("round %d container %d: recovered seq %d never appended (last appended %d)", round, c, last, m.appended)
		case trunc < m.required():
			t.Fatalf("round %d container %d: lost durable truncation: point %d, want >= %d", round, c, trunc, m.required())
		case trunc > m.maxIssued():
			t.Fatalf("round %d container %d: truncation point %d never issued (max %d)", round, c, trunc, m.maxIssued())
		}
		*m = crashModel{appended: last, durable: last, trunc: trunc}
	}
}
