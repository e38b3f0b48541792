package server

import (
	"errors"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/wire"
)

// sameContainer finds the container of a merge; target and sources must live
// in one container (transaction and transient segments hash with their
// parent). When it returns nil it has already answered.
func (c *conn) mergeContainer(requestID int64, target, token string, sources []string) *container.Container {
	ctr := c.route(requestID, target, token, AccessReadUpdate)
	if ctr == nil {
		return nil
	}
	for _, s := range sources {
		if c.srv.containerFor(s) != ctr {
			c.send(&wire.ErrorMessage{RequestID: requestID, Segment: s, ErrorCode: wire.ErrorCodeIllegalArgument,
				Message: "merge source " + s + " does not belong to the container of " + target})
			return nil
		}
	}
	return ctr
}

func (c *conn) onMergeSegments(m *wire.MergeSegments) {
	ctr := c.mergeContainer(m.RequestID, m.Target, m.Token, []string{m.Source})
	if ctr == nil {
		return
	}
	updates := make([]container.AttributeUpdate, 0, len(m.AttributeUpdates))
	for _, u := range m.AttributeUpdates {
		updates = append(updates, container.AttributeUpdate{ID: container.AttributeID(u.AttributeID),
			Type: container.UpdateType(u.UpdateType), Value: u.NewValue, Expected: u.OldValue})
	}
	requestID, target, source := m.RequestID, m.Target, m.Source
	ctr.Merge(target, source, updates, func(length int64, err error) {
		if err != nil {
			name := target
			if errors.Is(err, container.ErrNoSuchSegment) {
				if _, terr := ctr.Info(target); terr == nil {
					name = source
				}
			}
			c.replyError(requestID, name, -1, err)
			return
		}
		c.send(&wire.SegmentsMerged{RequestID: requestID, Target: target, Source: source, NewTargetWriteOffset: length})
	})
}

// onMergeSegmentsBatch merges the sources into the target in order; a missing
// source counts as merged already (a retried commit).
func (c *conn) onMergeSegmentsBatch(m *wire.MergeSegmentsBatch) {
	ctr := c.mergeContainer(m.RequestID, m.Target, m.Token, m.Sources)
	if ctr == nil {
		return
	}
	requestID, target, sources := m.RequestID, m.Target, m.Sources
	offsets := make([]int64, len(sources))
	var next func(i int)
	next = func(i int) {
		if i == len(sources) {
			c.send(&wire.SegmentsBatchMerged{RequestID: requestID, Target: target, Sources: sources, NewTargetWriteOffsets: offsets})
			return
		}
		ctr.Merge(target, sources[i], nil, func(length int64, err error) {
			if errors.Is(err, container.ErrNoSuchSegment) {
				if info, terr := ctr.Info(target); terr == nil {
					length, err = info.Length, nil
				}
			}
			if err != nil {
				c.replyError(requestID, target, -1, err)
				return
			}
			offsets[i] = length
			next(i + 1)
		})
	}
	next(0)
}
