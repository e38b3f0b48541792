package streammodel

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/sluicestream/sluice/internal/naming"
)

// NotSealed is the SealedEpoch of a segment that no scale has sealed.
const NotSealed int32 = -1

// Segment is one segment of a stream's history.
type Segment struct {
	// ID is naming.SegmentID(creation epoch, number).
	ID int64
	KeyRange
	// SealedEpoch is the epoch whose creation sealed the segment (the first
	// epoch that no longer holds it), or NotSealed. Sealing the whole stream
	// creates no epoch and leaves it NotSealed.
	SealedEpoch int32
}

// Number returns the segment number.
func (s Segment) Number() int32 { return naming.NumberOf(s.ID) }

// CreationEpoch returns the epoch the segment was created in.
func (s Segment) CreationEpoch() int32 { return naming.EpochOf(s.ID) }

// Epoch is one epoch record: the segments that were active together from
// CreationTime until the next epoch.
type Epoch struct {
	// CreationTime is the time value given when the epoch was created (the
	// controller uses milliseconds; the model only stores it).
	CreationTime int64
	// SegmentIDs lists the epoch's segments sorted by key range.
	SegmentIDs []int64
}

// Stream is a stream's segment history: every segment ever created, every
// epoch, whether the stream is sealed, the next free segment number and the
// head left by truncation.
//
// Methods that change a Stream copy whatever they modify (copy on write), so
// a shallow copy (old := *s) taken before a change stays intact. A Stream is
// not safe for concurrent mutation. Build one with New, NewWithRanges or
// Unmarshal; the zero Stream is not usable.
type Stream struct {
	segments   []Segment // every segment, ascending by number (= creation order)
	epochs     []Epoch   // epochs[e] is epoch e; the last one is active
	sealed     bool
	nextNumber int32
	head       Cut // truncation point; nil if never truncated
}

// New creates a stream with n segments of equal key ranges in epoch 0 (see
// EqualRanges), numbered startNumber, startNumber+1, ...
func New(n int, startNumber int32, creationTime int64) (*Stream, error) {
	if n < 1 {
		return nil, fmt.Errorf("new stream with %d segments: %w", n, ErrBadSegmentCount)
	}
	return NewWithRanges(EqualRanges(n), startNumber, creationTime)
}

// NewWithRanges creates a stream whose epoch 0 holds one segment per range;
// the ranges must be an exact partition of [0, 1) in ascending order.
// Key-value tables and tests use it; streams use New.
func NewWithRanges(ranges []KeyRange, startNumber int32, creationTime int64) (*Stream, error) {
	if err := ValidatePartition(ranges); err != nil {
		return nil, fmt.Errorf("new stream: %w", err)
	}
	if startNumber < 0 {
		return nil, fmt.Errorf("new stream: %w", ErrBadStartNumber)
	}
	if int64(startNumber)+int64(len(ranges)) > math.MaxInt32 {
		return nil, fmt.Errorf("new stream: %w", ErrNumbersExhausted)
	}
	s := &Stream{nextNumber: startNumber + int32(len(ranges))}
	ids := make([]int64, len(ranges))
	for i, r := range ranges {
		id := naming.SegmentID(0, startNumber+int32(i))
		s.segments = append(s.segments, Segment{ID: id, KeyRange: r, SealedEpoch: NotSealed})
		ids[i] = id
	}
	s.epochs = []Epoch{{CreationTime: creationTime, SegmentIDs: ids}}
	return s, nil
}

// Clone returns a deep copy.
func (s *Stream) Clone() *Stream {
	c := &Stream{
		segments:   slices.Clone(s.segments),
		epochs:     make([]Epoch, len(s.epochs)),
		sealed:     s.sealed,
		nextNumber: s.nextNumber,
		head:       s.head.Clone(),
	}
	for i, e := range s.epochs {
		c.epochs[i] = Epoch{CreationTime: e.CreationTime, SegmentIDs: slices.Clone(e.SegmentIDs)}
	}
	return c
}

// ActiveEpoch returns the number of the latest epoch.
func (s *Stream) ActiveEpoch() int32 { return int32(len(s.epochs) - 1) }

// Sealed reports whether the stream has been sealed.
func (s *Stream) Sealed() bool { return s.sealed }

// Seal marks the stream sealed; sealing again is a no-op. The active epoch's
// segments stay in the history but are no longer current.
func (s *Stream) Seal() { s.sealed = true }

// NextNumber returns the number the next new segment will get.
func (s *Stream) NextNumber() int32 { return s.nextNumber }

