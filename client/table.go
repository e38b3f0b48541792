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
	c   *Client
	seg Segment
	op  pb.StreamInfo_AccessOperation // token access
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
	return t.c.segmentRequestOp(ctx, t.seg, t.op, build)
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
	case *wire.TableKeyBadVersion, *wire.TableKeyDoesNotExist:
		return nil, fmt.Errorf("update table %s: %w", t.seg, errTableConflict)
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
