package server

import (
	"fmt"

	"github.com/sluicestream/sluice/internal/wire"
)

// dispatch handles one request. A returned error closes the connection.
func (c *conn) dispatch(cmd wire.Command) error {
	if c.assembler.Pending() {
		if end, ok := cmd.(*wire.AppendBlockEnd); ok {
			return c.onAppendBlockEnd(end, true)
		}
		return fmt.Errorf("%v arrived while an AppendBlock waits for its AppendBlockEnd", cmd.Type())
	}
	switch m := cmd.(type) {
	case *wire.Hello:
		return c.onHello(m)
	case *wire.KeepAlive:
		c.send(&wire.KeepAlive{})
	case *wire.Padding:
		// A no-op at top level.
	case *wire.SetupAppend:
		if !c.refuseOnTable(m.RequestID, "SetupAppend", m.Segment) {
			c.onSetupAppend(m)
		}
	case *wire.AppendBlock:
		return c.assembler.Block(m)
	case *wire.AppendBlockEnd:
		return c.onAppendBlockEnd(m, false)
	case *wire.ConditionalAppend:
		return c.onConditionalAppend(m)
	case *wire.ConditionalBlockEnd:
		return c.onConditionalBlockEnd(m)
	case *wire.CreateTransientSegment:
		c.onCreateTransientSegment(m)
	case *wire.ReadSegment:
		c.onReadSegment(m)
	case *wire.GetStreamSegmentInfo:
		c.onGetStreamSegmentInfo(m)
	case *wire.CreateSegment:
		c.onCreateSegment(m)
	case *wire.SealSegment:
		if !c.refuseOnTable(m.RequestID, "SealSegment", m.Segment) {
			c.onSealSegment(m)
		}
	case *wire.DeleteSegment:
		if c.isTable(m.Segment) {
			c.onDeleteTableSegment(&wire.DeleteTableSegment{RequestID: m.RequestID, Segment: m.Segment, Token: m.Token})
		} else {
			c.onDeleteSegment(m)
		}
	case *wire.TruncateSegment:
		if !c.refuseOnTable(m.RequestID, "TruncateSegment", m.Segment) {
			c.onTruncateSegment(m)
		}
	case *wire.UpdateSegmentPolicy:
		c.onUpdateSegmentPolicy(m)
	case *wire.GetSegmentAttribute:
		c.onGetSegmentAttribute(m)
	case *wire.UpdateSegmentAttribute:
		if !c.refuseOnTable(m.RequestID, "UpdateSegmentAttribute", m.SegmentName) {
			c.onUpdateSegmentAttribute(m)
		}
	case *wire.LocateOffset:
		c.onLocateOffset(m)
	case *wire.MergeSegments:
		if !c.refuseOnTable(m.RequestID, "MergeSegments", m.Target, m.Source) {
			c.onMergeSegments(m)
		}
	case *wire.MergeSegmentsBatch:
		if !c.refuseOnTable(m.RequestID, "MergeSegmentsBatch", append([]string{m.Target}, m.Sources...)...) {
			c.onMergeSegmentsBatch(m)
		}
	case *wire.CreateTableSegment:
		c.onCreateTableSegment(m)
	case *wire.DeleteTableSegment:
		c.onDeleteTableSegment(m)
	case *wire.GetTableSegmentInfo:
		c.onGetTableSegmentInfo(m)
	case *wire.UpdateTableEntries:
		c.onUpdateTableEntries(m)
	case *wire.RemoveTableKeys:
		c.onRemoveTableKeys(m)
	case *wire.ReadTable:
		c.onReadTable(m)
	case *wire.ReadTableKeys:
		c.onReadTableKeys(m)
	case *wire.ReadTableEntries:
		c.onReadTableEntries(m)
	case *wire.ReadTableEntriesDelta:
		c.onReadTableEntriesDelta(m)
	case *wire.FlushToStorage:
		c.onFlushToStorage(m)
	case *wire.ListStorageChunks:
		c.onListStorageChunks(m)
	default:
		return fmt.Errorf("%v is not a request", cmd.Type())
	}
	return nil
}

// onHello answers with our version range, then closes the connection if the
// peer's range does not overlap ours.
func (c *conn) onHello(m *wire.Hello) error {
	c.send(&wire.Hello{HighVersion: wire.Version, LowVersion: wire.OldestCompatibleVersion})
	if _, err := wire.Negotiate(*m); err != nil {
		c.logger.Warn("closing connection: incompatible wire version", "peerHigh", m.HighVersion, "peerLow", m.LowVersion)
		return errCloseConnection
	}
	return nil
}
