package watermark

import (
	"cmp"
	"maps"
	"slices"

	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/naming"
)

// Mark is a writer's last noteTimestampFromWriter.
type Mark struct {
	Writer   string
	Time     int64
	Position map[int64]int64 // segment id → offset
	// Alive is false once removeWriter shut the writer down.
	Alive bool
	// NotedAt is the controller's time (Unix ms) of the mark.
	NotedAt int64
}

// Input is everything Next looks at.
type Input struct {
	Marks []Mark
	// Previous is the newest watermark of the mark stream; nil if none.
	Previous *Watermark
	// Stream is the stream's segment history (key ranges, epochs).
	Stream *streammodel.Stream
	// Now is the controller's time (Unix ms); Timeout the stream's
	// timestampAggregationTimeout (ms).
	Now, Timeout int64
}

// Decision is what to do for a stream this period.
type Decision struct {
	// Watermark is the watermark to append; nil if none.
	Watermark *Watermark
	// Inactive lists the writers whose marks to remove, sorted.
	Inactive []string
	// Waiting lists the active writers that have not noted a time above the
	// previous watermark, sorted; while there are any there is no watermark.
	Waiting []string
}

// Next decides the stream's next watermark from its writers' marks and its
// previous watermark (see doc.go for the rule). It is pure.
func Next(in Input) Decision {
	var d Decision
	var active []Mark
	marks := slices.SortedFunc(slices.Values(in.Marks), func(a, b Mark) int { return cmp.Compare(a.Writer, b.Writer) })
	for _, m := range marks {
		switch {
		case in.Previous == nil || m.Time > in.Previous.Lower:
			active = append(active, m)
		case m.Alive && in.Now-m.NotedAt < in.Timeout:
			active = append(active, m)
			d.Waiting = append(d.Waiting, m.Writer)
		default:
			d.Inactive = append(d.Inactive, m.Writer)
		}
	}
	if len(active) == 0 || len(d.Waiting) > 0 {
		return d
	}
	w := Watermark{Lower: active[0].Time, Upper: active[0].Time}
	for _, m := range active[1:] {
		w.Lower = min(w.Lower, m.Time)
		w.Upper = max(w.Upper, m.Time)
	}
	if in.Previous != nil && w.Lower <= in.Previous.Lower {
		return d
	}
	bound := map[Segment]int64{}
	for _, m := range active {
		for id, off := range m.Position {
			if seg, ok := in.Stream.Segment(id); ok { // else not a segment of this stream
				merge(bound, withRange(seg), off)
			}
		}
	}
	newest(bound)
	missing := missingRanges(bound)
	if in.Previous != nil {
		for s, off := range in.Previous.Cut {
			merge(bound, s, off)
		}
		newest(bound)
	}
	cut, ok := complete(bound, missing, in.Stream)
	if !ok {
		return d
	}
	w.Cut = cut
	d.Watermark = &w
	return d
}

func withRange(s streammodel.Segment) Segment {
	return Segment{ID: s.ID, Low: s.Low, High: s.High}
}

// merge adds a segment's offset to a set of positions, keeping the larger
// offset of a segment that is there already.
func merge(bound map[Segment]int64, s Segment, offset int64) {
	if old, ok := bound[s]; ok {
		offset = max(old, offset)
	}
	bound[s] = offset
}

// newest turns a set of positions into their upper bound: it drops every
// segment that a newer segment of the set (higher id, overlapping key
// range) succeeds. Pravega folds positions in one at a time, which gives
// the same result except in orders where a segment is dropped for a
// successor that a later one drops in turn; this is the order-free form.
func newest(bound map[Segment]int64) {
	var old []Segment
	for s := range bound {
		for o := range bound {
			if o.ID > s.ID && o.overlaps(s) {
				old = append(old, s)
				break
			}
		}
	}
	for _, s := range old {
		delete(bound, s)
	}
}

// keyRange is a gap [low, high) of the key space.
type keyRange struct{ low, high float64 }

// missingRanges returns the gaps of [0, 1) that the bound's segments leave,
// in key order; an empty bound misses everything.
func missingRanges(bound map[Segment]int64) []keyRange {
	segs := slices.SortedFunc(maps.Keys(bound), func(a, b Segment) int { return cmp.Compare(a.Low, b.Low) })
	if len(segs) == 0 {
		return []keyRange{{0, 1}}
	}
	var out []keyRange
	if segs[0].Low > 0 {
		out = append(out, keyRange{0, segs[0].Low})
	}
	for i := 1; i < len(segs); i++ {
		if segs[i-1].High != segs[i].Low {
			out = append(out, keyRange{segs[i-1].High, segs[i].Low})
		}
	}
	if last := segs[len(segs)-1]; last.High < 1 {
		out = append(out, keyRange{last.High, 1})
	}
	return out
}

// complete fills the missing ranges with the segments (offset 0) of the
// highest creation epoch among the bound's segments, then looks for gaps
// again (folding in the previous cut may have opened some), until nothing
// is missing. It fails if the bound is empty or the stream cannot fill it.
func complete(bound map[Segment]int64, missing []keyRange, stream *streammodel.Stream) (map[Segment]int64, bool) {
	// A round that leaves gaps has added a segment of the highest epoch;
	// an epoch has at most every segment of the stream.
	for range len(stream.Segments()) + 2 {
		if len(bound) == 0 {
			return nil, false
		}
		highest := int32(-1)
		for s := range bound {
			highest = max(highest, naming.EpochOf(s.ID))
		}
		epoch, err := stream.EpochSegments(highest)
		if err != nil {
			return nil, false
		}
		for _, gap := range missing {
			for _, seg := range epoch {
				if seg.Low < gap.high && seg.High > gap.low {
					merge(bound, withRange(seg), 0)
				}
			}
		}
		newest(bound)
		if missing = missingRanges(bound); len(missing) == 0 {
			return bound, true
		}
	}
	return nil, false
}
