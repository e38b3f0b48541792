package server

import (
	"github.com/sluicestream/sluice/internal/segmentstore/readindex"
	"github.com/sluicestream/sluice/internal/wire"
)

// maxReadSize caps one SegmentRead's data, as the Java server does.
const maxReadSize = 2 << 20

// minReadSize is the smallest read the server performs.
const minReadSize = 8

func (c *conn) onReadSegment(m *wire.ReadSegment) {
	if err := c.srv.cfg.Tokens.Verify(m.Token, m.Segment, AccessRead); err != nil {
		c.replyError(m.RequestID, m.Segment, m.Offset, err)
		return
	}
	ctr := c.srv.containerFor(m.Segment)
	if ctr == nil {
		c.send(&wire.WrongHost{RequestID: m.RequestID, Segment: m.Segment})
		return
	}
	size := min(max(int(m.SuggestedLength), minReadSize), maxReadSize)
	id, ok := c.reserveRead()
	if !ok {
		return
	}
	segment, offset, requestID := m.Segment, m.Offset, m.RequestID
	cancel := ctr.Read(segment, offset, size, func(r readindex.Result, err error) {
		c.readDone(id)
		if err != nil {
			c.replyError(requestID, segment, offset, err)
			return
		}
		c.send(readReply(requestID, segment, offset, r))
	})
	c.setReadCancel(id, cancel)
}

// readReply translates a read result into its wire reply.
func readReply(requestID int64, segment string, offset int64, r readindex.Result) wire.Command {
	switch {
	case r.Truncated:
		return &wire.SegmentIsTruncated{RequestID: requestID, Segment: segment, StartOffset: r.StartOffset, Offset: offset}
	case r.Sealed:
		return &wire.SegmentIsSealed{RequestID: requestID, Segment: segment, Offset: offset}
	case r.Deleted:
		return &wire.NoSuchSegment{RequestID: requestID, Segment: segment, Offset: offset}
	}
	return &wire.SegmentRead{Segment: segment, Offset: offset, AtTail: r.AtTail, EndOfSegment: r.EndOfSegment,
		Data: r.Data, RequestID: requestID}
}
