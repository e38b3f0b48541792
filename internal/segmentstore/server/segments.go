package server

import (
	"context"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/wire"
)

// route checks the token and finds the owning container; when it returns
// nil it has already answered the request.
func (c *conn) route(requestID int64, segment, token string, need Access) *container.Container {
	if err := c.srv.cfg.Tokens.Verify(token, segment, need); err != nil {
		c.replyError(requestID, segment, -1, err)
		return nil
	}
	ctr := c.srv.containerFor(segment)
	if ctr == nil {
		c.send(&wire.WrongHost{RequestID: requestID, Segment: segment})
	}
	return ctr
}

// reply returns a completion callback that sends ok on success and the
// translated error otherwise.
func (c *conn) reply(requestID int64, segment string, ok wire.Command) func(error) {
	return func(err error) {
		if err != nil {
			c.replyError(requestID, segment, -1, err)
			return
		}
		c.send(ok)
	}
}

func (c *conn) onGetStreamSegmentInfo(m *wire.GetStreamSegmentInfo) {
	ctr := c.route(m.RequestID, m.SegmentName, m.Token, AccessRead)
	if ctr == nil {
		return
	}
	info, err := ctr.Info(m.SegmentName)
	if err != nil {
		c.replyError(m.RequestID, m.SegmentName, -1, err)
		return
	}
	c.send(&wire.StreamSegmentInfo{RequestID: m.RequestID, SegmentName: m.SegmentName, Exists: true,
		IsSealed: info.Sealed, LastModified: info.LastModified, WriteOffset: info.Length, StartOffset: info.StartOffset})
}

// policyAttributes are the attributes that record a segment's scaling policy.
func policyAttributes(scaleType wire.ScaleType, rate int32) []container.AttributeUpdate {
	return []container.AttributeUpdate{
		{ID: container.AttrScalePolicyType, Type: container.UpdateReplace, Value: int64(scaleType)},
		{ID: container.AttrScalePolicyRate, Type: container.UpdateReplace, Value: int64(rate)},
	}
}

func (c *conn) onCreateSegment(m *wire.CreateSegment) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ctr == nil {
		return
	}
	attrs := policyAttributes(m.ScaleType, m.TargetRate)
	attrs = append(attrs, container.AttributeUpdate{ID: container.AttrRolloverSize, Type: container.UpdateReplace,
		Value: max(m.RolloverSizeBytes, 0)})
	ctr.Create(m.Segment, container.KindStream, attrs,
		c.reply(m.RequestID, m.Segment, &wire.SegmentCreated{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onSealSegment(m *wire.SealSegment) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ctr == nil {
		return
	}
	ok := &wire.SegmentSealed{RequestID: m.RequestID, Segment: m.Segment}
	ctr.Seal(m.Segment, func(_ int64, err error) { c.reply(m.RequestID, m.Segment, ok)(err) })
}

func (c *conn) onDeleteSegment(m *wire.DeleteSegment) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ctr == nil {
		return
	}
	ctr.Delete(m.Segment, c.reply(m.RequestID, m.Segment, &wire.SegmentDeleted{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onTruncateSegment(m *wire.TruncateSegment) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ctr == nil {
		return
	}
	ctr.Truncate(m.Segment, m.TruncationOffset,
		c.reply(m.RequestID, m.Segment, &wire.SegmentTruncated{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onUpdateSegmentPolicy(m *wire.UpdateSegmentPolicy) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ctr == nil {
		return
	}
	ctr.UpdateAttributes(m.Segment, policyAttributes(m.ScaleType, m.TargetRate),
		c.reply(m.RequestID, m.Segment, &wire.SegmentPolicyUpdated{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onGetSegmentAttribute(m *wire.GetSegmentAttribute) {
	ctr := c.route(m.RequestID, m.SegmentName, m.Token, AccessRead)
	if ctr == nil {
		return
	}
	v, err := ctr.Attribute(m.SegmentName, container.AttributeID(m.AttributeID))
	if err != nil {
		c.replyError(m.RequestID, m.SegmentName, -1, err)
		return
	}
	c.send(&wire.SegmentAttribute{RequestID: m.RequestID, Value: v})
}

func (c *conn) onUpdateSegmentAttribute(m *wire.UpdateSegmentAttribute) {
	ctr := c.route(m.RequestID, m.SegmentName, m.Token, AccessReadUpdate)
	if ctr == nil {
		return
	}
	update := container.AttributeUpdate{ID: container.AttributeID(m.AttributeID), Type: container.UpdateReplaceIfEquals,
		Value: m.NewValue, Expected: m.ExpectedValue}
	ctr.UpdateAttributes(m.SegmentName, []container.AttributeUpdate{update},
		c.reply(m.RequestID, m.SegmentName, &wire.SegmentAttributeUpdated{RequestID: m.RequestID, Success: true}))
}

// onLocateOffset answers with the segment's length: Sluice keeps no event
// index segments yet, which is what the protocol prescribes in that case.
func (c *conn) onLocateOffset(m *wire.LocateOffset) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessRead)
	if ctr == nil {
		return
	}
	info, err := ctr.Info(m.Segment)
	if err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	c.send(&wire.OffsetLocated{RequestID: m.RequestID, Segment: m.Segment, Offset: info.Length})
}

func (c *conn) onListStorageChunks(m *wire.ListStorageChunks) {
	ctr := c.route(m.RequestID, m.Segment, m.Token, AccessRead)
	if ctr == nil {
		return
	}
	if _, err := ctr.Info(m.Segment); err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	c.send(&wire.StorageChunksListed{RequestID: m.RequestID})
}

// onFlushToStorage moves everything a container holds to long-term storage
// and answers once it is there.
func (c *conn) onFlushToStorage(m *wire.FlushToStorage) {
	id := int(m.ContainerID)
	if id < 0 || id >= len(c.srv.cfg.Containers) {
		c.send(&wire.ErrorMessage{RequestID: m.RequestID, ErrorCode: wire.ErrorCodeIllegalArgument,
			Message: fmt.Sprintf("container %d does not exist", id)})
		return
	}
	ctr := c.srv.cfg.Containers[id]
	if ctr == nil {
		c.send(&wire.WrongHost{RequestID: m.RequestID})
		return
	}
	requestID := m.RequestID
	go func() {
		if err := ctr.Flush(context.Background()); err != nil {
			c.send(&wire.ErrorMessage{RequestID: requestID, ErrorCode: wire.ErrorCodeUnspecified,
				Message: "flush to long-term storage: " + err.Error()})
			return
		}
		c.send(&wire.StorageFlushed{RequestID: requestID})
	}()
}
