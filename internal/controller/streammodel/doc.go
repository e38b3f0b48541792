// Package streammodel is the controller's pure model of a stream's segments:
// key ranges, epochs, scaling, successors, stream cuts and truncation. It
// does no I/O and reads no clock; callers pass times in and store the result
// (see the encoding below). The controller's workflows load a Stream from
// the metadata store, ask it what to do (a ScalePlan, a TruncationPlan), send
// the segment-store commands, then apply the plan and write the Stream back.
//
// # Key ranges
//
// Routing keys hash to the double interval [0, 1) (package naming). Each
// segment owns a half-open KeyRange [Low, High). At any time the active
// segments partition [0, 1) exactly: sorted by Low, each range starts where
// the previous one ends (compared with float equality) and the last ends at
// exactly 1.0. A new stream with n segments gets [i/n, (i+1)/n) computed as
// Java does, except that the last range is forced to end at 1.0: Java's
// n·(1/n) is 0.9999999999999999 for some n (49, 98, 103, ...), a map both
// clients reject.
//
// # Segments and epochs
//
// A segment has a number, unique in the stream and never reused, and is
// created in an epoch; its id is naming.SegmentID(epoch, number). Numbers
// start at a chosen value (a re-created stream continues after the old one)
// and each scale hands out the next ones in request order.
//
// An epoch is the set of segments active together. Epoch 0 holds the
// stream's first segments; every scale creates the next epoch, made of the
// previous epoch's segments minus the sealed ones plus the new ones, so a
// segment that a scale does not touch lives on, with its id, in later epochs.
// Each segment records the epoch whose creation sealed it. Sealing the
// stream creates no epoch: the last epoch stays, but the stream has no
// current segments any more.
//
// # Scaling
//
// A scale names active segments to seal and new key ranges whose union,
// after merging adjacent ranges, must equal the union of the sealed ranges
// exactly. PlanScale checks the request and returns a *ScaleError whose
// Precondition flag picks the gRPC status (PRECONDITION_FAILED for a sealed
// segment that is not active or too few remaining segments, FAILURE for bad
// ranges or a sealed stream). The plan's new segments get ids
// (active epoch + 1, next numbers). ScalePlan.Matches recognises the same
// request arriving again while the scale runs; ApplyScale creates the epoch.
//
// # Successors and predecessors
//
// A segment sealed by the scale that created epoch E is succeeded by the
// segments of E that overlap it; each successor's predecessors are all the
// segments of epoch E-1 that overlap the successor (after a merge, more than
// the one asked about). Segments that are active, or that were sealed with
// the stream, have no successors. Following successors is not confined to
// the starting range: after a merge and a split, a segment of [0, .5) leads
// to one of [.5, 1).
//
// # Stream cuts
//
// A Cut maps segment ids to offsets. An offset >= 0 puts the segment "in"
// the cut; a negative offset marks a "future" segment that is next to read
// but not started. A cut is valid when its ids exist, every future segment
// is newer than (has a larger id than) each in-cut segment it overlaps, the
// in-cut segments do not overlap, and every key not covered by an in-cut
// segment is covered by a future one. An empty cut is unbounded: the head or
// the tail. Two segments whose ranges overlap never coexist in an epoch, so
// the one with the larger id is the later one; "before" and "after" a cut
// are defined with that order:
//
//   - a segment lies before a cut if it is not in it and every cut entry
//     overlapping it is newer;
//   - it lies after a cut if it is a future entry of it, or is not in it and
//     every cut entry overlapping it is older.
//
// SegmentsBetween returns the segments neither before from nor after to.
// Truncation at a cut deletes the segments before it (minus those the
// previous head already deleted), truncates the in-cut segments at their
// offsets and makes the cut the new head; a cut behind the head is refused.
// A cut is behind another if, for some pair of overlapping entries, it holds
// the older segment, or the same segment at a smaller offset.
//
// # Encoding
//
// Marshal writes a Stream as one JSON object (Unmarshal reads it back and
// checks all invariants with Validate). Version 1:
//
//	{
//	  "v": 1,                     format version
//	  "sealed": true,             omitted when false
//	  "next": 5,                  next segment number
//	  "segments": [               every segment, ascending by number
//	    {"id": 4294967297, "lo": 0, "hi": 0.5, "sealedIn": 2},
//	    ...                       sealedIn omitted while not sealed by a scale
//	  ],
//	  "epochs": [                 index = epoch number
//	    {"t": 1700000000000, "ids": [0, 1]},
//	    ...                       t = creation time as given; ids in key order
//	  ],
//	  "head": {"0": 120, "4294967298": -1}   truncation cut; omitted if never truncated
//	}
//
// Floats are written in Go's shortest round-trip form, so boundaries come
// back bit for bit. The output is deterministic (map keys sorted). A reader
// that meets another version returns ErrUnsupportedVersion; a new version
// must keep the "v" field.
package streammodel
