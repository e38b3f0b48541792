// Package autoscale decides when a stream's segments split and merge with
// their load: a pure decision function (Decide) and the stream-by-stream
// state it carries between calls. It does no I/O and reads no clock; the
// controller's scaler (scaler.go) feeds it the segment store's load reports
// and runs the scale workflow for what it decides.
//
// # Inputs
//
// A stream's policy (Pravega's ScalingPolicy): by event rate (events/s) or
// by data rate (KiB/s), a target rate per segment, a scale factor (the most
// parts one split makes) and a minimum number of segments. Fixed-size
// streams are never scaled. For each active segment, the segment store
// reports two smoothed rates in the policy's unit: Rate, over a short window
// (default 10 s, reacts to load steps), and SlowRate, over a long one
// (default 60 s, steady figure for merges). Both are exponentially weighted
// averages corrected for their start (divided by 1 - e^(-age/window)), so a
// segment fresh from a split reports the average of what it has seen so
// far instead of a rate ramping up from zero; without that correction its
// neighbours would look cold and be merged back.
//
// # Rules
//
//   - Split: a segment whose Rate has stayed above the target for HotFor
//     (default 5 s) is split into ceil(Rate/target) parts, at least 2 and at
//     most max(scaleFactor, 2), of equal key width. The hottest segment (by
//     Rate/target) goes first; one scale per stream at a time.
//   - Merge: two adjacent segments whose combined SlowRate has stayed below
//     MergeRatio × target (default 0.75) for ColdFor (default 60 s) merge
//     into one, while the stream has more than its minimum of segments. The
//     coldest pair goes first.
//   - Cooldown: no decision for Cooldown (default 10 s) after a stream's
//     last scale, and no merge for MergeCooldown (default 60 s) after it,
//     so fresh segments are measured before they are judged.
//
// Why it does not oscillate: a split leaves each part with about
// Rate/parts > target/2 (parts = ceil(Rate/target)), so two neighbours
// carry more than the target together, above the merge threshold of
// 0.75 × target; a merge leaves one segment with less than 0.75 × target,
// below the split threshold. A load hovering at the target therefore
// settles after at most one split, and HotFor/ColdFor ignore short spikes
// and dips.
//
// With the defaults, a 10× step on one segment is split after about
// HotFor plus the time the short window needs to cross the target (about 1
// s for a 10× step): under 10 s, well within the 30 s goal; each further
// round (when the scale factor caps the parts) takes Cooldown plus the same.
package autoscale
