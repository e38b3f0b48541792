// Package server is the segment store's TCP front end: it accepts Pravega
// wire protocol connections, negotiates the version, decodes requests,
// dispatches them to the owning container and writes the replies.
//
// Each connection has one reader goroutine (decode and dispatch) and one
// writer goroutine (batched writes of encoded replies). Replies are encoded
// into the connection's outbox as they complete, from whichever goroutine
// completes them, and the writer sends everything queued in one write.
//
// Flow control: the wire protocol has no credits, so the reader stops
// reading the socket (TCP back-pressure) while the connection's appends in
// flight exceed Config.MaxInflightBytes or its unsent replies exceed
// Config.MaxOutboxBytes.
//
// Exactly-once appends follow the protocol's writer model: SetupAppend
// returns the writer's last durable event number (a segment attribute keyed
// by the writer id), appends carry increasing event numbers, a number at or
// below the stored one is acknowledged without being written again, and a new
// number from a connection whose view of the writer is stale is refused with
// InvalidEventNumber (and the connection closed), because another connection
// wrote for the same writer. After any other append failure the writer must
// set up again; its later appends on this connection are dropped unanswered.
//
// Replies carry the requestId of their request verbatim. The server never
// sends a frame that was not asked for.
package server
