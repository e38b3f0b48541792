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
// Any other reply is an error wrapping ErrUnexpectedReply, except
// NoSuchSegment (ErrNoSuchSegment), TableSegmentNotEmpty (ErrTableNotEmpty),
// OperationUnsupported (ErrUnsupported) and AuthTokenCheckFailed
// (ErrAuth), which callers may branch on.
package segments
