// Package wire implements the Pravega segment-store wire protocol spoken on
// TCP port 12345: the commands and their byte layouts, framing, version
// negotiation, event records and the reassembly of appends. It is
// byte-compatible with the Java client and server (wire versions 16 and 17)
// and the Rust/Python client (version 15). The facts come from
// shared/spec/wire-protocol.md; this comment restates them in our terms.
//
// # Framing
//
// A connection carries a sequence of frames:
//
//	offset  size  field
//	0       4     type code, signed, big-endian (all codes lie in -127..127)
//	4       4     payload length N, signed, big-endian, >= 0, header excluded
//	8       N     payload
//
// The whole frame may not exceed 0x00FFFFFF bytes, so N <= MaxPayload
// (16,777,207). FrameReader checks the code, a negative length and the limit
// from the header alone, before buffering any payload; peers close the
// connection on such frames (no reply). A reader decodes the fields it knows
// and skips any bytes left in the payload, which is how newer peers add
// fields.
//
// # Primitive encodings
//
// Everything is big-endian, as Java's DataOutput writes it.
//
//	i8      1 byte
//	bool    1 byte; we write 0 or 1 (Rust rejects anything else); any
//	        non-zero byte reads as true (as in Java)
//	i32     4 bytes two's complement
//	i64     8 bytes two's complement -- plain, NOT a varint (Pravega's own
//	        protocol page says VARLONG; that is wrong)
//	uuid    16 bytes: the most-significant half then the least-significant
//	        half, i.e. RFC 4122 byte order (see UUID)
//	str     u16 byte length, then Java "modified UTF-8": U+0000 as C0 80 and
//	        characters beyond U+FFFF as two 3-byte surrogates; at most
//	        65,535 bytes. We encode modified UTF-8 and decode both it and
//	        standard UTF-8 (Rust writes 4-byte sequences).
//	blob    i32 length, then the bytes
//	rest    the remaining payload bytes, no length
//	list    i32 count, then the elements
//
// Table keys are [i32 4+len+8][i32 len][key][i64 version]; an empty key is
// written (and read) the Java way as [i32 12][i32 0] with no version. Table
// values are [i32 4+len][i32 len][value]; entries are an i32 count of
// key/value pairs.
//
// # Optional trailing fields
//
// Fields added to a command after it was introduced sit at its end. The
// encoder always writes the latest layout (Rust cannot read shorter ones).
// The decoder reads an optional field only if enough bytes remain (8 for an
// i64, 4 for an i32 or blob, 2 for a string, 1 for a bool, 4 for a list) and
// otherwise uses its default: -1 for requestIds, event numbers and offsets, 0
// for StreamSegmentInfo.startOffset and rolloverSizeBytes and keyLength, ""
// for stack traces, AuthErrorUnspecified, false, an empty list or blob.
// Required fields that are missing make the payload malformed.
//
// # Appends
//
// Every event is stored with its own header, [i32 0][i32 len][bytes]
// (AppendEvent, SplitEvents, EventScanner); a framed Event command is that
// record. A writer first sends SetupAppend and gets AppendSetup with the last
// event number stored for it. Data then arrives as
//
//   - AppendBlock(writerId, block) immediately followed by the same writer's
//     AppendBlockEnd (Java). The block holds sizeOfWholeEvents bytes of whole
//     records and then optionally exactly one frame that fills it: a
//     PartialEvent with the first bytes of an event whose rest is the
//     AppendBlockEnd's data, or a Padding of zero bytes, after which the
//     AppendBlockEnd's data must be empty;
//   - AppendBlockEnd alone, its data holding all the records (Rust);
//   - ConditionalAppend (one event record) or ConditionalBlockEnd (raw
//     bytes), each self-contained.
//
// AppendAssembler turns AppendBlock/AppendBlockEnd into one Append (data =
// whole records + partial bytes + end data), checking the rules above and that
// a writer's lastEventNumber never goes backwards on the connection (it may
// skip ahead). It copies the block once, so End needs no second copy.
//
// # Version negotiation
//
// Both sides send Hello(highVersion, lowVersion) first; we send
// Hello(Version=17, OldestCompatibleVersion=5). A peer is incompatible when
// its lowVersion > 17 or its highVersion < 5 (Negotiate). Nothing else
// depends on the version: like the Java server we always write the latest
// layouts, and decode every older layout by length. The one layout whose
// meaning changed is InvalidEventNumber: since v16 the i64 after the writer id
// is the requestId; a v15 peer meant the event number there
// (DecodeInvalidEventNumberV15).
//
// # Type codes
//
//	code  command                    dir    since
//	-127  Hello                      both   1
//	  -1  Padding                    in AppendBlock only
//	  -2  PartialEvent               in AppendBlock only
//	  -3  FlushToStorage             C->S   admin port, v13 era
//	  -4  StorageFlushed             S->C   admin port
//	  -5  ListStorageChunks          C->S   admin port, v15 era
//	  -6  StorageChunksListed        S->C   admin port
//	   0  Event                      embedded only
//	   1  SetupAppend                C->S   1
//	   2  AppendSetup                S->C   1
//	   3  AppendBlock                C->S   1
//	   4  AppendBlockEnd             C->S   1
//	   5  ConditionalAppend          C->S   1
//	   7  DataAppended               S->C   1
//	   8  ConditionalCheckFailed     S->C   1
//	   9  ReadSegment                C->S   1
//	  10  SegmentRead                S->C   1
//	  11  GetStreamSegmentInfo       C->S   1
//	  12  StreamSegmentInfo          S->C   1
//	  20  CreateSegment              C->S   1
//	  21  SegmentCreated             S->C   1 (also answers 40 and 70)
//	  28  SealSegment                C->S   1
//	  29  SegmentSealed              S->C   1
//	  30  DeleteSegment              C->S   1
//	  31  SegmentDeleted             S->C   1 (also answers 71)
//	  32  UpdateSegmentPolicy        C->S   1
//	  33  SegmentPolicyUpdated       S->C   1
//	  34  GetSegmentAttribute        C->S   1
//	  35  SegmentAttribute           S->C   1
//	  36  UpdateSegmentAttribute     C->S   1
//	  37  SegmentAttributeUpdated    S->C   1
//	  38  TruncateSegment            C->S   2
//	  39  SegmentTruncated           S->C   2
//	  40  CreateTransientSegment     C->S   v14 era
//	  41  LocateOffset               C->S   17
//	  42  OffsetLocated              S->C   17
//	  50  WrongHost                  S->C   1
//	  51  SegmentIsSealed            S->C   1
//	  52  SegmentAlreadyExists       S->C   1
//	  53  NoSuchSegment              S->C   1
//	  55  InvalidEventNumber         S->C   1 (layout changed in 16)
//	  56  SegmentIsTruncated         S->C   2
//	  57  OperationUnsupported       S->C   4
//	  58  MergeSegments              C->S   1
//	  59  SegmentsMerged             S->C   1
//	  60  AuthTokenCheckFailed       S->C   5
//	  61  ErrorMessage               S->C   v10 era
//	  68  GetTableSegmentInfo        C->S   v12 era
//	  69  TableSegmentInfo           S->C   v12 era
//	  70  CreateTableSegment         C->S   7
//	  71  DeleteTableSegment         C->S   7
//	  74  UpdateTableEntries         C->S   7
//	  75  TableEntriesUpdated        S->C   7
//	  76  RemoveTableKeys            C->S   7
//	  77  TableKeysRemoved           S->C   7
//	  78  ReadTable                  C->S   7
//	  79  TableRead                  S->C   7
//	  80  TableSegmentNotEmpty       S->C   7
//	  81  TableKeyDoesNotExist       S->C   7
//	  82  TableKeyBadVersion         S->C   7
//	  83  ReadTableKeys              C->S   v7 era
//	  84  TableKeysRead              S->C   v7 era
//	  85  ReadTableEntries           C->S   v7 era
//	  86  TableEntriesRead           S->C   v7 era
//	  87  TableEntriesDeltaRead      S->C   10
//	  88  ReadTableEntriesDelta      C->S   10
//	  89  ConditionalBlockEnd        C->S   11
//	  90  MergeSegmentsBatch         C->S   15
//	  91  SegmentsBatchMerged        S->C   15
//	 100  KeepAlive                  both   1
//
// Every other code, including the retired 72 and 73, is unknown.
//
// # Points we settled
//
// These were open (UNCERTAIN) or unstated in the spec; this is what the code
// does:
//
//   - Whether Rust ignores trailing bytes is UNCERTAIN in the spec. The codec
//     does not depend on it: it writes exactly the layouts the Java server
//     writes (InvalidEventNumber in the v16+ layout, which Rust never
//     requests), and any other choice is the server's, not the codec's.
//   - Python 0.3.8 embedding the Rust 0.3.7 protocol crate is UNCERTAIN; we
//     treat Python exactly as Rust (version 15).
//   - Strings: an unpaired surrogate or a truncated/invalid sequence is
//     malformed (Java would accept a lone surrogate; a Go string cannot hold
//     one as valid UTF-8). Over-long 2- and 3-byte forms and raw 0x00 are
//     accepted, as Java does. Invalid UTF-8 in a Go string is encoded as
//     U+FFFD.
//   - An optional string is read only if at least its 2-byte length remains;
//     an optional i64 only if 8 bytes remain (Java reads SegmentsMerged's and
//     the table-offset i64s when any byte remains and then fails; we treat 1-7
//     stray bytes as ignorable trailing bytes).
//   - The deprecated TableIteratorArgs prefix filter is written empty and
//     discarded when read.
//   - Zero-length blobs and lists decode as nil.
//   - A table key's or value's payloadLen is only checked to fit in the
//     remaining bytes, as Java does.
package wire
