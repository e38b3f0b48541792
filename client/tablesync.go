package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/wire"
)

// tableSync keeps a two-level map (outer key → inner key → typed value) in
// a table segment, shared by every process that opens the same segment,
// exactly as the Rust client's table synchronizer does, so the two clients
// can share one reader group (the layout is in rgformat.go and doc.go).
//
// Every change is an optimistic transaction: the update function reads the
// local copy and records puts and tombstones; they are sent as one
// UpdateTableEntries, each key conditional on the version last seen (or
// "must not exist"), together with the outer key of every touched map,
// also conditional, so any concurrent change to a map fails the whole
// batch. On a conflict the local copy is re-read and the function runs
// again. A removal writes a tombstone value (part of the atomic batch).
// Rust then removes the tombstone (a conditional RemoveTableKeys); this
// client leaves it: Rust readers learn of changes through delta reads,
// which do not report removed keys, so a Rust reader that had not yet seen
// the tombstone would keep the removed value and, since its retries on
// version conflicts are unbounded, loop. Tombstones are one per key ever
// used (readers, segments, checkpoints), so the table stays small.
type tableSync struct {
	t *tableSegment

	mu struct {
		sync.Mutex
		inner map[string]map[string]syncValue // outer → inner → value (tombstones included)
		outer map[string]int64                // outer → version of its version key
	}
}

// syncValue is one stored value: the Rust Value{type_id, data} and the
// key's version.
type syncValue struct {
	typeID  string
	data    []byte
	version int64
}

func (v syncValue) tombstone() bool { return v.typeID == typeTombstone }

const (
	typeTombstone = "tombstone"
	typeBlob      = "blob"
	statePage     = 1000
	syncAttempts  = 50
)

func newTableSync(t *tableSegment) *tableSync {
	s := &tableSync{t: t}
	s.resetLocked()
	return s
}

func (s *tableSync) resetLocked() {
	s.mu.inner = make(map[string]map[string]syncValue)
	s.mu.outer = make(map[string]int64)
}

// compositeKey is the table key text of an inner entry ("%02d<outer>/<inner>")
// or, with inner "", of the outer map's version entry ("%02d<outer>").
func compositeKey(outer, inner string, isOuter bool) string {
	k := fmt.Sprintf("%02d%s", len(outer), outer)
	if !isOuter {
		k += "/" + inner
	}
	return k
}

// splitKey parses a composite key.
func splitKey(k string) (outer, inner string, isOuter bool, err error) {
	if len(k) < 2 {
		return "", "", false, fmt.Errorf("%w: table key %q too short", errCBOR, k)
	}
	n, err := strconv.Atoi(k[:2])
	if err != nil || len(k) < 2+n {
		return "", "", false, fmt.Errorf("%w: table key %q has no outer length", errCBOR, k)
	}
	outer = k[2 : 2+n]
	if len(k) == 2+n {
		return outer, "", true, nil
	}
	return outer, k[2+n+1:], false, nil
}

// encodeValue writes a Rust Value{type_id: String, data: Vec<u8>}.
func encodeValue(typeID string, data []byte) []byte {
	b := cborAppendMapHead(nil, 2)
	b = cborAppendText(b, "type_id")
	b = cborAppendText(b, typeID)
	b = cborAppendText(b, "data")
	return cborAppendByteSeq(b, data)
}

func decodeValue(b []byte) (typeID string, data []byte, err error) {
	v, err := cborDecode(b)
	if err != nil {
		return "", nil, err
	}
	t, err := v.structField("type_id")
	if err != nil {
		return "", nil, err
	}
	if typeID, err = t.text(); err != nil {
		return "", nil, err
	}
	d, err := v.structField("data")
	if err != nil {
		return "", nil, err
	}
	data, err = d.byteSeq()
	return typeID, data, err
}

// apply stores one entry read from the table.
func (s *tableSync) applyLocked(e tableEntry) error {
	kv, err := cborDecode(e.key)
	if err != nil {
		return err
	}
	k, err := kv.text()
	if err != nil {
		return err
	}
	outer, inner, isOuter, err := splitKey(k)
	if err != nil {
		return err
	}
	if isOuter {
		s.mu.outer[outer] = e.version
		return nil
	}
	typeID, data, err := decodeValue(e.value)
	if err != nil {
		return fmt.Errorf("value of %q: %w", k, err)
	}
	m := s.mu.inner[outer]
	if m == nil {
		m = make(map[string]syncValue)
		s.mu.inner[outer] = m
	}
	m[inner] = syncValue{typeID: typeID, data: data, version: e.version}
	return nil
}

// fetch replaces the local copy by the table's current content.
//
// It reads every entry (ReadTableEntries) rather than the changes since
// the last read (ReadTableEntriesDelta, the Rust client's way): a delta
// read does not report removed keys, so a process that reads after a
// tombstone was both written and removed would keep the removed value
// forever. The state is small (an entry per reader and segment), so a
// full read costs one request like a delta read.
func (s *tableSync) fetch(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetchLocked(ctx)
}

