// Package lts is tier 2, long-term storage: the interface the storage writer
// and the read path use to keep segment data as chunks, the layout of those
// chunks, and (in sub-packages) the backends: fs (local filesystem on
// internal/vfs, the default), s3 (any S3-compatible store) and mem (tests).
// Package ltstest holds the contract suite all backends pass.
//
// # Interface: whole, immutable chunks
//
// A chunk is an object named by a string and written once, whole, with Put;
// it is then only read (ReadAt, ranged), measured (Stat), listed (List) and
// deleted (Delete). There is no append. This is the design that suits both
// backends:
//
//   - S3 has no append. Emulating it (rewriting or multipart-copying the
//     object per append) costs a round trip and a copy per flush, and an
//     object under construction is invisible or torn. A whole-object PUT is
//     atomic and durable when acknowledged, and one ranged GET serves a read.
//   - On a filesystem, write-temp + fsync + rename + fsync(dir) gives the
//     same atomicity, so readers never see a torn chunk and a crash leaves
//     the old chunk or the new one. Appending in place would need a length
//     kept durably elsewhere to know which bytes of a file are valid.
//   - Concurrent readers are trivially safe: a chunk never changes under a
//     reader (a Put of an existing name swaps in a whole new version).
//
// The cost is that the storage writer coalesces a segment's appends (from
// the journal and cache) into one chunk per flush, typically 4–64 MiB, and
// a slowly written segment flushed on a timer makes small chunks; the
// storage writer may later concatenate small neighbours into one chunk
// (write the big one, switch the metadata, delete the small ones).
//
// Errors: ErrNotFound (missing chunk), ErrInvalidName (see ValidateName),
// ErrBadOffset (negative read offset), ctx.Err() for a cancelled context,
// anything else for I/O failures; all wrapped with the chunk name.
//
// # Layout (proposal for the storage writer)
//
// Names are built by ChunkName, MetaName, IndexName and SegmentPrefix in
// layout.go.
// Below <root> is the fs backend's root directory or the S3 bucket+prefix:
//
//	<root>/segments/<escaped segment>/@<offset>.<epoch>   chunk
//	<root>/segments/<escaped segment>/@meta.<epoch>       segment metadata
//	<root>/segments/<escaped segment>/@index              table index snapshot
//
// <escaped segment> is the segment name with "/" kept (so scope and stream
// are directories) and every byte other than ASCII letters, digits and
// ". _ - #" written as %XX (see EscapeSegment). <offset> is the segment
// offset of the chunk's first byte and <epoch> the epoch of the container
// owner that wrote it, both as 20-digit zero-padded decimals, so that
// names sort by offset and two owners of a container (a zombie and its
// successor) never write the same name. Example:
//
//	segments/scope/stream/0.#epoch.0/@00000000000000000000.00000000000000000003
//	segments/scope/stream/0.#epoch.0/@00000000000008388608.00000000000000000003
//	segments/scope/stream/0.#epoch.0/@meta.00000000000000000003
//	segments/scope/stream/0.#epoch.0#transaction.00ab.../@00000000000000000000.00000000000000000003
//
// Escaped components never start with "@", so List(SegmentPrefix(s))
// yields exactly segment s's objects (not its transactions', whose names
// extend the last component, nor those of segments below it), chunks first
// in offset order, then the index snapshot (table segments only; an
// accelerator for recovery whose format the tables package documents, not
// needed to read the segment's bytes), then metadata objects. For the same reason no chunk
// name is ever a directory of another, which filesystems require.
//
// # Segment metadata object
//
// LTS is self-describing: each segment has a small JSON object, rewritten
// (Put replaces it atomically) when its start offset or seal state changes
// or chunks are merged into it, and for new chunks alone when its first
// chunk is written and then at most once per MetaInterval (default 10 s;
// the object lists every chunk, so a rewrite per chunk would cost the
// square of the chunk count). FlushToStorage rewrites every segment's, and
// a restarted segment store rewrites them all within a MetaInterval. A
// reader without Sluice therefore sees at least the bytes flushed up to
// MetaInterval earlier:
//
//	{
//	  "format": 1,
//	  "segment": "scope/stream/0.#epoch.0",   // unescaped name
//	  "epoch": 3,                             // owner epoch, as in the object name
//	  "version": 17,                          // +1 per rewrite within an epoch
//	  "startOffset": 4096,                    // truncation point
//	  "length": 16777216,                     // segment length in LTS
//	  "sealed": false,
//	  "chunks": [                             // contiguous, in offset order
//	    {"name": "segments/scope/stream/0.#epoch.0/@00000000000000000000.00000000000000000003",
//	     "offset": 0, "length": 8388608},
//	    {"name": "segments/scope/stream/0.#epoch.0/@00000000000008388608.00000000000000000003",
//	     "offset": 8388608, "length": 8388608}
//	  ]
//	}
//
// Invariants: chunks[i+1].offset = chunks[i].offset + chunks[i].length;
// length = end of the last chunk (or startOffset if there is none); the
// first chunk contains startOffset. The chunk list in the container's
// metadata (journal + checkpoint, fenced by the journal) stays the
// authority while Sluice runs; the metadata object is its durable copy in
// LTS, written after the chunks it lists.
//
// Order of writes, so that a crash at any point leaves a readable segment:
// (1) Put the new chunk(s); (2) Put @meta.<epoch> listing them; (3) delete
// what the new metadata no longer lists. Objects not listed by the newest
// metadata are garbage (a crash between steps, a zombie owner). The
// storage writer deletes the garbage it makes while running; what a crash
// leaves behind is removed by a sweep at each start of the segment store
// (segmentstore.Store.SweepOrphans): it lists "segments/" and each owning
// container deletes the objects none of its segments reference (chunks not
// in any extent, metadata of an earlier incarnation, index snapshots of
// deleted tables), holding its storage writer off meanwhile.
//
//   - Append/flush: a new chunk at offset = current length, then metadata.
//   - Truncate to t: set startOffset = t in the metadata, then delete the
//     chunks that end at or below t. Bytes of the first remaining chunk
//     below t are kept but are not part of the segment.
//   - Seal: "sealed": true in the metadata (nothing else changes).
//   - Merge transaction T into target S: S's metadata appends T's chunk
//     entries with offsets shifted by S's length, keeping their names
//     (under T's directory: no copying); then T's metadata objects are
//     deleted. The offset in a chunk's name is where it began in the
//     segment that wrote it; after a merge only the metadata's offset
//     counts. Deleting S deletes the chunks its metadata lists wherever
//     they live.
//   - Delete segment: delete its metadata objects first (the segment is
//     gone), then its chunks.
//   - Takeover by a new container owner (epoch e): it writes @meta.<e>
//     before its first change to a segment and then deletes older-epoch
//     metadata objects. A zombie owner can only write lower epochs, which
//     readers ignore.
//
// # Reading a segment without Sluice
//
// With only LTS at hand (the basis for direct batch access):
//
//  1. List SegmentPrefix(segment), i.e. "segments/<escaped segment>/@".
//  2. Take the metadata object with the highest epoch (its name sorts
//     last); parse the JSON.
//  3. The segment's bytes are [startOffset, length): for each chunk entry
//     in order, read the chunk object's bytes from max(startOffset -
//     offset, 0) to its length and concatenate.
//
// On the filesystem backend these are plain files, e.g.
//
//	jq -r '.chunks[].name' "$ROOT/segments/scope/stream/0.#epoch.0/@meta.00000000000000000003"
//
// then cat the listed files (minding startOffset); on S3 the same with
// `aws s3 cp`. Without a metadata object (a segment whose writer never got
// that far), the chunks of the highest epoch at each offset, in offset
// order, are the best guess.
package lts
