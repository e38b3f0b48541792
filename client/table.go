package client

import (
	"context"
	"errors"
	"fmt"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/wire"
)

// tableSegment sends table commands about one table segment. Requests go
// through segmentRequestOp, so they survive WrongHost, reconnects and token
// expiry; every command here is idempotent or conditional, so a resend is
// safe (a conditional update that did land before a reconnect fails its
// resend with a bad version, which callers treat as a conflict and re-read).
type tableSegment struct {
	c         *Client
	seg       Segment
	op        pb.StreamInfo_AccessOperation // token access
	tokStream string                        // stream the token is asked for ("": seg.Stream)
}

// errTableConflict: a conditional update or removal met another version.
var errTableConflict = errors.New("table key version conflict")

// tableEntry is one key with its value and version.
type tableEntry struct {
	key     []byte
	value   []byte
	version int64
}

func (t *tableSegment) request(ctx context.Context, build func(id int64, tok string) wire.Command) (wire.Command, error) {
	tokStream := t.tokStream
	if tokStream == "" {
		tokStream = t.seg.Stream
	}
	return t.c.segmentRequestAs(ctx, t.seg, tokStream, t.op, build)
}

// create creates the table segment (keyLength 0: a hash table); an existing
// one is fine.
func (t *tableSegment) create(ctx context.Context, keyLength int32) error {
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.CreateTableSegment{RequestID: id, Segment: t.seg.Name(), Token: tok, KeyLength: keyLength}
	})
	if err != nil {
		return fmt.Errorf("create table segment %s: %w", t.seg, err)
	}
	switch reply.(type) {
	case *wire.SegmentCreated, *wire.SegmentAlreadyExists:
		return nil
	}
	return fmt.Errorf("create table segment %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// remove deletes the table segment; a missing one is fine.
func (t *tableSegment) delete(ctx context.Context) error {
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.DeleteTableSegment{RequestID: id, Segment: t.seg.Name(), Token: tok}
	})
	if err != nil {
		return fmt.Errorf("delete table segment %s: %w", t.seg, err)
	}
	switch reply.(type) {
	case *wire.SegmentDeleted, *wire.NoSuchSegment:
		return nil
	}
	return fmt.Errorf("delete table segment %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// update writes entries atomically, each conditional on its version
// (wire.NoVersion: unconditional, wire.NotExists: must be absent), and
// returns the new versions. errTableConflict when a condition fails.
func (t *tableSegment) update(ctx context.Context, entries []tableEntry) ([]int64, error) {
	es := make([]wire.TableEntry, len(entries))
	for i, e := range entries {
		es[i] = wire.TableEntry{Key: wire.TableKey{Key: e.key, Version: e.version}, Value: e.value}
	}
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.UpdateTableEntries{RequestID: id, Segment: t.seg.Name(), Token: tok, Entries: es, TableSegmentOffset: -1}
	})
	if err != nil {
		return nil, fmt.Errorf("update table %s: %w", t.seg, err)
	}
	switch r := reply.(type) {
	case *wire.TableEntriesUpdated:
		if len(r.UpdatedVersions) != len(entries) {
			return nil, fmt.Errorf("update table %s: %w: %d versions for %d entries", t.seg, ErrProtocol,
				len(r.UpdatedVersions), len(entries))
		}
		return r.UpdatedVersions, nil
	case *wire.TableKeyBadVersion:
		return nil, fmt.Errorf("update table %s: %w: %w", t.seg, errTableConflict, ErrBadKeyVersion)
	case *wire.TableKeyDoesNotExist:
		return nil, fmt.Errorf("update table %s: %w: %w", t.seg, errTableConflict, ErrKeyNotFound)
	case *wire.NoSuchSegment:
		return nil, fmt.Errorf("update table %s: %w", t.seg, ErrNoSuchSegment)
	}
	return nil, fmt.Errorf("update table %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// entriesPage reads up to n entries after a continuation token (nil: from
// the start); an empty page ends the iteration. from/to bound the keys of a
// fixed-key-length table (nil: unbounded).
func (t *tableSegment) entriesPage(ctx context.Context, token, from, to []byte, n int32) ([]tableEntry, []byte, error) {
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.ReadTableEntries{RequestID: id, Segment: t.seg.Name(), Token: tok, SuggestedEntryCount: n,
			Args: wire.TableIteratorArgs{ContinuationToken: token, FromKey: from, ToKey: to}}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read entries of table %s: %w", t.seg, err)
	}
	switch r := reply.(type) {
	case *wire.TableEntriesRead:
		out := make([]tableEntry, len(r.Entries))
		for i, e := range r.Entries {
			out[i] = tableEntry{key: e.Key.Key, value: e.Value, version: e.Key.Version}
		}
		return out, r.ContinuationToken, nil
	case *wire.NoSuchSegment:
		return nil, nil, fmt.Errorf("read entries of table %s: %w", t.seg, ErrNoSuchSegment)
	}
	return nil, nil, fmt.Errorf("read entries of table %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// removeKeys removes keys atomically, each conditional on its version as
// in update. Removing an absent key unconditionally is not an error.
func (t *tableSegment) removeKeys(ctx context.Context, keys []wire.TableKey) error {
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.RemoveTableKeys{RequestID: id, Segment: t.seg.Name(), Token: tok, Keys: keys, TableSegmentOffset: -1}
	})
	if err != nil {
		return fmt.Errorf("remove from table %s: %w", t.seg, err)
	}
	switch reply.(type) {
	case *wire.TableKeysRemoved:
		return nil
	case *wire.TableKeyBadVersion:
		return fmt.Errorf("remove from table %s: %w: %w", t.seg, errTableConflict, ErrBadKeyVersion)
	case *wire.TableKeyDoesNotExist:
		return fmt.Errorf("remove from table %s: %w: %w", t.seg, errTableConflict, ErrKeyNotFound)
	case *wire.NoSuchSegment:
		return fmt.Errorf("remove from table %s: %w", t.seg, ErrNoSuchSegment)
	}
	return fmt.Errorf("remove from table %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// get reads keys; a missing key comes back with version wire.NotExists.
func (t *tableSegment) get(ctx context.Context, keys [][]byte) ([]tableEntry, error) {
	req := make([]wire.TableKey, len(keys))
	for i, k := range keys {
		req[i] = wire.TableKey{Key: k, Version: wire.NoVersion}
	}
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.ReadTable{RequestID: id, Segment: t.seg.Name(), Token: tok, Keys: req}
	})
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", t.seg, err)
	}
	switch r := reply.(type) {
	case *wire.TableRead:
		if len(r.Entries) != len(keys) {
			return nil, fmt.Errorf("read table %s: %w: %d entries for %d keys", t.seg, ErrProtocol, len(r.Entries), len(keys))
		}
		out := make([]tableEntry, len(r.Entries))
		for i, e := range r.Entries {
			out[i] = tableEntry{key: e.Key.Key, value: e.Value, version: e.Key.Version}
		}
		return out, nil
	case *wire.NoSuchSegment:
		return nil, fmt.Errorf("read table %s: %w", t.seg, ErrNoSuchSegment)
	}
	return nil, fmt.Errorf("read table %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// keysPage is entriesPage for keys only (values are not sent).
func (t *tableSegment) keysPage(ctx context.Context, token, from, to []byte, n int32) ([]tableEntry, []byte, error) {
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.ReadTableKeys{RequestID: id, Segment: t.seg.Name(), Token: tok, SuggestedKeyCount: n,
			Args: wire.TableIteratorArgs{ContinuationToken: token, FromKey: from, ToKey: to}}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read keys of table %s: %w", t.seg, err)
	}
	switch r := reply.(type) {
	case *wire.TableKeysRead:
		out := make([]tableEntry, len(r.Keys))
		for i, k := range r.Keys {
			out[i] = tableEntry{key: k.Key, version: k.Version}
		}
		return out, r.ContinuationToken, nil
	case *wire.NoSuchSegment:
		return nil, nil, fmt.Errorf("read keys of table %s: %w", t.seg, ErrNoSuchSegment)
	}
	return nil, nil, fmt.Errorf("read keys of table %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}

// entryCount is the number of live keys (GetTableSegmentInfo).
func (t *tableSegment) entryCount(ctx context.Context) (int64, error) {
	reply, err := t.request(ctx, func(id int64, tok string) wire.Command {
		return &wire.GetTableSegmentInfo{RequestID: id, SegmentName: t.seg.Name(), Token: tok}
	})
	if err != nil {
		return 0, fmt.Errorf("info of table %s: %w", t.seg, err)
	}
	switch r := reply.(type) {
	case *wire.TableSegmentInfo:
		return r.EntryCount, nil
	case *wire.NoSuchSegment:
		return 0, fmt.Errorf("info of table %s: %w", t.seg, ErrNoSuchSegment)
	}
	return 0, fmt.Errorf("info of table %s: %w: reply %v", t.seg, ErrProtocol, reply.Type())
}
