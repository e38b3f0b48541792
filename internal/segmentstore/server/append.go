package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/wire"
)

// writerState is one writer's session on a connection (guarded by conn.mu).
type writerState struct {
	segment   string
	ctr       *container.Container
	requestID int64 // the SetupAppend's, for clients that predate requestIds on appends
	// lastStored is the highest event number sent to the container;
	// lastAcked the highest acknowledged.
	lastStored int64
	lastAcked  int64
	inflight   int
	// failed is set once an append failed: the writer must set up again and
	// its appends until then are dropped.
	failed bool
}

func (c *conn) onSetupAppend(m *wire.SetupAppend) {
	if err := c.srv.cfg.Tokens.Verify(m.Token, m.Segment, AccessReadUpdate); err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	ctr := c.srv.containerFor(m.Segment)
	if ctr == nil {
		c.send(&wire.WrongHost{RequestID: m.RequestID, Segment: m.Segment})
		return
	}
	c.assembler.Forget(m.WriterID)
	segment, writer := m.Segment, m.WriterID
	requestID := m.RequestID
	ctr.WriterPosition(segment, container.AttributeID(writer), func(last int64, err error) {
		if err != nil {
			c.replyError(requestID, segment, -1, err)
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.writers == nil {
			return
		}
		c.writers[writer] = &writerState{segment: segment, ctr: ctr, requestID: requestID, lastStored: last, lastAcked: last}
		c.sendLocked(&wire.AppendSetup{RequestID: requestID, Segment: segment, WriterID: writer, LastEventNumber: last})
	})
}

func (c *conn) onAppendBlockEnd(m *wire.AppendBlockEnd, hadBlock bool) error {
	a, err := c.assembler.End(m)
	if err != nil {
		return err
	}
	data := a.Data
	if !hadBlock { // a.Data aliases the read buffer
		data = append([]byte(nil), data...)
	}
	return c.append(a.WriterID, a.EventNumber, a.EventCount, -1, data, a.RequestID)
}

func (c *conn) onConditionalAppend(m *wire.ConditionalAppend) error {
	data := wire.AppendEvent(make([]byte, 0, wire.EventHeaderSize+len(m.Data)), m.Data)
	return c.append(m.WriterID, m.EventNumber, 1, m.ExpectedOffset, data, m.RequestID)
}

func (c *conn) onConditionalBlockEnd(m *wire.ConditionalBlockEnd) error {
	data := append([]byte(nil), m.Data...)
	return c.append(m.WriterID, m.EventNumber, 1, m.ExpectedOffset, data, m.RequestID)
}

// append sends one append of a set-up writer to its container and answers it
// when it is durable.
func (c *conn) append(writer wire.UUID, eventNumber int64, events int32, expectedOffset int64, data []byte, requestID int64) error {
	c.mu.Lock()
	st := c.writers[writer]
	if st == nil {
		c.mu.Unlock()
		return fmt.Errorf("append of writer %v before SetupAppend", writer)
	}
	if st.failed {
		c.mu.Unlock()
		return nil
	}
	if requestID == wire.NoOffset {
		requestID = st.requestID
	}
	previous := st.lastStored
	if eventNumber > st.lastStored {
		st.lastStored = eventNumber
	}
	st.inflight++
	size := int64(len(data))
	c.inflight += size
	c.mu.Unlock()

	st.ctr.Append(container.AppendRequest{
		Segment:          st.segment,
		Writer:           container.AttributeID(writer),
		EventNumber:      eventNumber,
		ExpectedPrevious: previous,
		EventCount:       events,
		ExpectedOffset:   expectedOffset,
		Data:             data,
	}, func(res container.AppendResult, err error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.inflight -= size
		st.inflight--
		c.cond.Broadcast()
		c.appendDoneLocked(st, writer, eventNumber, requestID, res, err)
	})
	return nil
}

func (c *conn) appendDoneLocked(st *writerState, writer wire.UUID, eventNumber, requestID int64, res container.AppendResult, err error) {
	switch {
	case err == nil:
		if st.lastAcked < eventNumber {
			c.sendLocked(&wire.DataAppended{WriterID: writer, EventNumber: eventNumber, PreviousEventNumber: st.lastAcked,
				RequestID: requestID, CurrentSegmentWriteOffset: res.Length})
			st.lastAcked = eventNumber
		}
	case errors.Is(err, container.ErrConditionFailed):
		c.sendLocked(&wire.ConditionalCheckFailed{WriterID: writer, EventNumber: eventNumber, RequestID: requestID})
		if st.inflight == 0 {
			st.lastStored = st.lastAcked
		}
	case errors.Is(err, container.ErrWriterConflict):
		c.logger.Warn("closing connection: writer's event number was advanced by another connection",
			"segment", st.segment, "writer", writer, "eventNumber", eventNumber)
		c.sendLocked(&wire.InvalidEventNumber{WriterID: writer, RequestID: requestID, EventNumber: eventNumber})
		c.closeAfterFlushLocked()
	default:
		if st.failed {
			return
		}
		st.failed = true
		offset := int64(-1)
		if errors.Is(err, container.ErrSegmentSealed) {
			offset = eventNumber
		}
		if cmd, ok := errorReply(requestID, st.segment, offset, err); ok {
			c.sendLocked(cmd)
			return
		}
		c.logger.Error("append failed without a wire reply; closing connection", "segment", st.segment, "err", err)
		c.closeAfterFlushLocked()
	}
}

// closeAfterFlushLocked stops accepting requests; the writer closes the
// socket once the queued replies are sent.
func (c *conn) closeAfterFlushLocked() {
	c.closing = true
	c.cond.Broadcast()
}

func (c *conn) onCreateTransientSegment(m *wire.CreateTransientSegment) {
	ctr := c.srv.containerFor(m.ParentSegment)
	if ctr == nil {
		c.send(&wire.WrongHost{RequestID: m.RequestID, Segment: m.ParentSegment})
		return
	}
	var random [16]byte
	_, _ = rand.Read(random[:])
	name := m.ParentSegment + "#transient." + hex.EncodeToString(m.WriterID[:]) + "." + hex.EncodeToString(random[:])
	requestID := m.RequestID
	ctr.Create(name, container.KindTransient, nil, func(err error) {
		if err != nil {
			c.replyError(requestID, name, -1, err)
			return
		}
		c.mu.Lock()
		open := c.transients != nil
		if open {
			c.transients[name] = struct{}{}
			c.sendLocked(&wire.SegmentCreated{RequestID: requestID, Segment: name})
		}
		c.mu.Unlock()
		if !open { // the connection closed meanwhile
			ctr.Delete(name, func(error) {})
		}
	})
}
