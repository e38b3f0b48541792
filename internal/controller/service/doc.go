// Package service implements the Pravega ControllerService gRPC API
// (api/controller) on top of the workflow engine, with the semantics of
// shared/spec/controller-api.md §2: status enums where the messages have
// them, gRPC NOT_FOUND where the sheet says so, pagination with opaque
// continuation tokens (1000 items per page), getURI as a pure function.
//
// Error translation, one table for the whole boundary (errors.go):
//
//	bad input (nil sub-message, bad lease, bad range)  InvalidArgument
//	missing stream where the reply has no status        NotFound
//	stream sealed (createTransaction)                   FailedPrecondition
//	context cancelled / deadline                        Canceled / DeadlineExceeded
//	anything else (metadata store, segment store)       Internal (clients retry)
//
// Files: one per RPC family (scopes.go, streams.go, segments.go, scale.go,
// txns.go, kvts.go, readergroups.go, writers.go, tokens.go, servers.go).
package service
