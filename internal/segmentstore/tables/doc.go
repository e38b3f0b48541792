// Package tables implements table segments: key-value tables stored as a log
// of entry records in a container segment of kind container.KindTable, with
// an in-memory index from key to the record that last wrote it.
//
// # Model
//
// A key's version is the segment offset of the record that last wrote it,
// so versions are unique and increase with every update of a key. NoVersion
// (math.MinInt64) makes a key's update or removal unconditional; NotExists
// (-1) requires the key to be absent and is what reads report for missing
// keys. A batch (one UpdateTableEntries or RemoveTableKeys) is one container
// append, so it is all-or-nothing; if any key carries a version the batch is
// conditional: a key that is absent with a version other than NotExists fails
// it with ErrKeyDoesNotExist, a present key whose version differs (including
// NotExists) with ErrKeyBadVersion. A table offset other than -1 requires the
// table's length to equal it (else a *container.TruncatedError carrying the
// actual length as StartOffset, which the wire turns into SegmentIsTruncated).
// Removing an absent key unconditionally writes nothing and succeeds.
//
// Two kinds of table exist. Hash tables (key length 0; Pravega's internal and
// the Rust client's tables) iterate in the order of a 128-bit key hash (the
// first 16 bytes of SHA-256) with the last hash returned as the continuation
// token; every key present when an iteration starts and not removed during
// it is returned exactly once, whatever else changes. Fixed-key-length tables
// (Java Key-Value Tables) require every key to have the table's length and
// iterate in unsigned lexicographic key order between inclusive from/to keys
// without a token; they support neither delta reads nor DeleteTableSegment
// with mustBeEmpty.
//
// # Writes and reads
//
// The tables layer is the only writer of table segments (the server refuses
// appends, seals, truncations, merges and attribute updates on them). Per
// table, a mutex (wmu) serialises admission: conditions are checked against
// the accepted view — the durable index overlaid with the keys written by
// batches still in flight — the records are encoded, and the batch is
// appended with ExpectedOffset = the accepted length, under the writer id
// attrWriter whose value is the length after the batch. When the container
// reports the batch durable, its records are applied to the durable index and
// the reply is sent. A failed append (the segment vanished, the container
// failed) discards the table's state; the next request reloads it.
//
// Reads (ReadTable, iteration, delta reads, info) see only the durable index,
// so they never return what a crash could take back. A reply that depends on
// accepted-but-not-durable state — a failed condition, a removal of keys that
// are absent only because of a batch in flight, a refused mustBeEmpty delete —
// waits until every batch admitted before it is durable, which keeps the
// table linearizable: a failure caused by a pending write is only reported
// once that write can be observed by reads.
//
// Values are not held in memory: the index maps each key to the offset and
// key and value lengths of its record, and values are read from the segment
// through container.Read (today the container's read index holds segment
// bytes in memory; with tiering they come from the cache or long-term
// storage).
//
// # Index memory
//
// Hash tables index 32-byte items (hash 16, offset 8, value length 4, key
// length 2, padding) in a B-tree of degree 32, keyed by the hash: measured
// 47.7 bytes per key (TestIndexMemory with 1M keys), so 1M keys take about
// 48 MB whatever the key size. A key's bytes are compared with the record's on
// every read; a 128-bit hash collision is treated as corruption (probability
// about n²/2¹²⁹). Fixed-key-length tables keep the key itself (a string) in
// the item: about 40 bytes plus the key, rounded up to an allocation class.
// Keys written by batches in flight also have an entry in a small map.
//
// # Record format
//
// A table segment's bytes are a sequence of records; all integers are
// big-endian:
//
//	kind  u8   low 7 bits: 1 put, 2 remove; bit 7 set: another record of the
//	           same batch follows
//	klen  u16  key length, 1..8192
//	vlen  u32  value length, 0..1 MiB-8192 (0 for a removal)
//	key   klen bytes
//	value vlen bytes
//
// There is no checksum: the journal and long-term storage protect the bytes.
// The batch flag lets delta reads stop only at batch boundaries, so a reader
// polling deltas never observes half of an atomic batch.
//
// Attributes: AttrKeyLength (0x8000000000000000, 0x7461626c00000001) holds the
// key length; attrWriter (…0002) the length after the last batch;
// attrIndexID (…0003) the id of the index snapshots; the container's
// rollover-size attribute the requested rollover size.
//
// # Delta reads
//
// ReadDelta walks the log from fromPosition (a record boundary: 0 or a
// previous LastPosition), keeps the latest record per key, drops keys whose
// latest record is a removal, and stops at a batch boundary after about the
// suggested number of entries or 2 MiB (or 32 MiB scanned). ShouldClear is
// true when fromPosition is below the start offset (compaction offset).
//
// # Index snapshots and recovery
//
// The first request on a table after a restart loads its index: from the
// table's latest index snapshot in the container's long-term storage plus
// the log after the snapshot's position, or, without a usable snapshot, from
// the whole log. Requests on that table wait meanwhile; other tables are not
// affected. Measured (TestRecoveryTime, 1M keys of 100 bytes with 20-byte
// values, a 127 MB log, 2-core AMD EPYC VM, memory LTS): 0.48 s from the
// snapshot and the log after it, 1.28 s from the whole log. The whole-log
// time grows with every update; the snapshot time only with the number of
// keys.
//
// A snapshot is taken in the background once the durable log has grown by
// max(SnapshotMinBytes (8 MiB), the snapshot's own size) since the last
// one: the index B-tree is cloned copy-on-write (O(1)) when a batch becomes
// durable, encoded off the container's goroutine and written with one Put
// to lts.IndexName(segment) ("segments/<escaped>/@index"), replacing the
// previous one. So snapshots cost at most as many bytes as the log writes
// they summarise, recovery reads at most that much log after the snapshot,
// and one snapshot at a time per container bounds their memory. Table
// deletion removes the object. A snapshot is only an accelerator: the log
// stays the truth, and any snapshot that fails a check below is logged and
// ignored.
//
// The attribute attrIndexID (…0003) holds a random id chosen by the first
// snapshot of this incarnation of the segment (set before that snapshot is
// written) and stamped into every snapshot, so an object left behind by a
// deleted segment of the same name is never used.
//
// Snapshot format, big-endian:
//
//	magic      4 bytes "SLTX"
//	format     u8   1
//	keyLength  u32  0 for hash tables
//	id         i64  must equal attrIndexID
//	position   i64  log length the snapshot covers (a batch boundary)
//	count      u64  number of entries
//	bodyLength u64  count × entry size
//	bodyCRC    u32  CRC-32C of the body
//	headerCRC  u32  CRC-32C of the 45 bytes before it
//	body       count entries in index order:
//	           hash tables:  hash 16 bytes, offset i64, vlen u32, klen u16
//	           fixed keys:   key keyLength bytes, offset i64, vlen u32
//
// Entries must be in strictly increasing order, with records ending at or
// before position; the position must lie within the segment's log.
//
// # What is left
//
// Compaction (copying live records forward and truncating the segment;
// ShouldClear is then true for positions below the compaction offset),
// evicting the indexes of idle tables (a loaded index stays in memory until
// its segment is deleted), and loading indexes off the request path (the
// first request waits on its connection's goroutine).
package tables
