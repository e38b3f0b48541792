// Package rest serves the controller's REST admin API, documented in
// api/rest/openapi.yaml. Resources, paths and field names follow Pravega's
// controller REST API (v1), so scripts and tools written for Pravega work.
//
// Every endpoint calls the controller's gRPC service in-process
// (controller.Server.Service), so names, configurations and outcomes are
// decided in one place for both APIs. The handler adds only what is REST's
// own: JSON shapes and units (scaling type names, retention in days or
// MiB), the rules that users may not create internal ("_") scopes and
// streams nor names made only of dots, and paging through listings.
// Scaling events also read the stream's epoch history from the workflow
// engine (no gRPC call returns epoch creation times), after the service
// has confirmed the stream exists.
//
// # Endpoints (under /v1)
//
//	GET    /health                                      controller health (503 when not ready)
//	GET    /health/liveness, /health/readiness          true/false (readiness 503 when false)
//	GET    /scopes                                      listScopes (all pages)
//	POST   /scopes                                      createScope            201
//	GET    /scopes/{scope}                              checkScopeExists
//	DELETE /scopes/{scope}                              deleteScope            204
//	GET    /scopes/{scope}/streams                      listStreamsInScope[ForTag] + getStreamConfiguration
//	POST   /scopes/{scope}/streams                      createStream           201
//	GET    /scopes/{scope}/streams/{stream}             getStreamConfiguration
//	PUT    /scopes/{scope}/streams/{stream}             updateStream
//	DELETE /scopes/{scope}/streams/{stream}             deleteStream           204
//	PUT    /scopes/{scope}/streams/{stream}/state       sealStream ({"streamState":"SEALED"})
//	GET    /scopes/{scope}/streams/{stream}/scaling-events?from=&to=   epoch history
//	GET    /scopes/{scope}/readergroups                 the scope's "_RG<group>" streams
//	GET    /scopes/{scope}/readergroups/{group}         getReaderGroupConfig
//
// # Errors
//
// Every error is a JSON object {"code": <HTTP status>, "message": "..."}.
// Endpoints return gRPC status errors: the service's own, and those made
// next to each call from the reply's status enum (SCOPE_EXISTS becomes
// AlreadyExists, STREAM_NOT_SEALED FailedPrecondition, ...). One table
// (errors.go) maps the code to the HTTP status:
//
//	InvalidArgument, OutOfRange   400  bad JSON, bad value, bad query parameter
//	NotFound                      404  scope, stream or reader group missing
//	AlreadyExists                 409  scope or stream exists
//	Aborted                       409  another operation on the stream is running (FAILURE); retry
//	FailedPrecondition            412  scope not empty, stream not sealed (delete) or sealed (update), as Pravega
//	Unauthenticated               401
//	PermissionDenied              403
//	ResourceExhausted             429
//	Unimplemented                 501
//	Unavailable, Canceled         503
//	DeadlineExceeded              504  the request's 30 s budget ran out
//	anything else                 500  logged at warn level
//
// Routing errors are JSON too: 404 for an unknown path under /v1/, 405
// with an Allow header for a known path with another method.
//
// # Not there yet
//
//   - Authentication and authorization: none; bind the listener to a
//     trusted address.
//   - Reader groups' onlineReaderIds is always empty: the readers are in the
//     group's state stream, which the controller does not read. Deleting a
//     reader group over REST is not offered.
//   - Key-value tables, transactions, truncation and manual scaling have no
//     REST endpoints; Pravega's /health/details and per-contributor health
//     paths are absent.
//   - Names made only of dots: the naming rules allow them, but path
//     cleaning removes "." and ".." segments from URLs, so REST refuses to
//     create them (400); ones created over gRPC cannot be addressed here.
package rest
