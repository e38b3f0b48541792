package server

// Table segment requests (wire versions 7+; delta reads 10+, iterator
// arguments and fixed key lengths 12+): CreateTableSegment,
// DeleteTableSegment, GetTableSegmentInfo, UpdateTableEntries,
// RemoveTableKeys, ReadTable, ReadTableKeys, ReadTableEntries and
// ReadTableEntriesDelta. The tables package does the work; writes are
// answered from container callbacks once durable, reads on the connection's
// read goroutine (the first request on a table after a restart waits while
// its index is rebuilt).
//
// Table segments are written only through the tables layer: stream-segment
// requests that would change a table segment's bytes or attributes are
// refused with OperationUnsupported, and DeleteSegment on a table segment
// goes through the tables layer.

import (
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/tables"
	"github.com/sluicestream/sluice/internal/wire"
)

func newTables(ctrs []*container.Container, opts tables.Options) []*tables.Tables {
	out := make([]*tables.Tables, len(ctrs))
	for i, ctr := range ctrs {
		if ctr != nil {
			out[i] = tables.New(ctr, opts)
		}
	}
	return out
}

// routeTable checks the token and finds the table layer owning segment;
// when it returns nil it has already answered the request.
func (c *conn) routeTable(requestID int64, segment, token string, need Access) *tables.Tables {
	if c.route(requestID, segment, token, need) == nil {
		return nil
	}
	return c.srv.tables[naming.ContainerOf(segment, len(c.srv.tables))]
}

// isTable reports whether segment is a table segment of an owned container.
func (c *conn) isTable(segment string) bool {
	ctr := c.srv.containerFor(segment)
	if ctr == nil {
		return false
	}
	info, err := ctr.Info(segment)
	return err == nil && info.Kind == container.KindTable
}

// refuseOnTable answers a stream-segment request that must not touch a table
// segment; it reports whether it did.
func (c *conn) refuseOnTable(requestID int64, op string, segments ...string) bool {
	for _, s := range segments {
		if c.isTable(s) {
			c.send(&wire.OperationUnsupported{RequestID: requestID, OperationName: op + " on table segment " + s})
			return true
		}
	}
	return false
}

func (c *conn) onCreateTableSegment(m *wire.CreateTableSegment) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ts == nil {
		return
	}
	ts.Create(m.Segment, m.KeyLength, m.RolloverSizeBytes,
		c.reply(m.RequestID, m.Segment, &wire.SegmentCreated{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onDeleteTableSegment(m *wire.DeleteTableSegment) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ts == nil {
		return
	}
	ts.Delete(m.Segment, m.MustBeEmpty,
		c.reply(m.RequestID, m.Segment, &wire.SegmentDeleted{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onGetTableSegmentInfo(m *wire.GetTableSegmentInfo) {
	ts := c.routeTable(m.RequestID, m.SegmentName, m.Token, AccessRead)
	if ts == nil {
		return
	}
	info, err := ts.Info(m.SegmentName)
	if err != nil {
		c.replyError(m.RequestID, m.SegmentName, -1, err)
		return
	}
	c.send(&wire.TableSegmentInfo{RequestID: m.RequestID, SegmentName: m.SegmentName, StartOffset: info.StartOffset,
		Length: info.Length, EntryCount: info.EntryCount, KeyLength: info.KeyLength})
}

func (c *conn) onUpdateTableEntries(m *wire.UpdateTableEntries) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ts == nil {
		return
	}
	entries := make([]tables.Entry, len(m.Entries))
	for i, e := range m.Entries {
		entries[i] = tables.Entry{Key: e.Key.Key, Version: e.Key.Version, Value: e.Value}
	}
	requestID, segment := m.RequestID, m.Segment
	ts.Update(segment, entries, m.TableSegmentOffset, func(versions []int64, err error) {
		if err != nil {
			c.replyError(requestID, segment, -1, err)
			return
		}
		c.send(&wire.TableEntriesUpdated{RequestID: requestID, UpdatedVersions: versions})
	})
}

func (c *conn) onRemoveTableKeys(m *wire.RemoveTableKeys) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessReadUpdate)
	if ts == nil {
		return
	}
	keys := make([]tables.Key, len(m.Keys))
	for i, k := range m.Keys {
		keys[i] = tables.Key{Key: k.Key, Version: k.Version}
	}
	ts.Remove(m.Segment, keys, m.TableSegmentOffset,
		c.reply(m.RequestID, m.Segment, &wire.TableKeysRemoved{RequestID: m.RequestID, Segment: m.Segment}))
}

func (c *conn) onReadTable(m *wire.ReadTable) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessRead)
	if ts == nil {
		return
	}
	keys := make([][]byte, len(m.Keys))
	for i, k := range m.Keys {
		keys[i] = k.Key
	}
	got, err := ts.Get(m.Segment, keys)
	if err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	c.send(&wire.TableRead{RequestID: m.RequestID, Segment: m.Segment, Entries: wireEntries(got)})
}

func (c *conn) onReadTableKeys(m *wire.ReadTableKeys) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessRead)
	if ts == nil {
		return
	}
	got, token, err := ts.Iterate(m.Segment, iterArgs(m.Args), int(m.SuggestedKeyCount), true)
	if err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	keys := make([]wire.TableKey, len(got))
	for i, e := range got {
		keys[i] = wire.TableKey{Key: e.Key, Version: e.Version}
	}
	c.send(&wire.TableKeysRead{RequestID: m.RequestID, Segment: m.Segment, Keys: keys, ContinuationToken: token})
}

func (c *conn) onReadTableEntries(m *wire.ReadTableEntries) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessRead)
	if ts == nil {
		return
	}
	got, token, err := ts.Iterate(m.Segment, iterArgs(m.Args), int(m.SuggestedEntryCount), false)
	if err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	c.send(&wire.TableEntriesRead{RequestID: m.RequestID, Segment: m.Segment, Entries: wireEntries(got),
		ContinuationToken: token})
}

func (c *conn) onReadTableEntriesDelta(m *wire.ReadTableEntriesDelta) {
	ts := c.routeTable(m.RequestID, m.Segment, m.Token, AccessRead)
	if ts == nil {
		return
	}
	d, err := ts.ReadDelta(m.Segment, m.FromPosition, int(m.SuggestedEntryCount))
	if err != nil {
		c.replyError(m.RequestID, m.Segment, -1, err)
		return
	}
	c.send(&wire.TableEntriesDeltaRead{RequestID: m.RequestID, Segment: m.Segment, Entries: wireEntries(d.Entries),
		ShouldClear: d.ShouldClear, ReachedEnd: d.ReachedEnd, LastPosition: d.LastPosition})
}

func iterArgs(a wire.TableIteratorArgs) tables.IterArgs {
	return tables.IterArgs{Token: a.ContinuationToken, From: a.FromKey, To: a.ToKey}
}

func wireEntries(es []tables.Entry) []wire.TableEntry {
	out := make([]wire.TableEntry, len(es))
	for i, e := range es {
		out[i] = wire.TableEntry{Key: wire.TableKey{Key: e.Key, Version: e.Version}, Value: e.Value}
	}
	return out
}
