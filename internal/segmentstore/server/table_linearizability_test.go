package server_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

type kvOpKind int

const (
	opGet kvOpKind = iota
	opPut
	opRemove
)

type kvInput struct {
	op    kvOpKind
	key   string
	value string
	cond  int64 // wire.NoVersion, wire.NotExists or a version
}

type kvOutput struct {
	err     string // "", "bad" (TableKeyBadVersion), "dne" (TableKeyDoesNotExist)
	exists  bool   // get
	version int64  // get, successful put
	value   string // get
}

// kvState is the model's state of one key.
type kvState struct {
	exists  bool
	version int64
	value   string
}

// conditionOutcome is what a condition yields against state s.
func conditionOutcome(s kvState, cond int64, remove bool) string {
	switch {
	case cond == wire.NoVersion:
		return ""
	case !s.exists && cond == wire.NotExists:
		return ""
	case !s.exists:
		return "dne"
	case cond != s.version:
		return "bad"
	}
	_ = remove
	return ""
}

var tableModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(kvInput).key
			byKey[k] = append(byKey[k], op)
		}
		var out [][]porcupine.Operation
		for _, ops := range byKey {
			out = append(out, ops)
		}
		return out
	},
	Init: func() interface{} { return kvState{} },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		s, in, out := state.(kvState), input.(kvInput), output.(kvOutput)
		switch in.op {
		case opGet:
			if out.exists != s.exists {
				return false, s
			}
			return !s.exists || (out.version == s.version && out.value == s.value), s
		case opPut:
			if want := conditionOutcome(s, in.cond, false); want != out.err {
				return false, s
			}
			if out.err != "" {
				return true, s
			}
			return true, kvState{exists: true, version: out.version, value: in.value}
		default:
			if want := conditionOutcome(s, in.cond, true); want != out.err {
				return false, s
			}
			if out.err != "" {
				return true, s
			}
			return true, kvState{}
		}
	},
	DescribeOperation: func(input, output interface{}) string {
		in, out := input.(kvInput), output.(kvOutput)
		return fmt.Sprintf("%v(%s,%q,%d) -> %+v", in.op, in.key, in.value, in.cond, out)
	},
}

