// Package watermark owns the watermarks a stream's "_MARK<stream>" stream
// holds: their byte format (Marshal, Unmarshal) and the pure rule that turns
// the writers' marks into the next watermark (Next). The controller's
// workflow engine runs the loop that reads the marks and the mark stream and
// appends what Next returns. The facts below are Pravega 0.13's, restated
// from its controller (PeriodicWatermarking), its shared Watermark and
// SegmentWithRange classes and the Java client's RevisionedStreamClient and
// WatermarkReaderImpl.
//
// # What a watermark says
//
// Writers call noteTimestampFromWriter(writer, position, time): position is
// the writer's last observed write offset in each segment it writes to
// (segment id → offset, -1 for a segment it has not written yet). A
// watermark W is {lowerTimeBound, upperTimeBound, streamCut}: every writer
// that counts had noted a time in [lower, upper], at a position at or below
// streamCut. A reader past W's cut knows that the events still to come were
// noted at lower or later; the Java reader's getCurrentTimeWindow reports
// (lower of the last watermark it has passed, upper of the furthest
// watermark it has not passed yet).
//
// # Record format
//
// The mark stream has one segment. Each watermark is one event record
// appended with ConditionalAppend at the offset where the writer expects the
// segment to end, exactly as a Java RevisionedStreamClient.writeConditionally
// does; a revision is the offset just after a record:
//
//	i32 0 (event type) | i32 n | n bytes: the serialized Watermark
//
// The serialized Watermark is Pravega's VersionedSerializer.WithBuilder
// format, version 0 with the single revision 0. Integers are big-endian,
// doubles are their IEEE-754 bits as an i64:
//
//	offset size  field
//	0      1     serializer format version, always 0
//	1      1     object version: 0
//	2      1     revision count: 1
//	3      1     revision id: 0
//	4      4     i32 length of revision 0's content (L)
//	8      8     lowerTimeBound
//	16     8     upperTimeBound
//	24     1-4   compact int: number of stream-cut entries (N)
//	..           N entries, each:
//	             SegmentWithRange, serialized the same way (nested):
//	               1 format 0 | 1 version 0 | 1 revision count 1 |
//	               1 revision 0 | i32 length 24 |
//	               i64 segmentId | f64 rangeLow | f64 rangeHigh
//	             i64 offset
//
// So a cut of N entries serializes as 8+17+40·N bytes when N < 128 and L is
// everything after the length field. The compact int is 1 byte (0xxxxxxx,
// values < 2^7), 2 bytes (10xxxxxx xxxxxxxx, < 2^14) or 4 bytes (11xxxxxx
// ..., < 2^30). Java writes the entries in the iteration order of a hash map,
// so order carries no meaning; Marshal sorts them by segment id. A reader
// skips revisions it does not know and bytes at the end of a revision's
// content it did not read (forward compatibility); Unmarshal does the same.
// The Java builders reject upperTimeBound < lowerTimeBound, segmentId < 0,
// rangeLow < 0, rangeHigh > 1, rangeLow >= rangeHigh and duplicate segments;
// so does Unmarshal. Watermark.EMPTY (both bounds Long.MIN_VALUE, no
// entries) is what the Java controller assumes before the first watermark;
// it is never written.
//
// # The mark
//
// The writer of the mark stream keeps a "mark" in the segment attribute
// naming.RevisionStreamClientMark(): the offset at which the newest
// watermark record starts (initially the segment's start offset). After
// appending a watermark at offset o it compare-and-sets the mark to o. To
// resume (a restarted controller), it reads the records from the mark to the
// segment's end and takes the last one as the previous watermark, so it
// never writes a watermark that goes backwards. Readers do not use the mark:
// they read every record from the segment's start offset.
//
// # Computing the next watermark (Next)
//
// Every period (Pravega: controller.watermarking.frequency.seconds, default
// 10) and for every stream with writer marks, outside the "_system" scope:
//
//  1. A writer participates if there is no previous watermark or its time is
//     above the previous lowerTimeBound. A writer that does not participate
//     is still active while it is alive (removeWriter marks it shut down)
//     and has noted a time within the stream's timestampAggregationTimeout
//     (ms; 0 by default, so such a writer is dropped at once). Inactive
//     writers' marks are removed (only if unchanged since they were read).
//  2. No active writer: no watermark; the stream is not looked at again
//     until a writer notes a time. Some active writer not participating: no
//     watermark this period (wait for it to report or time out).
//  3. lowerTimeBound = min of the active writers' times, upperTimeBound =
//     max; no watermark unless lower is above the previous lower.
//  4. The upper bound of the positions: every segment named in an active
//     writer's position, with its largest offset, except the segments that
//     a newer one among them succeeds (overlapping key range, higher id).
//  5. The key ranges that upper bound leaves uncovered are noted; the
//     previous watermark's cut is merged in the same way; then the segments
//     of the highest creation epoch among the cut's segments that overlap a
//     noted range are merged in with offset 0, and the gaps are looked for
//     again (folding in the previous cut can open some), until there are
//     none. The result is a complete stream cut that is at or above every
//     active writer's position and the previous cut, segment by segment or
//     through a successor.
//
// Deviations, deliberate:
//
//   - Pravega merges positions into the upper bound one at a time, so in
//     rare orders it drops a segment for a successor that a later, newer
//     segment drops in turn, and loses that segment's offset (the cut is then
//     not an upper bound); Next computes the order-free result.
//   - The timeout of a writer that does not participate runs from its last
//     noteTimestampFromWriter, as the Java StreamConfiguration documents;
//     the Java controller starts it when it first finds the writer behind.
//   - Position entries naming a segment the stream never had are ignored;
//     the Java controller fails the period.
//   - An empty upper bound with no previous watermark gives no watermark;
//     the Java controller throws.
//
// # Transactions
//
// A committed transaction whose commit named a writer and a time
// (commitTransaction's writerId and timestamp; Java sends Long.MIN_VALUE for
// no time, which Sluice ignores) notes that writer's mark with the parent
// segments' lengths after the merge as its position.
package watermark
