package client

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sluicestream/sluice/internal/naming"
)

// The values of the reader-group state, encoded as the Rust client 0.3.7
// (Python 0.3.8) encodes them with serde_cbor; see doc.go for the layout.

// Outer keys of the state map and the type ids of its values.
const (
	rgConfig      = "config"              // inner "default": ReaderGroupConfigVersioned
	rgAssigned    = "assigned_segments"   // inner reader: HashMap<ScopedSegment, Offset>
	rgUnassigned  = "unassigned_segments" // inner segment name: Offset
	rgFuture      = "future_segments"     // inner segment name: HashSet<Segment> (pending predecessors)
	rgDistance    = "distance_to_tail"    // inner reader: u64
	rgCheckpoints = "checkpoints"         // Sluice extension; inner checkpoint name: Checkpoint

	rgConfigInner = "default"

	typeConfig      = "ReaderGroupConfigVersioned"
	typeOffset      = "Offset"
	typeAssigned    = "HashMap<ScopedSegment, Offset>"
	typeFuture      = "HashSet<i64>" // what Rust writes, although the data is a set of Segment structs
	typeU64         = "u64"
	typeCheckpoint  = "Checkpoint"
	defaultRefresh  = 3 * time.Second // Rust's and Java's default group refresh time
	distanceUnknown = ^uint64(0)      // u64::MAX, what Rust writes for a new reader
)

// cborName writes a one-field struct {name: s} (Scope, Stream).
func cborName(b []byte, s string) []byte {
	return cborAppendText(cborAppendText(cborAppendMapHead(b, 1), "name"), s)
}

func decName(v cborValue) (string, error) {
	f, err := v.structField("name")
	if err != nil {
		return "", err
	}
	return f.text()
}

// cborSegmentStruct writes Segment {number: i64, tx_id: None}.
func cborSegmentStruct(b []byte, id int64) []byte {
	b = cborAppendMapHead(b, 2)
	b = cborAppendInt(cborAppendText(b, "number"), id)
	return cborAppendNull(cborAppendText(b, "tx_id"))
}

func decSegmentStruct(v cborValue) (int64, error) {
	n, err := v.structField("number")
	if err != nil {
		return 0, err
	}
	return n.int()
}

// cborScopedStream writes ScopedStream {scope: Scope, stream: Stream}.
func cborScopedStream(b []byte, scope, stream string) []byte {
	b = cborAppendMapHead(b, 2)
	b = cborName(cborAppendText(b, "scope"), scope)
	return cborName(cborAppendText(b, "stream"), stream)
}

func decScopedStream(v cborValue) (scope, stream string, err error) {
	sc, err := v.structField("scope")
	if err != nil {
		return "", "", err
	}
	st, err := v.structField("stream")
	if err != nil {
		return "", "", err
	}
	if scope, err = decName(sc); err != nil {
		return "", "", err
	}
	stream, err = decName(st)
	return scope, stream, err
}

// cborScopedSegment writes ScopedSegment {scope, stream, segment}.
func cborScopedSegment(b []byte, s Segment) []byte {
	b = cborAppendMapHead(b, 3)
	b = cborName(cborAppendText(b, "scope"), s.Scope)
	b = cborName(cborAppendText(b, "stream"), s.Stream)
	return cborSegmentStruct(cborAppendText(b, "segment"), s.ID)
}

func decScopedSegment(v cborValue) (Segment, error) {
	scope, stream, err := decScopedStream(v)
	if err != nil {
		return Segment{}, err
	}
	sv, err := v.structField("segment")
	if err != nil {
		return Segment{}, err
	}
	id, err := decSegmentStruct(sv)
	return Segment{Scope: scope, Stream: stream, ID: id}, err
}

// segmentFromName parses the qualified segment names used as inner keys.
func segmentFromName(name string) (Segment, error) {
	s, err := naming.ParseQualifiedName(name)
	if err != nil {
		return Segment{}, err
	}
	return Segment{Scope: s.Scope, Stream: s.Stream, ID: s.ID()}, nil
}

