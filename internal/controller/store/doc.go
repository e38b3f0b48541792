// Package store keeps the controller's records in the metadata store
// (metastore.Store, etcd in production): scopes, streams, transactions,
// reader groups, subscribers, writer marks, key-value tables, tag indexes and
// workflow markers. Values are JSON. Every update is revision-checked
// (read, modify, write with metastore.AtRevision), and changes that must
// happen together (a record and its workflow marker) go in one Txn.
//
// # Key layout
//
// Scope, stream, key-value table and reader-group names cannot contain '/'
// (package naming), so they are used as key elements verbatim. Free-form
// strings (tags, subscriber and writer names) are path-escaped
// (url.PathEscape), so they never contain '/'.
//
//	scopes/<scope>                          ScopeRecord
//	streams/<scope>/<stream>                StreamRecord (config, state, the
//	                                        streammodel record, pending plans)
//	tags/<scope>/<tag>/<stream>             "" (index: streams by tag)
//	deleted/<scope>/<stream>                DeletedRecord: next segment number
//	                                        of a deleted stream, so that a
//	                                        re-created stream continues after it
//	txns/<scope>/<stream>/<txn hex32>       TxnRecord (open or completing)
//	txdone/<scope>/<stream>/<txn hex32>     CompletedTxn (committed/aborted)
//	rgs/<scope>/<group>                     ReaderGroupRecord
//	subs/<scope>/<stream>/<subscriber>      SubscriberRecord
//	writers/<scope>/<stream>/<writer>       WriterRecord (watermark marks)
//	kvts/<scope>/<kvt>                      KVTRecord
//	counter/txn                             CounterRecord (txn id counter)
//	wf/stream/<scope>/<stream>              WorkflowMarker: a stream workflow
//	                                        (create, scale, update, truncate,
//	                                        seal, delete) is in flight
//	wf/txn/<scope>/<stream>/<txn hex32>     WorkflowMarker: commit or abort in
//	                                        flight
//	wf/kvt/<scope>/<kvt>                    WorkflowMarker: KVT create/delete
//	wf/rg/<scope>/<group>                   WorkflowMarker: RG create/delete
//
// A workflow marker is written in the same transaction as the record change
// that starts the workflow and deleted in the same transaction as the change
// that ends it; the record itself holds the plan (e.g. StreamRecord.Scale).
// At start-up the controller lists wf/ and resumes every workflow it finds.
package store
