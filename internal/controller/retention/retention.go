// Package retention decides where a stream with a retention policy is
// truncated: a pure function over stream cuts the controller records as the
// stream grows (workflow/retention.go records them and runs the truncation).
//
// # Rules
//
// A policy keeps at least Min of the stream: Min milliseconds of data
// (retention by time) or Min bytes (by size). Each pass the controller
// records the stream's tail cut as a point, with its time; for size
// policies it also measures, for every point, the bytes written after it.
// The stream is truncated at the newest point that is older than Min (by
// time) or has at least Min bytes after it (by size), and the points before
// it are dropped. So the stream keeps between Min and Min plus one spacing
// of points of data, never less than Min.
//
// Points are recorded only once the last one is at least Min/64 old (by
// time) or has Min/64 bytes after it (by size), so a stream keeps about 64
// points however long its retention.
//
// Not yet: Max (Pravega truncates at the slowest subscribing reader group's
// position, between Min and Max, when reader groups subscribe with
// consumption-based retention; Sluice truncates at Min and keeps Max only
// as configuration).
package retention

// Policy is a stream's retention policy.
type Policy struct {
	BySize bool  // false: by time (milliseconds)
	Min    int64 // keep at least this much
	Max    int64 // recorded, not applied yet
}

// Point is a recorded tail cut of the stream.
type Point struct {
	TimeMs int64           `json:"t"`
	Cut    map[int64]int64 `json:"cut"` // segment id → offset
	// After is the bytes written after the cut, measured each pass for
	// size policies (not stored).
	After int64 `json:"-"`
}

// Choose returns the index of the newest point at which the stream may be
// truncated keeping at least p.Min, or -1.
func Choose(p Policy, points []Point, nowMs int64) int {
	chosen := -1
	for i, pt := range points {
		if p.BySize && pt.After >= p.Min || !p.BySize && pt.TimeMs <= nowMs-p.Min {
			chosen = i
		}
	}
	return chosen
}

// ShouldRecord reports whether a new point is due, given the newest one
// (nil if none).
func ShouldRecord(p Policy, last *Point, nowMs int64) bool {
	if last == nil {
		return true
	}
	spacing := max(p.Min/64, 1)
	if p.BySize {
		return last.After >= spacing
	}
	return nowMs-last.TimeMs >= spacing
}