func (s *tableSync) fetchLocked(ctx context.Context) error {
	inner, outer := s.mu.inner, s.mu.outer
	s.resetLocked()
	var token []byte
	for {
		page, next, err := s.t.entriesPage(ctx, token, nil, nil, statePage)
		if err != nil {
			s.mu.inner, s.mu.outer = inner, outer
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, e := range page {
			if err := s.applyLocked(e); err != nil {
				s.mu.inner, s.mu.outer = inner, outer
				return fmt.Errorf("state of %s: %w", s.t.seg, err)
			}
		}
		token = next
	}
}

// syncUpdate is what an update function sees: the local copy plus its own
// pending changes.
type syncUpdate struct {
	s       *tableSync
	puts    map[[2]string]syncValue // (outer, inner) → new value
	order   [][2]string
	touched map[string]bool
}

// get returns a live (non-tombstone) value.
func (u *syncUpdate) get(outer, inner string) (syncValue, bool) {
	if v, ok := u.puts[[2]string{outer, inner}]; ok {
		return v, !v.tombstone()
	}
	v, ok := u.s.mu.inner[outer][inner]
	return v, ok && !v.tombstone()
}

// keys returns the live inner keys of a map, sorted.
func (u *syncUpdate) keys(outer string) []string {
	set := make(map[string]bool)
	for k, v := range u.s.mu.inner[outer] {
		set[k] = !v.tombstone()
	}
	for _, k := range u.order {
		if k[0] == outer {
			set[k[1]] = !u.puts[k].tombstone()
		}
	}
	var out []string
	for k, live := range set {
		if live {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (u *syncUpdate) put(outer, inner, typeID string, data []byte) {
	k := [2]string{outer, inner}
	if _, ok := u.puts[k]; !ok {
		u.order = append(u.order, k)
	}
	u.puts[k] = syncValue{typeID: typeID, data: data}
	u.touched[outer] = true
}

// tombstone marks a live key removed; removing a missing key is a no-op.
func (u *syncUpdate) tombstone(outer, inner string) {
	if _, ok := u.get(outer, inner); !ok {
		return
	}
	u.put(outer, inner, typeTombstone, []byte{0xa0}) // serde_cbor of `struct Tombstone {}`
}

// retain makes the update conditional on a map it read but did not change.
func (u *syncUpdate) retain(outer string) { u.touched[outer] = true }

// update brings the local copy up to date, runs fn against it and commits
// its changes, retrying on conflicts. fn must only read and record changes; it may run several
// times. A non-nil error from fn aborts the update.
func (s *tableSync) update(ctx context.Context, fn func(u *syncUpdate) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fetchLocked(ctx); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		u := &syncUpdate{s: s, puts: make(map[[2]string]syncValue), touched: make(map[string]bool)}
		if err := fn(u); err != nil {
			return err
		}
		if len(u.order) == 0 {
			return nil
		}
		var entries []tableEntry
		for _, k := range u.order {
			v := u.puts[k]
			ver := wire.NotExists
			if old, ok := s.mu.inner[k[0]][k[1]]; ok {
				ver = old.version
			}
			entries = append(entries, tableEntry{key: cborAppendText(nil, compositeKey(k[0], k[1], false)),
				value: encodeValue(v.typeID, v.data), version: ver})
		}
		outers := slices.Sorted(maps.Keys(u.touched))
		for _, o := range outers {
			ver, ok := s.mu.outer[o]
			if !ok {
				ver = wire.NotExists
			}
			entries = append(entries, tableEntry{key: cborAppendText(nil, compositeKey(o, "", true)),
				value: encodeValue(typeBlob, []byte{0}), version: ver})
		}
		versions, err := s.t.update(ctx, entries)
		if errors.Is(err, errTableConflict) && attempt < syncAttempts {
			if err := sleep(ctx, time.Duration(attempt)*time.Millisecond); err != nil {
				return err
			}
			if err := s.fetchLocked(ctx); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		for i, k := range u.order {
			v := u.puts[k]
			v.version = versions[i]
			m := s.mu.inner[k[0]]
			if m == nil {
				m = make(map[string]syncValue)
				s.mu.inner[k[0]] = m
			}
			m[k[1]] = v
		}
		for i, o := range outers {
			s.mu.outer[o] = versions[len(u.order)+i]
		}
		return nil
	}
}

// view runs fn on the local copy (after fetch, if refresh is set).
func (s *tableSync) view(ctx context.Context, refresh bool, fn func(u *syncUpdate)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if refresh {
		if err := s.fetchLocked(ctx); err != nil {
			return err
		}
	}
	fn(&syncUpdate{s: s, puts: make(map[[2]string]syncValue), touched: make(map[string]bool)})
	return nil
}