// TestTableLinearizable runs seeded random concurrent clients doing
// conditional puts, removals and reads on a few keys and checks the history
// against a sequential model of a versioned map.
func TestTableLinearizable(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	st := startStore(t, t.TempDir())
	const seg = "sc/lin_kvtable/0.#epoch.0"
	newTable(t, st.Addr().String(), seg, 0)
	const clients, opsPerClient = 8, 150
	keys := []string{"x", "y", "z"}
	began := time.Now()
	var mu sync.Mutex
	var history []porcupine.Operation
	var wg sync.WaitGroup
	for ci := range clients {
		rng := rand.New(rand.NewPCG(seed, uint64(ci)))
		conn := sstest.Dial(t, st.Addr().String())
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := map[string]int64{} // last version this client saw per key
			for i := range opsPerClient {
				k := keys[rng.IntN(len(keys))]
				in := kvInput{op: kvOpKind(rng.IntN(3)), key: k}
				switch rng.IntN(4) {
				case 0:
					in.cond = wire.NoVersion
				case 1:
					in.cond = wire.NotExists
				case 2, 3:
					in.cond = seen[k] // 0 if never seen: the first record's version
				}
				if in.op == opPut {
					in.value = fmt.Sprintf("c%d-%d", ci, i)
				}
				reqID := int64(i + 1)
				call := time.Since(began).Nanoseconds()
				var reply wire.Command
				switch in.op {
				case opGet:
					conn.Send(&wire.ReadTable{RequestID: reqID, Segment: seg, Keys: []wire.TableKey{key(k, wire.NoVersion)}})
				case opPut:
					conn.Send(&wire.UpdateTableEntries{RequestID: reqID, Segment: seg,
						Entries: []wire.TableEntry{entry(k, in.value, in.cond)}, TableSegmentOffset: -1})
				case opRemove:
					conn.Send(&wire.RemoveTableKeys{RequestID: reqID, Segment: seg, Keys: []wire.TableKey{key(k, in.cond)},
						TableSegmentOffset: -1})
				}
				reply = conn.Recv()
				ret := time.Since(began).Nanoseconds()
				var out kvOutput
				switch r := reply.(type) {
				case *wire.TableRead:
					e := r.Entries[0]
					out = kvOutput{exists: e.Key.Version != wire.NotExists, version: e.Key.Version, value: string(e.Value)}
					if out.exists {
						seen[k] = e.Key.Version
					} else {
						out.version = 0
					}
				case *wire.TableEntriesUpdated:
					out.version = r.UpdatedVersions[0]
					seen[k] = out.version
				case *wire.TableKeysRemoved:
				case *wire.TableKeyBadVersion:
					out.err = "bad"
				case *wire.TableKeyDoesNotExist:
					out.err = "dne"
				default:
					t.Errorf("unexpected reply %#v", reply)
					return
				}
				mu.Lock()
				history = append(history, porcupine.Operation{ClientId: ci, Input: in, Call: call, Output: out, Return: ret})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	outcomes := map[string]int{}
	for _, op := range history {
		outcomes[fmt.Sprint(op.Input.(kvInput).op, op.Output.(kvOutput).err)]++
	}
	t.Logf("%d operations, outcomes (kind+error) %v", len(history), outcomes)
	res := porcupine.CheckOperationsTimeout(tableModel, history, 60*time.Second)
	if res != porcupine.Ok {
		t.Fatalf("history is not linearizable (%v), seed %d", res, seed)
	}
}

// TestTableIterationUnderUpdates iterates over 100k entries while another
// client updates, inserts and removes keys: every key present at the start
// and not removed is returned exactly once.
func TestTableIterationUnderUpdates(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	st := startStore(t, t.TempDir())
	c := newTable(t, st.Addr().String(), "sc/iter_kvtable/0.#epoch.0", 0)
	const batch = 2000
	for i := 0; i < n; i += batch {
		var es []wire.TableEntry
		for j := i; j < min(i+batch, n); j++ {
			es = append(es, entry(fmt.Sprintf("key-%06d", j), "v0", wire.NoVersion))
		}
		c.mustUpdate(es...)
	}
	removed := make([]bool, n)
	stop := make(chan struct{})
	done := make(chan int)
	u := &tc{Conn: sstest.Dial(t, st.Addr().String()), t: t, seg: c.seg}
	go func() {
		rng := rand.New(rand.NewPCG(1, 2))
		ops := 0
		defer func() { done <- ops }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			var es []wire.TableEntry
			var rm []wire.TableKey
			for range 20 {
				j := rng.IntN(n)
				switch rng.IntN(4) {
				case 0:
					if !removed[j] {
						removed[j] = true
						rm = append(rm, key(fmt.Sprintf("key-%06d", j), wire.NoVersion))
					}
				case 1:
					es = append(es, entry(fmt.Sprintf("new-%06d-%d", j, ops), "n", wire.NoVersion))
				default:
					if !removed[j] {
						es = append(es, entry(fmt.Sprintf("key-%06d", j), fmt.Sprint("v", ops), wire.NoVersion))
					}
				}
			}
			if len(es) > 0 {
				u.Send(&wire.UpdateTableEntries{RequestID: 1, Segment: u.seg, Entries: es, TableSegmentOffset: -1})
				if _, ok := u.Recv().(*wire.TableEntriesUpdated); !ok {
					t.Error("update failed")
					return
				}
			}
			if len(rm) > 0 {
				u.Send(&wire.RemoveTableKeys{RequestID: 2, Segment: u.seg, Keys: rm, TableSegmentOffset: -1})
				if _, ok := u.Recv().(*wire.TableKeysRemoved); !ok {
					t.Error("remove failed")
					return
				}
			}
			ops++
		}
	}()
	count := map[string]int{}
	var token []byte
	pages := 0
	for {
		c.Send(&wire.ReadTableKeys{RequestID: c.next(), Segment: c.seg, SuggestedKeyCount: 1000,
			Args: wire.TableIteratorArgs{ContinuationToken: token}})
		r := sstest.Expect[*wire.TableKeysRead](c.Conn)
		if len(r.Keys) == 0 {
			break
		}
		for _, k := range r.Keys {
			count[string(k.Key)]++
		}
		token = r.ContinuationToken
		pages++
	}
	close(stop)
	ops := <-done
	t.Logf("%d pages, %d keys returned, %d concurrent update batches", pages, len(count), ops)
	for k, m := range count {
		if m != 1 {
			t.Fatalf("key %s returned %d times", k, m)
		}
	}
	missing := 0
	for j := range n {
		if !removed[j] && count[fmt.Sprintf("key-%06d", j)] != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d keys present throughout were not returned", missing)
	}
	if ops == 0 {
		t.Log("warning: no concurrent updates ran during the iteration")
	}
}
