package container

import (
	"encoding/binary"
	"math"
)

// AttributeID names a segment attribute: a 128-bit value, most significant
// half first, exactly as the wire carries it. Writer ids are attribute ids.
type AttributeID [16]byte

// NullValue is the value of an attribute that was never set.
const NullValue int64 = math.MinInt64

// coreAttribute builds a server-owned attribute id: msb 0x8000000000000000,
// lsb n (wire-protocol fact sheet §4.6).
func coreAttribute(n uint64) AttributeID {
	var id AttributeID
	binary.BigEndian.PutUint64(id[0:8], 1<<63)
	binary.BigEndian.PutUint64(id[8:16], n)
	return id
}

// Core attributes kept by the server.
var (
	AttrCreationTime    = coreAttribute(0)
	AttrEventCount      = coreAttribute(1)
	AttrScalePolicyType = coreAttribute(2)
	AttrScalePolicyRate = coreAttribute(3)
	AttrRolloverSize    = coreAttribute(4)
	AttrSegmentType     = coreAttribute(9)
)

// UpdateType says how an attribute update combines with the current value;
// the numbers are the wire protocol's.
type UpdateType uint8

// Attribute update types.
const (
	UpdateNone             UpdateType = 0
	UpdateReplace          UpdateType = 1
	UpdateReplaceIfGreater UpdateType = 2
	UpdateAccumulate       UpdateType = 3
	UpdateReplaceIfEquals  UpdateType = 4
)

// AttributeUpdate is one change to one attribute.
type AttributeUpdate struct {
	ID       AttributeID
	Type     UpdateType
	Value    int64
	Expected int64 // for UpdateReplaceIfEquals; NullValue means "must be unset"
}

// attr is an attribute with its resolved value, as journaled.
type attr struct {
	id    AttributeID
	value int64
}

// resolve applies updates to the current values in get and returns the
// resulting values, or ErrAttributeConflict if a condition fails. Nothing is
// changed when a condition fails.
func resolve(get func(AttributeID) int64, updates []AttributeUpdate) ([]attr, error) {
	out := make([]attr, 0, len(updates))
	for _, u := range updates {
		cur := get(u.ID)
		for _, a := range out { // an earlier update in the same batch wins as the current value
			if a.id == u.ID {
				cur = a.value
			}
		}
		var v int64
		switch u.Type {
		case UpdateReplace:
			v = u.Value
		case UpdateReplaceIfGreater:
			if cur != NullValue && u.Value <= cur {
				return nil, ErrAttributeConflict
			}
			v = u.Value
		case UpdateAccumulate:
			if cur == NullValue {
				cur = 0
			}
			v = cur + u.Value
		case UpdateReplaceIfEquals:
			if cur != u.Expected {
				return nil, ErrAttributeConflict
			}
			v = u.Value
		default:
			continue
		}
		out = append(out, attr{id: u.ID, value: v})
	}
	return out, nil
}
