// Package client is the Go client of Sluice, wire-compatible with Pravega:
// it talks to the controller over gRPC and to the segment stores over the
// Pravega wire protocol, so it also works against a Pravega 0.13 cluster.
//
// Phase 1 (issue #8) covers the client, the stream manager, the event
// writer and a low-level reader API; phase 2 adds reader groups (with
// checkpoints, stream cuts, unread bytes and offline readers) and
// transactions; phase 3 key-value tables and byte streams, both shared
// with the Java client 0.13 (see Key-value tables, Byte streams).
//
// # Using it
//
//	c, _ := client.New(ctx, "tcp://127.0.0.1:9090")       // or tls://host:port
//	m := c.StreamManager()                                 // scopes, streams, tags, seal, truncate, scale
//	w, _ := c.NewEventWriter(ctx, scope, stream, client.WriterConfig{})
//	w.Write(ctx, routingKey, event)                        // queued; Flush/Close wait for acks
//	c.ReadBetween(ctx, fromCut, toCut, fn)                 // batch read; NewSegmentReader for one segment
//	g, _ := c.CreateReaderGroup(ctx, scope, "group", client.ReaderGroupConfig{Streams: ...})
//	r, _ := g.NewReader(ctx, "reader-1"); ev, _ := r.ReadNext(ctx)  // events or checkpoint markers
//	txn, _ := c.BeginTxn(ctx, scope, stream, client.TxnConfig{}); txn.Write(...); txn.Commit(ctx)
//	m.CreateKeyValueTable(ctx, scope, "t", client.KVTConfig{Partitions: 4, PrimaryKeyLength: 8})
//	kvt, _ := c.OpenKeyValueTable(ctx, scope, "t"); kvt.Put(ctx, key, value); kvt.Entries(ctx, client.ScanAll())
//	bw, _ := c.NewByteStreamWriter(ctx, scope, stream); bw.Write(ctx, b); bw.Flush(ctx)
//	br, _ := c.NewByteStreamReader(ctx, scope, stream); br.SeekTo(off); br.Read(ctx, p)
//
// Every blocking call takes a context. Errors wrap sentinels (ErrStreamNotFound,
// ErrStreamSealed, ErrScopeNotEmpty, ...) and say what was being done; gRPC
// failures without a sentinel are *ControllerError. Logging goes through the
// two-method Logger interface (*slog.Logger fits).
//
// # Architecture
//
// Files are cut by responsibility:
//
//	client.go     Client: owns the controller connection, the connection pool, the token
//	              cache, the segment→endpoint cache and the open writers; segmentRequest
//	              sends one idempotent request about a segment, handling WrongHost,
//	              broken connections and expired tokens.
//	controller.go gRPC connection to the controller; retries transient statuses
//	              (UNAVAILABLE, UNKNOWN, INTERNAL, ...) with backoff, never NOT_FOUND,
//	              INVALID_ARGUMENT or auth failures, as the Java client.
//	uri.go        controller URIs: tcp://, tls:// (also ssl://, tcps://), pravega://,
//	              pravegas://, bare host:port; comma-separated hosts are balanced round-robin.
//	              Discovery through getControllerServerList is not done.
//	credentials.go  Credentials: "authorization: <method> <token>" on every controller call.
//	tokens.go     delegation tokens per stream (READ for readers, WRITE for writers),
//	              refreshed 5 s before their JWT "exp" or when the segment store says expired.
//	conn.go       one segment store connection: TLS optional, Hello first (wire.Negotiate),
//	              one reader goroutine that routes every reply by its requestId to a
//	              one-shot waiter or a lasting append session; writes are whole frames
//	              under a mutex, so frames of different users never interleave.
//	pool.go       one connection per segment store endpoint, shared by every writer and
//	              reader of the Client (the server pipelines); dead ones are re-dialled.
//	manager.go, streams.go  the StreamManager.
//	writer.go, segwriter.go, router.go, flow.go  the event writer (below).
//	reader.go, batch.go     the low-level reader API (below).
//	table.go      table-segment commands (create, conditional update/remove, read, iterate).
//	tablesync.go  the Rust client's table synchronizer: a two-level map in a table segment
//	              with optimistic, versioned updates.
//	cbor.go       the CBOR subset serde_cbor writes; rgformat.go the reader-group values in it.
//	rgstate.go    reader-group state transitions (pure functions over the synchronizer's map).
//	readergroup.go, checkpoint.go  ReaderGroup: create/open/update/delete, cuts, unread bytes,
//	              offline readers, checkpoints. groupreader.go  Reader.
//	txn.go        transactions (writers on "#transaction." segments, lease pings).
//	kvt_admin.go  key-value table create/delete/list/configuration (controller).
//	kvt.go        KeyValueTable: keys, versions, routing, puts, removals, reads.
//	kvt_iter.go   KVTScan and key-ordered iteration merged over the table's segments.
//	bytestream.go ByteStreamWriter (an EventWriter appending raw bytes) and ByteStreamReader.
//
// Later phases plug in at the same seams: a table-segment client (key-value tables,
// Rust-style reader-group state) is segmentRequest with table commands; conditional
// appends (state synchronizer, Java reader groups) are another kind of lasting session
// on conn; transactions are segment writers on "#transaction." segments.
//
// # Event writer
//
// An EventWriter fetches the active segments (getCurrentSegments) and runs one
// segmentWriter per segment. Write hashes the routing key and picks the segment the
// Java client would, frames the event and queues it; it blocks only while
// MaxInFlightBytes are unacknowledged (flow.go). Each segmentWriter's goroutine sets up
// an append session (getURI, getDelegationToken, SetupAppend) and sends its queue as
// AppendBlock + AppendBlockEnd pairs without waiting for acks; whatever piles up while
// it sends goes into the next block (at most MaxBlockSize, Java's 523,264 bytes by
// default), so batching follows the load without a timer. Each block holds whole events,
// hence no PartialEvent or Padding; AppendBlockEnd carries no data, the event count and
// the number of the block's last event, and the SetupAppend's requestId.
//
// Exactly once: events are numbered 1, 2, ... per segment writer and stay queued until a
// DataAppended acknowledges their number (acks are cumulative). When the connection
// breaks (or WrongHost, InvalidEventNumber), the writer sets up again with the same
// writer id; AppendSetup reports the last event number the segment stored for that id,
// everything up to it is dropped as acknowledged and the rest is resent with the same
// numbers. The segment store stores an append only if its writer attribute still equals
// the previous number (compare-and-set), so a resent block is never stored twice.
//
// Scaling: SegmentIsSealed stops that segment writer. The EventWriter asks the
// controller for the successors (getSegmentsImmediatelyFollowing), replaces the sealed
// key range by the successors' ranges clipped to it, and moves the sealed writer's
// unacknowledged events, in order, to the successors' writers. This happens under the
// routing lock that Write holds while queuing, so no later event of a key can overtake
// the moved ones; the successors' events follow everything the sealed segment stored,
// and readers read a segment's predecessors first. No successors means the stream was
// sealed: queued and later writes fail with ErrStreamSealed.
//
// NoteTime sends the writer's position (the segment lengths from the latest acks) and
// a time to the controller (noteTimestampFromWriter) for watermarks.
//
// # Reader API
//
// HeadCut (getSegments) and TailCut (getCurrentSegments + segment lengths) are stream
// cuts: segment id → offset. SegmentInfo, Successors and NewSegmentReader let an
// application read segments and follow scaling in its own way: a reader with end -1
// waits at the tail of an open segment (the segment store parks the read) and returns
// io.EOF at the end of a sealed one. SlicesBetween lists the segment slices between two
// cuts (getSegmentsBetween) in creation order; ReadBetween reads them all.
//
// # Reader groups
//
// A group's state is shared through a table segment in the Rust client
// 0.3.7's format (the Python client 0.3.8 is a binding of it), so Go readers
// and Python/Rust readers can be members of one group; TestRustStateGolden
// pins bytes written by Python 0.3.8, TestReaderGroupPythonInterop runs
// both clients on one group. Facts from pravega-client-rust v0.3.7
// (src/sync/synchronizer.rs, src/sync/table.rs, src/event/reader_group*.rs):
//
//   - Table segment: "<scope>/<group>_kvtable/0.#epoch.0", a hash table
//     (CreateTableSegment, key length 0); tokens for stream "<group>_kvtable"
//     with access UNSPECIFIED. Delete = DeleteTableSegment. The Rust client
//     never calls the controller's reader-group RPCs; this client also
//     registers groups it creates there (createReaderGroup; updateReaderGroup,
//     deleteReaderGroup), which Rust ignores.
//
//   - Keys are CBOR text strings: an entry "NN<outer>/<inner>" and, per outer
//     map, a version key "NN<outer>" (NN = the outer name's byte length, two
//     decimal digits).
//
//   - Values are CBOR maps {"type_id": text, "data": array of uint 0..255}:
//     Rust's Value{type_id: String, data: Vec<u8>} through serde_cbor 0.11
//     (serde writes Vec<u8> as an array, not a byte string); data is itself
//     serde_cbor of the typed value. Version keys hold {"blob", [0]}.
//
// The outer maps, their inner keys and values (type_id: data):
//
//	config / "default"               ReaderGroupConfigVersioned: {"V1": {
//	                                     "group_refresh_time_millis": uint,
//	                                     "starting_stream_cuts": {ScopedStream: StreamCutVersioned},
//	                                     "ending_stream_cuts": {}}}
//	assigned_segments / <reader>     HashMap<ScopedSegment, Offset>: {ScopedSegment: Offset}
//	unassigned_segments / <segment>  Offset: {"read": int}
//	future_segments / <segment>      HashSet<i64>: [Segment, ...] (predecessors not yet read)
//	distance_to_tail / <reader>      u64: uint (Rust writes u64::MAX; unused)
//	checkpoints / <name>             Checkpoint (Sluice only): {"pending": [text, ...],
//	                                     "positions": {ScopedSegment: int}}
//
//	StreamCutVersioned  "Unbounded" | "Tail" | {"V1": {"stream": ScopedStream,
//	                        "positions": {ScopedSegment: int}}}
//	Scope, Stream       {"name": text}
//	ScopedStream        {"scope": Scope, "stream": Stream}
//	Segment             {"number": int (full id, epoch<<32 | number), "tx_id": null}
//	ScopedSegment       {"scope": Scope, "stream": Stream, "segment": Segment}
//
// <segment> is the qualified name "<scope>/<stream>/<n>.#epoch.<e>".
// Integers use the shortest CBOR head, lengths are definite, map order is
// free.
//
//   - Updates: one UpdateTableEntries (table offset -1) with every changed
//     entry conditional on the version last read (-1: must not exist), plus
//     the version key of every changed map, also conditional, so concurrent
//     changes to a map conflict; TableKeyBadVersion/TableKeyDoesNotExist →
//     re-read and run the change again. Removal = a {"tombstone", serde_cbor
//     of an empty struct (0xa0)} value in the batch; Rust then removes it
//     with a conditional RemoveTableKeys, this client leaves it. Rust
//     re-reads with ReadTableEntriesDelta, which does not report removed
//     keys, so a Rust reader that missed a tombstone keeps the removed value
//     (and retries a conflicting change without bound); this client reads
//     all entries (ReadTableEntries) and keeps its tombstones so that Rust
//     readers see them.
//
//   - Transitions as Rust's: a new reader gets an empty assigned map; every
//     reader aims at ceil(segments / readers) and acquires from the
//     unassigned map or releases one segment at its position; a segment read
//     to its end leaves its reader, its successors enter future_segments with
//     their predecessors (getSegmentsImmediatelyFollowing) and become
//     unassigned at offset 0 when the last predecessor is done; a reader
//     going offline puts its segments back unassigned.
//
// Positions are the offset after the last event ReadNext returned,
// reported every RefreshInterval and on Close; ReaderOffline takes the
// positions the application last processed. StreamCuts gives
// assigned/unassigned offsets per stream, waiting successors at -1.
// Checkpoints (a Sluice extension; Rust readers ignore the map, so a
// checkpoint completes only when they leave): InitiateCheckpoint records
// the online readers and the unassigned segments; each reader, at its next
// refresh, returns a marker and records its positions; it may not acquire,
// release or complete a segment while a checkpoint waits for it, so the
// positions form a consistent cut.
//
// # Transactions
//
// BeginTxn: createTransaction(lease) gives the id and the epoch's segments
// with ids (number, txn epoch); an EventWriter in transaction mode routes
// events among those ranges as Write does and appends to
// "<qualified name>#transaction.<msb %016x><lsb %016x>". A goroutine pings
// every lease/sqrt(lease in s) (Java's and Rust's interval). Commit
// flushes, stops pinging and calls commitTransaction (writer id, timestamp
// Long.MIN_VALUE); the merge is asynchronous, Wait polls
// checkTransactionState until COMMITTED or ABORTED. A transaction segment
// sealed under a writer (committed or aborted) fails it with ErrTxnNotOpen.
//
// # Key-value tables
//
// Facts from pravega/pravega v0.13.0 (client/.../tables/impl:
// KeyValueTableImpl, TableEntryHelper, KeyValueTableSegments, SegmentSelector,
// TableSegmentImpl, KeyValueTableIteratorImpl, SegmentIteratorArgs,
// VersionImpl; KeyValueTableFactoryImpl; ControllerImpl;
// common/.../HashHelper), pinned by TestKVTLayoutAndRouting and checked
// against the Java client by TestKVTJavaInterop (GoKeyValueTableTest.java):
//
//   - Segments: getCurrentSegmentsKeyValueTable returns SegmentRanges whose
//     stream is the table's name; the table segments are
//     "<scope>/<kvt>_kvtable/<number>.#epoch.<epoch>" (getURI is asked for
//     stream "<kvt>_kvtable"). Java refuses a table whose segment count is
//     not its partition count. Tokens: getDelegationToken(scope, <kvt>,
//     READ_WRITE) — the table name, not "<kvt>_kvtable".
//   - Key layout: the table segment key is the primary key bytes followed by
//     the secondary key bytes, each exactly of the configured length (Java
//     refuses other lengths; no secondary key when its length is 0); the
//     table segments are fixed-key-length tables of the total length. The
//     value is stored as given (no header).
//   - Routing: by the primary key only, so all entries of a primary key share
//     a segment. Murmur3_x64_128 (Guava, seed "KeyValueTableRouter".hashCode()
//     = -2020233499) over the raw primary key bytes, the first 64 bits mapped
//     to [0, 1) as event routing keys are (naming.KVTKeyToKey); the segment is
//     the one with the smallest upper key bound at or above it (ceiling entry
//     of the map by maxKey).
//   - Versions: Java's Version is (segment id, segment version), printed
//     "<segment id>:<version>"; the segment version is the server's entry
//     version (its offset in the table segment). NO_VERSION = (Long.MIN_VALUE,
//     Long.MIN_VALUE) (unconditional: KeyVersion's zero value), NOT_EXISTS =
//     (Long.MIN_VALUE, -1) (KeyNotExists). A conditional Put or Remove whose
//     version names another segment fails before sending (BadKeyVersion).
//   - Updates: one UpdateTableEntries (tableSegmentOffset -1) per call;
//     multi-key updates must share the primary key and be all puts or all
//     removals (RemoveTableKeys); at most 256 keys and 16 MiB − 8 KiB of
//     serialized keys and values; values at most 1 MiB − 8 KiB, keys 8 KiB.
//     TableKeyDoesNotExist → NoSuchKeyException (ErrKeyNotFound),
//     TableKeyBadVersion → BadKeyVersionException (ErrBadKeyVersion). Insert =
//     Put at NOT_EXISTS; exists(k) = Remove(k, NOT_EXISTS), true on a
//     conditional failure. get/getAll: ReadTable per segment, at most
//     (16 MiB − 8 KiB) / 1 MiB = 15 keys a request, missing keys come back
//     at NOT_EXISTS.
//   - Iteration (KeyValueTableIterator.Builder → KVTScan): inclusive
//     [fromKey, toKey] of whole keys in unsigned byte order, bounds padded
//     with 0x00 / 0xFF (forRange, forPrefix: whole secondary range;
//     forPrimaryKey: one primary key, optionally a secondary range or
//     prefix). ReadTableEntries/ReadTableKeys with fromKey/toKey and no
//     continuation token; the next request starts at the last key + 1 (byte
//     increment with carry, stop past toKey or on overflow); an empty reply
//     ends a segment. One primary key (fromPK = toPK) reads that key's segment
//     alone, otherwise every segment is read and merged by key. Java asks for
//     10 items a request by default; we ask for 100 (KVTScan.BatchSize).
//
// # Byte streams
//
// Java's ByteStreamClientImpl/ByteStreamWriterImpl/ByteStreamReaderImpl: a
// byte stream is a stream of exactly one segment (the writer checks the
// current segments, the reader the segments at time 0). Writes are appends
// without the event header (PendingEvent.withoutHeader) on an ordinary
// exactly-once append session; flush waits for the acks. closeAndSeal
// flushes, closes and sends SealSegment to the segment store — the
// controller still reports the stream open. truncateDataBefore sends
// TruncateSegment; fetchHeadOffset/fetchTailOffset are GetStreamSegmentInfo's
// start offset and length. The reader starts at the segment's start offset,
// reads with ReadSegment (parked at the tail until data or the seal) and
// returns end of stream after the last byte of a sealed segment. Java treats
// SegmentIsTruncated in reply to TruncateSegment (offset outside [head,
// tail]) as done; this client reports an offset beyond the tail as
// ErrInvalidArgument.
//
// # Facts settled about client behaviour
//
// Checked against pravega/pravega's Java client sources (read for facts only):
//
//   - Event framing: the writer wraps each event as a wire Event command, i.e. it stores
//     [int32 type 0][int32 length][payload] (PendingEvent.withHeader); readers split
//     segment data on these headers. Events are at most 8 MiB including the header.
//   - Routing: StreamSegments keys segments by the upper end of their range and routes a
//     key to the ceiling entry; the key is HashHelper.seededWith("EventRouter")
//     .hashToRange(routingKey). The hash itself (Guava murmur3_x64_128 over UTF-16LE
//     code units, seed 1741865571 sign-extended, bits 12..63 as the mantissa of a double
//     in [1, 2) minus 1) is in internal/naming, pinned by the spec's test vectors.
//   - Writer ids: every segment output stream gets its own random UUID
//     (SegmentOutputStreamFactoryImpl); the server binds a writer id to one segment per
//     connection, so one id per segment is required when writers share a connection.
//   - Blocks (CommandEncoder): AppendBlockEnd.requestId is the session's SetupAppend
//     requestId; a block is whole events followed by at most one PartialEvent or Padding.
//
// From shared/spec (not re-checked here): successors are clipped to the sealed range;
// an empty successor list means a sealed stream; tokens are parsed from the JWT payload
// with a standard base64 decoder and the regular expression "exp":\s?(\d+).
//
// # Performance
//
// BenchmarkWriter100B (one writer, one segment, 100-byte events, measured from the
// first Write to the last acknowledgement, against an in-process in-memory standalone
// node on 2 cores shared with other jobs, go1.26): about 1.2 M events/s, 120 MB/s of
// payload. Runs ranged from 0.43 to 1.49 M events/s with the machine's load; a CPU
// profile shows the time in memmove (the event is copied into its record, the block
// and the frame), syscalls and allocation.
//
// BenchmarkWriter16Segments1KiB (one writer, 16 segments, 1 KiB events over 1,024
// routing keys, same setup, load average 7 from other jobs): 113 k events/s, 116 MB/s;
// the same run measured BenchmarkWriter100B at 854 k events/s. The node is in-memory
// (no fsync); the segment store's own benchmarks measure the durable path.
package client