// cborOffset writes Offset {read: i64}.
func cborOffset(b []byte, off int64) []byte {
	return cborAppendInt(cborAppendText(cborAppendMapHead(b, 1), "read"), off)
}

func decOffsetValue(v cborValue) (int64, error) {
	r, err := v.structField("read")
	if err != nil {
		return 0, err
	}
	return r.int()
}

func encOffset(off int64) []byte { return cborOffset(nil, off) }

func decOffset(data []byte) (int64, error) {
	v, err := cborDecode(data)
	if err != nil {
		return 0, err
	}
	return decOffsetValue(v)
}

// sortedSegments returns the keys of m in a stable order.
func sortedSegments[V any](m map[Segment]V) []Segment {
	return slices.SortedFunc(maps.Keys(m), func(a, b Segment) int {
		if a.Scope != b.Scope {
			return compareStrings(a.Scope, b.Scope)
		}
		if a.Stream != b.Stream {
			return compareStrings(a.Stream, b.Stream)
		}
		return int(min(max(a.ID-b.ID, -1), 1))
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// encAssigned writes HashMap<ScopedSegment, Offset>.
func encAssigned(m map[Segment]int64) []byte {
	b := cborAppendMapHead(nil, len(m))
	for _, s := range sortedSegments(m) {
		b = cborOffset(cborScopedSegment(b, s), m[s])
	}
	return b
}

func decAssigned(data []byte) (map[Segment]int64, error) {
	v, err := cborDecode(data)
	if err != nil {
		return nil, err
	}
	if v.kind != cborMap {
		return nil, fmt.Errorf("%w: assigned segments are not a map", errCBOR)
	}
	out := make(map[Segment]int64, len(v.keys))
	for i, k := range v.keys {
		s, err := decScopedSegment(k)
		if err != nil {
			return nil, err
		}
		if out[s], err = decOffsetValue(v.vals[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encSegmentSet writes HashSet<Segment> (ids of pending predecessors).
func encSegmentSet(ids []int64) []byte {
	b := cborAppendArrayHead(nil, len(ids))
	for _, id := range slices.Sorted(slices.Values(ids)) {
		b = cborSegmentStruct(b, id)
	}
	return b
}

func decSegmentSet(data []byte) ([]int64, error) {
	v, err := cborDecode(data)
	if err != nil {
		return nil, err
	}
	if v.kind != cborArray {
		return nil, fmt.Errorf("%w: segment set is not an array", errCBOR)
	}
	out := make([]int64, 0, len(v.items))
	for _, it := range v.items {
		id, err := decSegmentStruct(it)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func encU64(v uint64) []byte { return cborAppendUint(nil, v) }

// encConfig writes ReaderGroupConfigVersioned::V1(ReaderGroupConfigV1 {
// group_refresh_time_millis, starting_stream_cuts, ending_stream_cuts }).
// A start is StreamCutVersioned: "Unbounded" (head), "Tail", or
// {"V1": StreamCutV1 {stream, positions: HashMap<ScopedSegment, i64>}}.
func encConfig(cfg ReaderGroupConfig) []byte {
	b := cborAppendMapHead(nil, 1)
	b = cborAppendText(b, "V1")
	b = cborAppendMapHead(b, 3)
	b = cborAppendText(b, "group_refresh_time_millis")
	b = cborAppendUint(b, uint64(cfg.RefreshInterval.Milliseconds()))
	b = cborAppendText(b, "starting_stream_cuts")
	b = cborAppendMapHead(b, len(cfg.Streams))
	for _, gs := range cfg.Streams {
		b = cborScopedStream(b, gs.Scope, gs.Stream)
		switch {
		case gs.FromTail:
			b = cborAppendText(b, "Tail")
		case gs.From.Unbounded():
			b = cborAppendText(b, "Unbounded")
		default:
			b = cborAppendMapHead(b, 1)
			b = cborAppendText(b, "V1")
			b = cborAppendMapHead(b, 2)
			b = cborScopedStream(cborAppendText(b, "stream"), gs.Scope, gs.Stream)
			b = cborAppendText(b, "positions")
			b = cborAppendMapHead(b, len(gs.From.Positions))
			for _, so := range gs.From.Segments() {
				b = cborAppendInt(cborScopedSegment(b, Segment{Scope: gs.Scope, Stream: gs.Stream, ID: so.Segment.ID}), so.Offset)
			}
		}
	}
	b = cborAppendText(b, "ending_stream_cuts")
	return cborAppendMapHead(b, 0)
}

func decConfig(data []byte) (ReaderGroupConfig, error) {
	v, err := cborDecode(data)
	if err != nil {
		return ReaderGroupConfig{}, err
	}
	v1, err := v.structField("V1")
	if err != nil {
		return ReaderGroupConfig{}, err
	}
	var cfg ReaderGroupConfig
	if r, err := v1.structField("group_refresh_time_millis"); err == nil {
		ms, err := r.int()
		if err != nil {
			return ReaderGroupConfig{}, err
		}
		cfg.RefreshInterval = time.Duration(ms) * time.Millisecond
	}
	starts, err := v1.structField("starting_stream_cuts")
	if err != nil {
		return ReaderGroupConfig{}, err
	}
	for i, k := range starts.keys {
		scope, stream, err := decScopedStream(k)
		if err != nil {
			return ReaderGroupConfig{}, err
		}
		gs := GroupStream{Scope: scope, Stream: stream}
		sv := starts.vals[i]
		switch {
		case sv.kind == cborText && sv.s == "Tail":
			gs.FromTail = true
		case sv.kind == cborText:
		default:
			cut, err := sv.structField("V1")
			if err != nil {
				return ReaderGroupConfig{}, err
			}
			pos, err := cut.structField("positions")
			if err != nil {
				return ReaderGroupConfig{}, err
			}
			gs.From = StreamCut{Scope: scope, Stream: stream, Positions: make(map[int64]int64)}
			for j, pk := range pos.keys {
				seg, err := decScopedSegment(pk)
				if err != nil {
					return ReaderGroupConfig{}, err
				}
				if gs.From.Positions[seg.ID], err = pos.vals[j].int(); err != nil {
					return ReaderGroupConfig{}, err
				}
			}
		}
		cfg.Streams = append(cfg.Streams, gs)
	}
	slices.SortFunc(cfg.Streams, func(a, b GroupStream) int {
		return compareStrings(a.Scope+"/"+a.Stream, b.Scope+"/"+b.Stream)
	})
	return cfg, nil
}

// checkpointState is the Sluice extension entry of one checkpoint: the
// readers that have not yet reached it and the positions recorded so far.
type checkpointState struct {
	pending   []string
	positions map[Segment]int64
}

func encCheckpoint(cp checkpointState) []byte {
	b := cborAppendMapHead(nil, 2)
	b = cborAppendText(b, "pending")
	b = cborAppendArrayHead(b, len(cp.pending))
	for _, r := range slices.Sorted(slices.Values(cp.pending)) {
		b = cborAppendText(b, r)
	}
	b = cborAppendText(b, "positions")
	b = cborAppendMapHead(b, len(cp.positions))
	for _, s := range sortedSegments(cp.positions) {
		b = cborAppendInt(cborScopedSegment(b, s), cp.positions[s])
	}
	return b
}

func decCheckpoint(data []byte) (checkpointState, error) {
	v, err := cborDecode(data)
	if err != nil {
		return checkpointState{}, err
	}
	p, err := v.structField("pending")
	if err != nil {
		return checkpointState{}, err
	}
	cp := checkpointState{positions: make(map[Segment]int64)}
	for _, it := range p.items {
		r, err := it.text()
		if err != nil {
			return checkpointState{}, err
		}
		cp.pending = append(cp.pending, r)
	}
	pos, err := v.structField("positions")
	if err != nil {
		return checkpointState{}, err
	}
	for i, k := range pos.keys {
		s, err := decScopedSegment(k)
		if err != nil {
			return checkpointState{}, err
		}
		if cp.positions[s], err = pos.vals[i].int(); err != nil {
			return checkpointState{}, err
		}
	}
	return cp, nil
}
