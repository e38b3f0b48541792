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
		c.onSetupAppend(m)
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
		c.onSealSegment(m)
	case *wire.DeleteSegment:
		c.onDeleteSegment(m)
	case *wire.TruncateSegment:
		c.onTruncateSegment(m)
	case *wire.UpdateSegmentPolicy:
		c.onUpdateSegmentPolicy(m)
	case *wire.GetSegmentAttribute:
		c.onGetSegmentAttribute(m)
	case *wire.UpdateSegmentAttribute:
		c.onUpdateSegmentAttribute(m)
	case *wire.LocateOffset:
		c.onLocateOffset(m)
	case *wire.MergeSegments:
		c.onMergeSegments(m)
	case *wire.MergeSegmentsBatch:
		c.onMergeSegmentsBatch(m)
	case *wire.FlushToStorage:
		c.onFlushToStorage(m)
	case *wire.ListStorageChunks:
		c.onListStorageChunks(m)
	default:
		if id, ok := wire.RequestIDOf(cmd); ok && isRequest(cmd.Type()) {
			c.send(&wire.OperationUnsupported{RequestID: id, OperationName: cmd.Type().String()})
			return nil
		}
		return fmt.Errorf("%v is not a request", cmd.Type())
	}
	return nil
}

// isRequest reports whether t is a client request this server does not
// implement yet (table segments), as opposed to a reply or an embedded frame.
func isRequest(t wire.Type) bool {
	switch t {
	case wire.TypeGetTableSegmentInfo, wire.TypeCreateTableSegment, wire.TypeDeleteTableSegment,
		wire.TypeUpdateTableEntries, wire.TypeRemoveTableKeys, wire.TypeReadTable, wire.TypeReadTableKeys,
		wire.TypeReadTableEntries, wire.TypeReadTableEntriesDelta:
		return true
	}
	return false
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
