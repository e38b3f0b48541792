package container

// SegmentLoad is a segment's append counters since the container opened,
// with its scaling policy (the ScalePolicy attributes set by CreateSegment
// and UpdateSegmentPolicy).
type SegmentLoad struct {
	Name       string
	PolicyType int64 // 0 fixed, 1 KiB/s, 2 events/s (wire ScaleType)
	PolicyRate int64
	Events     uint64
	Bytes      uint64
}

// Loads returns the counters of the open stream segments whose scaling
// policy is by rate. The counters only grow while the segment lives; a
// caller computes rates from the differences between two calls.
func (c *Container) Loads() []SegmentLoad {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []SegmentLoad
	for _, s := range c.mu.durable {
		if s.kind != KindStream || s.durable.sealed {
			continue
		}
		pt := s.durable.attr(AttrScalePolicyType)
		if pt != 1 && pt != 2 {
			continue
		}
		out = append(out, SegmentLoad{Name: s.name, PolicyType: pt, PolicyRate: s.durable.attr(AttrScalePolicyRate),
			Events: s.load.events, Bytes: s.load.bytes})
	}
	return out
}
