package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// Key-value tables, compatible with the Java client 0.13's KeyValueTable:
// both clients lay keys out, route them to segments and version them the
// same way, so they can share a table (see the package documentation).

// Limits of the Java client (TableSegment), enforced here as there.
const (
	// MaxTableValueLength is the largest value of a key-value table entry.
	MaxTableValueLength = 1<<20 - 8192
	// MaxTableBatchKeys is the most entries one Update may change.
	MaxTableBatchKeys = 256

	maxTableBatchBytes = wire.MaxPayload - 8192
	// maxGetKeys is how many keys one ReadTable asks for: the most whose
	// largest possible values fit in one reply (Java's MAX_GET_KEY_BATCH_SIZE).
	maxGetKeys        = maxTableBatchBytes / (8192 + MaxTableValueLength)
	maxGetConcurrency = 5
)

// TableKey is a key of a key-value table: a primary key and, if the table
// has secondary keys, a secondary key, each of the table's fixed length.
// Entries with the same primary key live in the same table segment; Update
// changes several of them atomically.
type TableKey struct {
	Primary   []byte
	Secondary []byte // nil when the table has no secondary keys
}

// String renders the key as "primary" or "primary/secondary", quoted Go
// strings when a part is not printable.
func (k TableKey) String() string {
	s := strconv.Quote(string(k.Primary))
	if len(k.Secondary) > 0 {
		s += "/" + strconv.Quote(string(k.Secondary))
	}
	return s
}

// KeyVersion is the version of a key-value table entry: the id of its
// table segment and the entry's version there (its offset in the table
// segment). The zero value means "any version": an update or removal with
// it is unconditional. KeyNotExists conditions an update on the key being
// absent.
type KeyVersion struct {
	segment int64
	version int64
	set     bool
}

// noSegmentID is Java's VersionImpl.NO_SEGMENT_ID.
const noSegmentID = math.MinInt64

// KeyNotExists is the version of a key that must not exist (Java's
// Version.NOT_EXISTS).
func KeyNotExists() KeyVersion {
	return KeyVersion{segment: noSegmentID, version: wire.NotExists, set: true}
}

// SegmentID is the id of the table segment the version belongs to
// (math.MinInt64 for the zero version and KeyNotExists).
func (v KeyVersion) SegmentID() int64 {
	if !v.set {
		return noSegmentID
	}
	return v.segment
}

// SegmentVersion is the version within the table segment (wire.NoVersion,
// math.MinInt64, for the zero version; -1 for KeyNotExists).
func (v KeyVersion) SegmentVersion() int64 {
	if !v.set {
		return wire.NoVersion
	}
	return v.version
}

// IsZero reports whether v is the unconditional zero version.
func (v KeyVersion) IsZero() bool { return !v.set }

// String renders the version as the Java client does: "<segment id>:<version>".
func (v KeyVersion) String() string {
	return strconv.FormatInt(v.SegmentID(), 10) + ":" + strconv.FormatInt(v.SegmentVersion(), 10)
}

// ParseKeyVersion parses String's form (Java's Version.fromString).
func ParseKeyVersion(s string) (KeyVersion, error) {
	a, b, ok := strings.Cut(s, ":")
	seg, err1 := strconv.ParseInt(a, 10, 64)
	ver, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return KeyVersion{}, fmt.Errorf("%w: %q is not a key version (want SEGMENT:VERSION)", ErrInvalidArgument, s)
	}
	if ver == wire.NoVersion {
		return KeyVersion{}, nil
	}
	return KeyVersion{segment: seg, version: ver, set: true}, nil
}

// TableEntry is a key with its value and the version that value has.
type TableEntry struct {
	Key     TableKey
	Value   []byte
	Version KeyVersion
}

// TableModification is one change for Update: a put of Value (Remove
// false) or a removal, conditional on Version (zero: unconditional;
// KeyNotExists: the key must be absent, i.e. an insert).
type TableModification struct {
	Key     TableKey
	Value   []byte
	Version KeyVersion
	Remove  bool
}

// KeyValueTable is an open key-value table. It is safe for concurrent use
// and holds no goroutines or connections of its own (it uses the
// Client's), so it needs no closing.
type KeyValueTable struct {
	c     *Client
	scope string
	name  string
	cfg   KVTConfig
	segs  []kvtSegment // by the upper end of their key range
}