// Segment returns the segment with the given id from anywhere in the history.
func (s *Stream) Segment(id int64) (Segment, bool) {
	i, ok := s.index(id)
	if !ok {
		return Segment{}, false
	}
	return s.segments[i], true
}

func (s *Stream) index(id int64) (int, bool) {
	num := naming.NumberOf(id)
	i := sort.Search(len(s.segments), func(i int) bool { return s.segments[i].Number() >= num })
	if i < len(s.segments) && s.segments[i].ID == id {
		return i, true
	}
	return 0, false
}

// Segments returns every segment of the history in creation order.
func (s *Stream) Segments() []Segment { return slices.Clone(s.segments) }

// Epoch returns epoch e's record.
func (s *Stream) Epoch(e int32) (Epoch, error) {
	if e < 0 || int(e) >= len(s.epochs) {
		return Epoch{}, fmt.Errorf("epoch %d of %d: %w", e, len(s.epochs), ErrEpochNotFound)
	}
	rec := s.epochs[e]
	return Epoch{CreationTime: rec.CreationTime, SegmentIDs: slices.Clone(rec.SegmentIDs)}, nil
}

// EpochSegments returns the segments of epoch e sorted by key range, also
// for the active epoch of a sealed stream (getEpochSegments).
func (s *Stream) EpochSegments(e int32) ([]Segment, error) {
	if e < 0 || int(e) >= len(s.epochs) {
		return nil, fmt.Errorf("epoch %d of %d: %w", e, len(s.epochs), ErrEpochNotFound)
	}
	return s.resolve(s.epochs[e].SegmentIDs), nil
}

func (s *Stream) resolve(ids []int64) []Segment {
	out := make([]Segment, len(ids))
	for i, id := range ids {
		j, ok := s.index(id)
		if !ok {
			panic(fmt.Sprintf("streammodel: epoch lists unknown segment %d", id))
		}
		out[i] = s.segments[j]
	}
	return out
}

// CurrentSegments returns the active epoch's segments sorted by key range;
// a sealed stream has none (getCurrentSegments).
func (s *Stream) CurrentSegments() []Segment {
	if s.sealed {
		return nil
	}
	return s.resolve(s.epochs[len(s.epochs)-1].SegmentIDs)
}

// IsActive reports whether id is one of the current segments: in the active
// epoch of an unsealed stream (isSegmentValid).
func (s *Stream) IsActive(id int64) bool {
	if s.sealed {
		return false
	}
	return slices.Contains(s.epochs[len(s.epochs)-1].SegmentIDs, id)
}

// Predecessors returns the segments of the epoch before id's creation epoch
// whose ranges overlap it, sorted by key range: the segments whose sealing
// made room for it. Segments of epoch 0 have none.
func (s *Stream) Predecessors(id int64) ([]Segment, error) {
	seg, ok := s.Segment(id)
	if !ok {
		return nil, fmt.Errorf("predecessors of %d: %w", id, ErrSegmentNotFound)
	}
	c := seg.CreationEpoch()
	if c == 0 {
		return nil, nil
	}
	return s.overlapping(c-1, seg.KeyRange), nil
}

// overlapping returns the segments of epoch e that overlap r, in key order.
func (s *Stream) overlapping(e int32, r KeyRange) []Segment {
	var out []Segment
	for _, seg := range s.resolve(s.epochs[e].SegmentIDs) {
		if seg.Overlaps(r) {
			out = append(out, seg)
		}
	}
	return out
}

// Successor is one entry of a successors answer: a segment that took over
// part of a sealed segment's range, with the ids of all segments of the
// previous epoch that overlap it.
type Successor struct {
	Segment      Segment
	Predecessors []int64
}

// Successors answers getSegmentsImmediatelyFollowing. A segment that is
// still active, or that was sealed with the whole stream rather than by a
// scale, has none. Otherwise, with E the epoch whose creation sealed it, the
// answer is every segment of E overlapping it (in key order), each with the
// ids of all segments of epoch E-1 that overlap that successor.
func (s *Stream) Successors(id int64) ([]Successor, error) {
	seg, ok := s.Segment(id)
	if !ok {
		return nil, fmt.Errorf("successors of %d: %w", id, ErrSegmentNotFound)
	}
	if seg.SealedEpoch == NotSealed {
		return nil, nil
	}
	var out []Successor
	for _, next := range s.overlapping(seg.SealedEpoch, seg.KeyRange) {
		var preds []int64
		for _, p := range s.overlapping(seg.SealedEpoch-1, next.KeyRange) {
			preds = append(preds, p.ID)
		}
		out = append(out, Successor{Segment: next, Predecessors: preds})
	}
	return out, nil
}
