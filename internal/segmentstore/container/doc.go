// Package container implements a segment container: the unit that owns a
// set of segments (those whose names hash to its id), validates and orders
// every change to them, journals the changes, and applies them once durable.
//
// # Pipeline
//
// An operation (create, append, seal, truncate, delete, merge, attribute
// update) is validated under the container lock against the *accepted* view
// of the segment: the state after every operation already admitted, durable
// or not. If valid, its effect is applied to the accepted view at once, its
// record is appended to the container's journal log, and it joins a FIFO of
// pending operations. Validation and the journal append happen under one lock,
// so journal order equals admission order.
//
// The journal commits many records with one fsync (group commit) and then
// reports the highest durable sequence number. The container's completion
// goroutine pops every pending operation up to it, applies it to the *durable*
// view and the read index, and runs its callback (the wire reply). Readers and
// info requests see only the durable view, so nothing a crash could take back
// is ever visible or acknowledged.
//
// Operations that write nothing (a duplicate append, a writer position query,
// a no-op truncation, a failed validation of an append) are barriers: they
// complete when everything admitted before them is durable. This keeps every
// writer's replies in order and makes SetupAppend's answer durable.
//
// # Exactly-once appends
//
// Each segment keeps, per writer id, the last event number appended (an
// attribute whose id is the writer's UUID). An append whose event number is
// at or below the stored one is a duplicate: acknowledged, not written. A new
// number whose connection expected a different stored value means another
// connection wrote for the writer in between: ErrWriterConflict. Conditional
// appends (ExpectedOffset >= 0) are checked against the accepted length.
//
// # Journal record format
//
// Every record (payload of one journal log entry) starts with a kind byte and
// two big-endian fields; the rest depends on the kind. All integers are
// big-endian; attribute lists are a uint16 count of (16-byte id, int64 value)
// pairs holding resolved values (conditions were checked at admission).
//
//	common:   kind u8 | time i64 (Unix ms at admission) | segment id u64
//	1 create:   segment kind u8 | name length u16 | name | attributes
//	2 append:   offset i64 | attributes | data (to the end of the record)
//	3 attrs:    attributes
//	4 seal:     final length i64
//	5 truncate: new start offset i64
//	6 delete:   (nothing)
//	7 merge:    source id u64 | target offset i64 | length i64 | attributes
//
// Segment ids are container-local, assigned in creation order, never reused
// within a journal's life. Recovery replays a container's records in order,
// applying each to both views; a record that does not decode is an error.
package container
