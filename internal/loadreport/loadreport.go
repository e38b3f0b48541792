// Package loadreport carries segment load measurements from segment stores
// to the controller's auto-scaler. It holds only the report type and the
// sink interface, so neither side imports the other.
package loadreport

import (
	"context"
	"sync/atomic"
)

// Segment is the measured load of one segment with a by-rate scaling
// policy. Rates are exponentially weighted moving averages corrected for
// their start (a new segment reports the average of what it has seen so
// far): Fast over a short window (default 10 s), Slow over a long one
// (default 60 s).
type Segment struct {
	Name                   string  // qualified segment name
	EventsFast, EventsSlow float64 // events per second
	KiBFast, KiBSlow       float64 // KiB per second
}

// Sink receives load reports. Report is called periodically with every
// measured segment of one segment store and must not block for long.
type Sink interface {
	Report(ctx context.Context, segments []Segment)
}

// Forwarder is a Sink that passes reports to a Sink set later (the
// controller starts after the segment store in a standalone node);
// reports before that are dropped.
type Forwarder struct {
	to atomic.Pointer[Sink]
}

// Set directs reports to s (nil: drop them).
func (f *Forwarder) Set(s Sink) {
	if s == nil {
		f.to.Store(nil)
		return
	}
	f.to.Store(&s)
}

// Report implements Sink.
func (f *Forwarder) Report(ctx context.Context, segments []Segment) {
	if s := f.to.Load(); s != nil {
		(*s).Report(ctx, segments)
	}
}
