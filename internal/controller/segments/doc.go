// Package segments is the controller's client of the segment store. The
// controller changes segments only through the wire protocol (package wire),
// exactly as the Java controller's SegmentHelper does: one request, one reply
// matched by requestId.
//
// # Connections
//
// A Client keeps a small pool of connections per segment-store endpoint
// (Config.PoolSize, default 2). Each connection opens with Hello and checks
// the server's version range (wire.Negotiate); one reader goroutine per
// connection routes replies to the waiting callers by requestId. requestIds
// come from one counter per Client, starting at 1. A connection that fails
// (read or write error, malformed frame, EOF) fails every request waiting on
// it and is replaced on the next call.
//
// # Routing
//
// A segment's endpoint is found in two steps: naming.ContainerOf(segment,
// ContainerCount) gives its container, and a Resolver maps the container to
// a "host:port". Single-node deployments use Static (every container on one
// address); cluster mode will plug in a resolver fed by membership.
//
// # Retries
//
// Connection errors and WrongHost replies are retried with exponential
// backoff (Config.Backoff) until the attempt budget or the context runs
// out. Every request the controller sends is idempotent once the "already
// done" replies count as success (wire-protocol spec §3.4):
//
//	CreateSegment, CreateTableSegment  SegmentCreated | SegmentAlreadyExists
//	DeleteSegment, DeleteTableSegment  SegmentDeleted | NoSuchSegment
//	SealSegment                        SegmentSealed | SegmentIsSealed
//	TruncateSegment                    SegmentTruncated | SegmentIsTruncated
//	MergeSegmentsBatch                 SegmentsBatchMerged (missing sources
//	                                   count as merged on the server)
//	UpdateSegmentPolicy                SegmentPolicyUpdated
//	GetStreamSegmentInfo               StreamSegmentInfo
//
// The requests of a revisioned stream writer (revisioned.go) are reads and
// conditional updates, so a retry either repeats a read or meets its own
// earlier effect:
//
//	ReadSegment             SegmentRead (SegmentIsTruncated: ErrTruncated)
//	GetSegmentAttribute     SegmentAttribute
//	UpdateSegmentAttribute  SegmentAttributeUpdated (compare-and-set: a
//	                        retry may report false for its own change)
//	SetupAppend, then       AppendSetup; a stored event number at or above
//	ConditionalAppend       the append's means it was made: success without
//	                        resending. Then DataAppended (true) or
//	                        ConditionalCheckFailed (false). Both run on one
//	                        connection, whose writer state the server keeps.
//
// Any other reply is an error wrapping ErrUnexpectedReply, except
// NoSuchSegment (ErrNoSuchSegment), TableSegmentNotEmpty (ErrTableNotEmpty),
// OperationUnsupported (ErrUnsupported) and AuthTokenCheckFailed
// (ErrAuth), which callers may branch on.
package segments
