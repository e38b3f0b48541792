// Package naming holds the names, ids and hash functions that the segment
// store, the controller and the Go client must agree on byte for byte with
// the Pravega clients. It is pure: no I/O, no state.
//
// # Segment ids
//
// A segment is identified inside a stream by a 64-bit id whose high 32 bits
// are the epoch the segment was created in and whose low 32 bits are its
// segment number (SegmentID, EpochOf, NumberOf). Numbers are unique within a
// stream; the epoch part only tells when the segment appeared.
//
// # Segment names
//
// The segment store knows segments by name only:
//
//	stream segment      <scope>/<stream>/<number>.#epoch.<epoch>        s/st/0.#epoch.0
//	transaction         <stream segment>#transaction.<32 hex>           s/st/1.#epoch.2#transaction.0000000200000000000000000000002a
//	transient           <stream segment>#transient.<32 hex>.<32 hex>    (writer id, then a random id)
//	key-value table     <scope>/<kvt>_kvtable/<number>.#epoch.<epoch>
//	metadata table      <scope>/_tables/<path...>                       _system/_tables/scopes
//
// The epoch suffix is always written, even for epoch 0. The 32 hex digits of
// a UUID are its most significant 64 bits then its least significant 64 bits,
// lower case and zero padded. A transaction's epoch is the high 32 bits of
// its most significant half, and its parent segment name is built from the
// parent's number and that epoch. ParseQualifiedName also accepts a name
// without the epoch suffix (epoch 0) and the scope-less "<stream>/<n>" form.
//
// Internal streams start with "_": a Java reader group keeps its state in
// "_RG<group>", a stream's watermarks live in "_MARK<stream>", and the
// controller's own streams live in scope "_system".
//
// # Name rules
//
// User-given names are one or more of the ASCII letters, digits, '.' and '-';
// scopes may have 255 characters, everything else 250. The gRPC API creates
// scopes and streams under the internal rule, which also allows one leading
// '_' and 255 characters, so that "_RG..." and "_MARK..." streams can be
// created. Validation errors are *NameError values that match ErrInvalidName
// and the reason (ErrNameEmpty, ErrNameTooLong, ErrNameCharacter).
//
// # Hashes
//
// All hashes are MurmurHash3 x64 128 as Guava computes it, reduced to the
// first 64-bit word of the result. Two details matter: the int32 seed is
// sign-extended into both 64-bit lanes (the reference C code zero-extends),
// and a string is hashed as its UTF-16 code units in little-endian order,
// without a byte-order mark. Each use has its own seed, the Java hash code of
// a name:
//
//	use                      seed          input
//	routing key → key space  1741865571    UTF-16LE of the routing key
//	KVT key → key space      -2020233499   raw primary-key bytes
//	segment → container      1661405012    UTF-16LE of PrimaryName(segment)
//
// A hash becomes a key in [0, 1) by taking its bits 12 to 63 as the mantissa
// of a double in [1, 2) and subtracting 1. The routing key picks the segment
// whose key range holds that value.
//
// A segment's container is Guava's consistent hash of the container hash
// into containerCount buckets. The hashed name is the segment's primary name:
// the name without a transaction or transient suffix and without its last
// ".#epoch.<e>" part, so that all epochs of a segment number and all its
// transaction segments live in the same container. The consistent hash walks
// a linear congruential generator (multiplier 2862933555777941757, increment
// 1) and jumps to candidate buckets until the next jump would leave the
// range; Java's saturating double-to-int cast is reproduced by comparing
// before converting.
package naming
