package streammodel

import (
	"encoding/json"
	"fmt"
)

// encodingVersion is the version written by Marshal.
const encodingVersion = 1

// record is the JSON shape of a Stream (version 1); see doc.go.
type record struct {
	Version    int             `json:"v"`
	Sealed     bool            `json:"sealed,omitempty"`
	NextNumber int32           `json:"next"`
	Segments   []segmentRecord `json:"segments"`
	Epochs     []epochRecord   `json:"epochs"`
	Head       map[int64]int64 `json:"head,omitempty"`
}

type segmentRecord struct {
	ID     int64   `json:"id"`
	Low    float64 `json:"lo"`
	High   float64 `json:"hi"`
	Sealed *int32  `json:"sealedIn,omitempty"`
}

type epochRecord struct {
	Time     int64   `json:"t"`
	Segments []int64 `json:"ids"`
}

// Marshal encodes a stream as versioned JSON (see doc.go). The output is
// deterministic: equal streams encode to equal bytes.
func Marshal(s *Stream) ([]byte, error) {
	return json.Marshal(s)
}

// Unmarshal decodes a stream encoded by Marshal and checks every invariant of
// the model (ErrCorrupt, ErrUnsupportedVersion).
func Unmarshal(data []byte) (*Stream, error) {
	s := new(Stream)
	if err := s.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return s, nil
}

// MarshalJSON implements json.Marshaler, so a Stream can sit inside a larger
// JSON document.
func (s *Stream) MarshalJSON() ([]byte, error) {
	r := record{
		Version:    encodingVersion,
		Sealed:     s.sealed,
		NextNumber: s.nextNumber,
		Segments:   make([]segmentRecord, len(s.segments)),
		Epochs:     make([]epochRecord, len(s.epochs)),
		Head:       s.head,
	}
	for i, seg := range s.segments {
		r.Segments[i] = segmentRecord{ID: seg.ID, Low: seg.Low, High: seg.High}
		if seg.SealedEpoch != NotSealed {
			e := seg.SealedEpoch
			r.Segments[i].Sealed = &e
		}
	}
	for i, e := range s.epochs {
		r.Epochs[i] = epochRecord{Time: e.CreationTime, Segments: e.SegmentIDs}
	}
	return json.Marshal(r)
}

// UnmarshalJSON implements json.Unmarshaler; it validates like Unmarshal.
func (s *Stream) UnmarshalJSON(data []byte) error {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if r.Version != encodingVersion {
		return fmt.Errorf("%w: %d", ErrUnsupportedVersion, r.Version)
	}
	out := Stream{sealed: r.Sealed, nextNumber: r.NextNumber, head: r.Head}
	for _, seg := range r.Segments {
		sealed := NotSealed
		if seg.Sealed != nil {
			sealed = *seg.Sealed
		}
		out.segments = append(out.segments, Segment{ID: seg.ID, KeyRange: KeyRange{Low: seg.Low, High: seg.High}, SealedEpoch: sealed})
	}
	for _, e := range r.Epochs {
		out.epochs = append(out.epochs, Epoch{CreationTime: e.Time, SegmentIDs: e.Segments})
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}
