package container

import "github.com/sluicestream/sluice/internal/segmentstore/readindex"

// Kind is what a segment holds; it is journaled with the segment's creation.
type Kind uint8

// Segment kinds.
const (
	KindStream    Kind = 0 // event or byte data of a stream, or a transaction segment
	KindTransient Kind = 1 // a large event being assembled; owned by one connection
	KindTable     Kind = 2 // a table segment (key-value entries)
)

// view is one consistent picture of a segment's state.
type view struct {
	length  int64
	start   int64
	sealed  bool
	attrs   map[AttributeID]int64
	extents extents // bytes in long-term storage
}

func (v *view) attr(id AttributeID) int64 {
	if x, ok := v.attrs[id]; ok {
		return x
	}
	return NullValue
}

func (v *view) setAttrs(attrs []attr) {
	for _, a := range attrs {
		if v.attrs == nil {
			v.attrs = make(map[AttributeID]int64, 4)
		}
		v.attrs[a.id] = a.value
	}
}

// segment is the container's metadata of one segment.
//
// accepted includes every operation admitted into the journal, durable or
// not; new operations are validated against it, so pipelined operations see
// the effects of the ones before them. durable holds only what the journal
// has made durable; readers and info requests see it.
type segment struct {
	id       uint64
	name     string
	kind     Kind
	accepted view
	durable  view
	created  bool // the creation is durable
	deleted  bool // the deletion is durable
	modified int64
	index    *readindex.Segment
	// meta says when the segment's LTS metadata object must be rewritten
	// (see dirtyMetaLocked); metaWritten is when it last was (Unix ms).
	meta        metaNeed
	metaWritten int64
	metaVersion int64
	// prefetching: a read-ahead of this segment's next bytes from
	// long-term storage is in flight.
	prefetching bool
	// load counts durable appends since the container opened, for
	// auto-scaling (Loads).
	load struct{ events, bytes uint64 }
}

// Info describes a segment as of its last durable operation.
type Info struct {
	Name         string
	Kind         Kind
	Length       int64
	StartOffset  int64
	Sealed       bool
	LastModified int64 // Unix milliseconds
}

// metaNeed is how soon a segment's LTS metadata object must be rewritten.
type metaNeed int

const (
	metaUpToDate metaNeed = iota
	// metaLater: new chunks only; once metaWritten is Tiering.MetaInterval
	// old.
	metaLater
	// metaNow: in the storage writer's next pass (a seal, truncation or
	// merge, which must reach the object before the chunks it no longer
	// lists are deleted).
	metaNow
)

// needMeta raises the urgency of the metadata object's rewrite to at least n.
func (s *segment) needMeta(n metaNeed) { s.meta = max(s.meta, n) }
