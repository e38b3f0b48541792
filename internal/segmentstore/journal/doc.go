// Package journal is Sluice's tier-1 durable storage: one append-only
// journal per node that multiplexes the logical logs of all segment
// containers on the node, so that one fsync commits the operations of many
// containers (group commit).
//
// # Model
//
// Each container has a Log with its own sequence numbers (1, 2, 3, ...)
// and its own truncation point. Log.Append copies the payload into the
// journal's in-memory batch and returns the record's sequence number at
// once. A single writer goroutine repeatedly takes the whole batch, writes
// it with one write call and starts an fsync for it; while that fsync runs,
// the next batch accumulates and is written and synced in turn, up to
// Options.ConcurrentSyncs fsyncs at once (Linux merges concurrent flushes
// of a disk: on the machine measured, 2 and 4 concurrent write+fdatasync
// loops did 3 and 4.8 times the syncs per second of one). Each fsync runs on
// its own descriptor of the file, since the kernel reports a writeback
// error once per descriptor. When an fsync returns, every batch written
// before it began is durable: the writer then calls each container's
// Listener, in batch order, with that container's highest sequence number
// now durable. Appends block when more than Options.MaxBufferedBytes are
// appended but not yet durable. Before moving to a new file the writer
// waits for every running fsync.
//
// Log.Truncate appends a truncate record. Once it is durable, a file is
// obsolete when it is not the last file and every container with data
// records in it has a durable truncation point at or beyond its highest
// sequence number there; a background goroutine deletes obsolete files (an
// unlink of a large file took tens of milliseconds, which commits must not
// wait for). Files need not be deleted oldest first.
//
// A write, sync or file-creation error fails the journal for good: every
// Listener is called once with an error wrapping ErrFailed, and every later
// Append and Truncate returns it. The journal never retries a failed fsync
// (the kernel may have dropped the dirty pages); reopening it re-reads what
// is really on disk.
//
// # Files
//
// The journal directory holds files named by a 16-digit lower-case hex
// file number and the suffix ".journal", for example
// "000000000000002a.journal". Numbers increase by one with every new file.
// Other names are ignored. All integers are little-endian. A file is a
// header followed by records, with no padding.
//
// # File header
//
//	offset  size  field
//	0       8     magic "SLUICEJL"
//	8       2     format version, 1
//	10      2     reserved, 0
//	12      4     n, number of container entries
//	16      8     file number (must match the name)
//	24      20*n  container entries, sorted by container id, each:
//	                +0  4  container id
//	                +4  8  last seq: highest seq of the container in earlier files
//	                +12 8  truncation point of the container in earlier files
//	24+20n  4     CRC-32C (Castagnoli) of bytes 0 .. 24+20n
//
// The entries carry every container's state across file deletion: when all
// the files holding a container's records are gone, its sequence numbers
// still continue after the last one ever assigned. The header of a new file
// is written with the file's first commit and made durable by that commit's
// fsync, followed by an fsync of the directory.
//
// # Record
//
//	offset  size  field
//	0       4     checksum: CRC-32C (Castagnoli) of the payload followed by bytes 4..23
//	4       4     payload length n (at most MaxPayloadSize)
//	8       1     kind: 1 data, 2 truncate
//	9       3     reserved, 0
//	12      4     container id
//	16      8     data: the record's seq; truncate: the new truncation point
//	24      n     payload (truncate records have none)
//
// The checksum covers the payload first so that appenders compute it
// before taking the journal's lock; only the 20 header bytes are summed
// under it. Sequence numbers and truncation points are never 0.
//
// # Recovery
//
// Open lists the directory and reads the files in number order, keeping for
// every container its last seq, its truncation point, and the highest seq
// that may have been in deleted files:
//
//   - A header raises the container's last seq to the entry's (the records
//     in between were in deleted files) and its truncation point to the
//     entry's. An entry below what earlier files hold, or a container known
//     from earlier files but absent from the header, is corruption.
//   - A data record must carry exactly the container's last seq + 1.
//   - A truncate record must not exceed the container's last seq.
//   - At the end, every seq that was only in deleted files must be at or
//     below the container's truncation point.
//
// Bytes that do not decode (short, bad length, kind or checksum) are a torn
// write only at the tail of the last file: Open truncates the file there
// and fsyncs it, because those records may have been written but never
// synced and sequence numbers continue after them. The same bytes in any
// other file are ErrCorrupt, and so is a checksum-valid record or header
// that breaks a rule above, wherever it is. A last file whose header does
// not decode was created by a roll that never became durable, so Open
// removes it (unless it is the only file and not file 1: then earlier files
// were deleted after its header became durable, and it is ErrCorrupt). An
// I/O error while reading is returned as is, never taken for a torn tail.
//
// Guarantees after a crash at any instant: every record reported durable
// is recovered; a record never reported durable may or may not be, but is
// never corrupt; a container's recovered records above its truncation
// point are contiguous up to its LastSeq; a truncation is recovered once a
// later commit holding it was reported.
//
// Log.Replay re-reads, for one container, only the files that held its
// records above its truncation point at Open, up to the length they had
// then; such files cannot be deleted before the container truncates.
package journal
