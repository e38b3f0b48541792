// Package workflow runs the controller's operations on streams, scopes,
// transactions, key-value tables and reader groups: it updates the records
// (package store) and drives the segment store (package segments).
//
// # Durable, idempotent steps
//
// Every multi-step operation records its intent before acting: the record
// moves to a transitional state holding the plan (a stream to SCALING with
// its ScalePlan, a transaction to COMMITTING, ...) and a workflow marker
// (store.WorkflowKey) is written in the same metastore transaction. Each
// step is idempotent on the segment store ("already done" replies count as
// success) and records its progress; the last step clears the marker in
// the same transaction that restores the steady state. Engine.Start lists
// the markers and resumes each workflow, so a controller killed at any
// point completes the work after a restart.
//
// Within one controller, operations on one stream (or table, or reader
// group) are serialised by an in-process lock; a new operation first
// finishes whatever the stream has recorded. Writes are revision-checked,
// so a second controller cannot corrupt a record, only lose a race.
//
// # Stream workflows
//
//	create    CREATING: create segments, create "_MARK<stream>" (user
//	          streams), index tags → ACTIVE
//	scale     SCALING: create new segments → apply the plan to the model
//	          (new epoch active) → wait for older transactions → seal the
//	          old segments → ACTIVE
//	update    UPDATING: re-index tags, UpdateSegmentPolicy → ACTIVE, or
//	          SCALING with a reset plan if the count must change
//	truncate  TRUNCATING: truncate the cut's segments, delete those before
//	          it → apply (new head) → ACTIVE
//	seal      (abort open txns, finish committing ones) SEALING: seal the
//	          active segments → SEALED
//	delete    DELETING (only from SEALED): delete every segment, the
//	          "_MARK" stream, txn/writer/subscriber records, tag entries →
//	          record removed, next segment number kept under deleted/
//
// # Transactions
//
// createTransaction writes the OPEN record first, then creates the txn
// segments (an interrupted create is aborted when the lease runs out).
// Commit and abort only flip the state (with a marker) and return; a
// background job merges (MergeSegmentsBatch into each parent) or deletes
// the txn segments and moves the record to the completed list. Leases are
// enforced by a loop on the injected Clock (ExpireTxns).
//
// A commit that names a writer and a time also notes that writer's mark
// (see Watermarks), at the parents' lengths after the merge.
//
// # Watermarks
//
// noteTimestampFromWriter records a writer's mark (time, position) under
// store.WriterKey; removeWriter only flags it shut down. A loop on the
// injected Clock (Config.WatermarkInterval, default 10 s as in Pravega)
// runs ComputeWatermarks: for each stream with marks it reads the newest
// watermark of "_MARK<stream>" (cached between passes; loaded from the
// mark attribute on the first pass and after any surprise, so a restarted
// controller never writes one that goes backwards), lets watermark.Next
// decide, deletes the marks of inactive writers (revision-checked) and
// appends the new watermark with a conditional append at the length it
// expects, then moves the mark. A lost race with another writer of the
// mark stream only drops the cache. Package watermark documents the rule
// and the record format.
//
// Rolling transactions (spec §2.8, UNCERTAIN): instead of Java's duplicate
// epochs, a scale does not seal its old segments while a transaction of an
// older or equal epoch is open or committing; the new epoch is already
// active, new transactions use it, and the end of the last old transaction
// resumes the scale. So a commit always merges into unsealed parents with
// the same segment number (hence the same container), and successors and
// epochs stay exactly what the stream model says. checkScale reports
// IN_PROGRESS meanwhile.
package workflow
