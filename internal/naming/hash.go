package naming

import (
	"math"
	"math/bits"
)

// Seeds are Java String.hashCode values of the names Pravega gives its hash
// functions.
const (
	// RoutingKeySeed is "EventRouter".hashCode().
	RoutingKeySeed int32 = 1741865571
	// KVTKeySeed is "KeyValueTableRouter".hashCode().
	KVTKeySeed int32 = -2020233499
	// ContainerSeed is "SegmentToContainerMapper".hashCode().
	ContainerSeed int32 = 1661405012
	// AttributeSeed is "SegmentAttribute".hashCode(), the seed of the ids
	// of the segment attributes the Java client sets.
	AttributeSeed int32 = 817748169
)

// HashString returns the first 64-bit word of Murmur3 x64 128 over the
// UTF-16LE code units of s with the given seed: Guava's
// murmur3_128(seed).hashUnencodedChars(s).asLong().
func HashString(s string, seed int32) int64 {
	h1, _ := murmur3Chars(s, seed)
	return int64(h1)
}

// HashBytes returns the first 64-bit word of Murmur3 x64 128 over b with the
// given seed: Guava's murmur3_128(seed).hashBytes(b).asLong().
func HashBytes(b []byte, seed int32) int64 {
	h1, _ := murmur3Bytes(b, seed)
	return int64(h1)
}

// NameUUID returns the UUID Pravega derives from a name (HashHelper.toUUID):
// the 16 bytes of Guava's murmur3_128(seed).hashUnencodedChars(name), that
// is h1 then h2 each in little-endian order, read as a big-endian UUID.
func NameUUID(name string, seed int32) UUID {
	h1, h2 := murmur3Chars(name, seed)
	return UUID{MSB: bits.ReverseBytes64(h1), LSB: bits.ReverseBytes64(h2)}
}

// RevisionStreamClientMark is the id of the segment attribute in which a
// Java RevisionedStreamClient keeps its mark (a segment offset), the
// attribute id Pravega names "RevisionStreamClientMark":
// 7df9a874-246c-c9d6-9397-cdd19ead68c5.
func RevisionStreamClientMark() UUID {
	return NameUUID("RevisionStreamClientMark", AttributeSeed)
}

// toUnitInterval maps a hash to a double in [0, 1) from its bits 12..63, as
// both Pravega clients do: those 52 bits become the mantissa of a double in
// [1, 2), and 1 is subtracted.
func toUnitInterval(h int64) float64 {
	return math.Float64frombits(0x3FF0000000000000|(uint64(h)>>12)&0x000FFFFFFFFFFFFF) - 1.0
}

// RoutingKeyToKey maps an event routing key to its position in the key space
// [0, 1), exactly as the Java client does (the Rust client agrees for ASCII
// keys). A writer sends the event to the segment whose range holds it.
func RoutingKeyToKey(routingKey string) float64 {
	return toUnitInterval(HashString(routingKey, RoutingKeySeed))
}

// KVTKeyToKey maps a key-value table primary key to its position in the key
// space [0, 1), which picks the table segment that holds the key.
func KVTKeyToKey(key []byte) float64 {
	return toUnitInterval(HashBytes(key, KVTKeySeed))
}

// ConsistentHash assigns input to a bucket in [0, buckets) the way Guava's
// Hashing.consistentHash(long, int) does: moving from n to n+1 buckets moves
// only about 1/(n+1) of the inputs. It panics if buckets < 1.
func ConsistentHash(input int64, buckets int) int {
	if buckets < 1 {
		panic("naming: ConsistentHash needs at least one bucket")
	}
	state := uint64(input)
	candidate := 0
	for {
		// A linear congruential generator yields the next jump point.
		state = 2862933555777941757*state + 1
		d := float64(int32(state>>33)+1) / (1 << 31)
		next := float64(candidate+1) / d
		// Java's (int) cast saturates, so any value >= buckets ends the walk;
		// d is negative when the int32 addition above wraps, as in Java.
		if next < 0 || next >= float64(buckets) {
			return candidate
		}
		candidate = int(next)
	}
}

// ContainerOf returns the segment container that owns a segment, for a
// cluster of containerCount containers. It hashes PrimaryName(segmentName),
// so transaction and transient segments, and every epoch of one segment
// number, share their parent's container. It panics if containerCount < 1.
func ContainerOf(segmentName string, containerCount int) int {
	return ConsistentHash(HashString(PrimaryName(segmentName), ContainerSeed), containerCount)
}