type kvtSegment struct {
	high float64
	ts   *tableSegment
}

// OpenKeyValueTable opens scope/name: ErrKVTNotFound if it does not exist.
func (c *Client) OpenKeyValueTable(ctx context.Context, scope, name string) (*KeyValueTable, error) {
	cfg, err := c.StreamManager().KeyValueTableConfig(ctx, scope, name)
	if err != nil {
		return nil, fmt.Errorf("open key-value table: %w", err)
	}
	r, err := call(ctx, c.ctl, "getCurrentSegmentsKeyValueTable", ErrKVTNotFound, func(ctx context.Context) (*pb.SegmentRanges, error) {
		return c.ctl.rpc.GetCurrentSegmentsKeyValueTable(ctx, &pb.KeyValueTableInfo{Scope: scope, KvtName: name})
	})
	if err != nil {
		return nil, fmt.Errorf("open key-value table %s/%s: %w", scope, name, err)
	}
	t := &KeyValueTable{c: c, scope: scope, name: name, cfg: cfg}
	for _, sr := range r.GetSegmentRanges() {
		rg := rangeOf(sr)
		if rg.Low > rg.High {
			return nil, fmt.Errorf("open key-value table %s/%s: %w: segment %d has range [%v, %v)", scope, name,
				ErrProtocol, rg.ID, rg.Low, rg.High)
		}
		// The controller names the table as the stream; its segments are
		// those of the stream "<name>_kvtable", its tokens those of <name>.
		seg := Segment{Scope: scope, Stream: naming.KVTableStreamName(name), ID: rg.ID}
		t.segs = append(t.segs, kvtSegment{high: rg.High,
			ts: &tableSegment{c: c, seg: seg, op: pb.StreamInfo_READ_WRITE, tokStream: name}})
	}
	slices.SortFunc(t.segs, func(a, b kvtSegment) int { return cmpFloat(a.high, b.high) })
	if len(t.segs) != int(cfg.Partitions) {
		return nil, fmt.Errorf("open key-value table %s/%s: %w: %d segments for %d partitions", scope, name,
			ErrProtocol, len(t.segs), cfg.Partitions)
	}
	return t, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Scope is the table's scope.
func (t *KeyValueTable) Scope() string { return t.scope }

// Name is the table's name.
func (t *KeyValueTable) Name() string { return t.name }

// Config is the table's configuration.
func (t *KeyValueTable) Config() KVTConfig { return t.cfg }

// segmentFor routes a primary key as the Java client does: its hash (seed
// "KeyValueTableRouter") picks the segment with the smallest upper bound
// at or above it.
func (t *KeyValueTable) segmentFor(pk []byte) *tableSegment {
	k := naming.KVTKeyToKey(pk)
	i, _ := slices.BinarySearchFunc(t.segs, k, func(s kvtSegment, k float64) int { return cmpFloat(s.high, k) })
	if i == len(t.segs) {
		i-- // ranges whose last bound rounds below 1.0
	}
	return t.segs[i].ts
}

// serializeKey lays the key out as the Java client does: primary key bytes
// then secondary key bytes, each exactly of the configured length.
func (t *KeyValueTable) serializeKey(k TableKey) ([]byte, error) {
	if len(k.Primary) != int(t.cfg.PrimaryKeyLength) {
		return nil, fmt.Errorf("%w: primary key of %d bytes, table %s/%s wants %d", ErrInvalidArgument, len(k.Primary),
			t.scope, t.name, t.cfg.PrimaryKeyLength)
	}
	if len(k.Secondary) != int(t.cfg.SecondaryKeyLength) {
		return nil, fmt.Errorf("%w: secondary key of %d bytes, table %s/%s wants %d", ErrInvalidArgument,
			len(k.Secondary), t.scope, t.name, t.cfg.SecondaryKeyLength)
	}
	return slices.Concat(k.Primary, k.Secondary), nil
}

// deserializeKey splits a table segment key into its parts.
func (t *KeyValueTable) deserializeKey(b []byte) (TableKey, error) {
	if len(b) != t.cfg.KeyLength() {
		return TableKey{}, fmt.Errorf("%w: table %s/%s returned a key of %d bytes, want %d", ErrProtocol, t.scope, t.name,
			len(b), t.cfg.KeyLength())
	}
	pl := int(t.cfg.PrimaryKeyLength)
	k := TableKey{Primary: b[:pl:pl]}
	if pl < len(b) {
		k.Secondary = b[pl:]
	}
	return k, nil
}

// wireVersion checks that a conditional version belongs to ts (as Java's
// validateKeyVersionSegment) and returns it in wire form.
func wireVersion(ts *tableSegment, v KeyVersion) (int64, error) {
	if v.set && v.segment != noSegmentID && v.segment != ts.seg.ID {
		return 0, fmt.Errorf("%s: %w: version %v is of another table segment", ts.seg, ErrBadKeyVersion, v)
	}
	return v.SegmentVersion(), nil
}

// Put sets key to value unconditionally and returns the new version.
func (t *KeyValueTable) Put(ctx context.Context, key TableKey, value []byte) (KeyVersion, error) {
	return t.updateOne(ctx, TableModification{Key: key, Value: value})
}

// PutIfAbsent sets key to value if it has no value yet; otherwise it fails
// with an error wrapping ErrKeyExists and ErrBadKeyVersion (Java's Insert).
func (t *KeyValueTable) PutIfAbsent(ctx context.Context, key TableKey, value []byte) (KeyVersion, error) {
	v, err := t.updateOne(ctx, TableModification{Key: key, Value: value, Version: KeyNotExists()})
	if isBadVersion(err) {
		return KeyVersion{}, fmt.Errorf("%w: %w", ErrKeyExists, err)
	}
	return v, err
}

// Replace sets key to value if its current version is version: otherwise
// ErrBadKeyVersion (another version) or ErrKeyNotFound (no value). A zero
// version makes it an unconditional Put.
func (t *KeyValueTable) Replace(ctx context.Context, key TableKey, value []byte, version KeyVersion) (KeyVersion, error) {
	return t.updateOne(ctx, TableModification{Key: key, Value: value, Version: version})
}

// Remove removes key; with a non-zero version only if the key has it
// (else ErrBadKeyVersion or ErrKeyNotFound). Removing an absent key
// unconditionally is not an error.
func (t *KeyValueTable) Remove(ctx context.Context, key TableKey, version KeyVersion) error {
	_, err := t.Update(ctx, []TableModification{{Key: key, Version: version, Remove: true}})
	return err
}

// Exists reports whether key has a value, without reading it: like the
// Java client it removes the key on the condition that it does not exist,
// which changes nothing either way.
func (t *KeyValueTable) Exists(ctx context.Context, key TableKey) (bool, error) {
	err := t.Remove(ctx, key, KeyNotExists())
	switch {
	case err == nil:
		return false, nil
	case isBadVersion(err):
		return true, nil
	}
	return false, err
}

func isBadVersion(err error) bool {
	return errors.Is(err, ErrBadKeyVersion)
}

func (t *KeyValueTable) updateOne(ctx context.Context, m TableModification) (KeyVersion, error) {
	vs, err := t.Update(ctx, []TableModification{m})
	if err != nil {
		return KeyVersion{}, err
	}
	return vs[0], nil
}

// Update applies mods atomically: all or none. As in the Java client they
// must share one primary key (so they go to one table segment) and be all
// puts or all removals; at most MaxTableBatchKeys of them. A failed
// condition fails the whole batch with ErrBadKeyVersion or ErrKeyNotFound.
// It returns the new version of each put, nothing for removals.
func (t *KeyValueTable) Update(ctx context.Context, mods []TableModification) ([]KeyVersion, error) {
	if len(mods) == 0 {
		return nil, nil
	}
	what := fmt.Sprintf("update key-value table %s/%s", t.scope, t.name)
	if len(mods) > MaxTableBatchKeys {
		return nil, fmt.Errorf("%s: %w: %d changes, at most %d", what, ErrInvalidArgument, len(mods), MaxTableBatchKeys)
	}
	first := mods[0]
	ts := t.segmentFor(first.Key.Primary)
	size := 0
	keys := make([]wire.TableKey, len(mods))
	for i, m := range mods {
		if !bytes.Equal(m.Key.Primary, first.Key.Primary) {
			return nil, fmt.Errorf("%s: %w: all keys must have the same primary key", what, ErrInvalidArgument)
		}
		if m.Remove != first.Remove {
			return nil, fmt.Errorf("%s: %w: cannot combine removals with updates", what, ErrInvalidArgument)
		}
		if len(m.Value) > MaxTableValueLength {
			return nil, fmt.Errorf("%s: %w: value of %d bytes, at most %d", what, ErrInvalidArgument, len(m.Value),
				MaxTableValueLength)
		}
		k, err := t.serializeKey(m.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		ver := m.Version.SegmentVersion()
		if m.Remove || ver != wire.NotExists {
			if ver, err = wireVersion(ts, m.Version); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
		keys[i] = wire.TableKey{Key: k, Version: ver}
		size += 4 + 4 + len(k) + 8 + 4 + 4 + len(m.Value)
	}
	if size > maxTableBatchBytes {
		return nil, fmt.Errorf("%s: %w: batch of %d bytes, at most %d", what, ErrInvalidArgument, size, maxTableBatchBytes)
	}
	if first.Remove {
		if err := ts.removeKeys(ctx, keys); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return nil, nil
	}
	entries := make([]tableEntry, len(mods))
	for i, m := range mods {
		value := m.Value
		if value == nil {
			value = []byte{}
		}
		entries[i] = tableEntry{key: keys[i].Key, value: value, version: keys[i].Version}
	}
	vs, err := ts.update(ctx, entries)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make([]KeyVersion, len(vs))
	for i, v := range vs {
		out[i] = KeyVersion{segment: ts.seg.ID, version: v, set: true}
	}
	return out, nil
}

// Get returns key's entry, or ErrKeyNotFound.
func (t *KeyValueTable) Get(ctx context.Context, key TableKey) (TableEntry, error) {
	es, err := t.GetAll(ctx, []TableKey{key})
	if err != nil {
		return TableEntry{}, err
	}
	if es[0] == nil {
		return TableEntry{}, fmt.Errorf("get %v from key-value table %s/%s: %w", key, t.scope, t.name, ErrKeyNotFound)
	}
	return *es[0], nil
}

// GetAll returns the entries of keys in their order, nil for a key without
// a value. Keys are read in batches per table segment, a few concurrently;
// the result is not an atomic snapshot across batches.
func (t *KeyValueTable) GetAll(ctx context.Context, keys []TableKey) ([]*TableEntry, error) {
	what := fmt.Sprintf("get from key-value table %s/%s", t.scope, t.name)
	type batch struct {
		ts   *tableSegment
		keys [][]byte
		idx  []int
	}
	open := make(map[*tableSegment]*batch)
	var batches []*batch
	for i, k := range keys {
		sk, err := t.serializeKey(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		ts := t.segmentFor(k.Primary)
		b := open[ts]
		if b == nil || len(b.keys) == maxGetKeys {
			b = &batch{ts: ts}
			open[ts] = b
			batches = append(batches, b)
		}
		b.keys = append(b.keys, sk)
		b.idx = append(b.idx, i)
	}
	out := make([]*TableEntry, len(keys))
	errs := make([]error, len(batches))
	sem := make(chan struct{}, maxGetConcurrency)
	var wg sync.WaitGroup
	for bi, b := range batches {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			es, err := b.ts.get(ctx, b.keys)
			if err != nil {
				errs[bi] = err
				return
			}
			for j, e := range es {
				if e.version == wire.NotExists {
					continue
				}
				out[b.idx[j]] = &TableEntry{Key: keys[b.idx[j]], Value: e.value,
					Version: KeyVersion{segment: b.ts.seg.ID, version: e.version, set: true}}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	return out, nil
}

// EntryCount is the number of keys with a value, summed over the table's
// segments (not an atomic snapshot).
func (t *KeyValueTable) EntryCount(ctx context.Context) (int64, error) {
	var n int64
	for _, s := range t.segs {
		c, err := s.ts.entryCount(ctx)
		if err != nil {
			return 0, fmt.Errorf("count entries of key-value table %s/%s: %w", t.scope, t.name, err)
		}
		n += c
	}
	return n, nil
}
