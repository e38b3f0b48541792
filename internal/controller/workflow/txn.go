package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/streammodel"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// Transactions. A transaction of epoch T has one segment per segment of T,
// named after the parent's number and T (the "generalized" id). Commit
// merges each into its parent, the segment with that number, whatever
// epoch it was created in: a scale never seals a segment while a
// transaction of its epoch or an older one is open or committing (see
// scale.go), so the parent is always unsealed and lives in the same
// container. This replaces Java's "rolling transactions"; its cost is that
// such a transaction delays the end of a scale (at most until its lease or
// maximum execution time runs out).

// CreateTxn opens a transaction on the stream's active epoch and creates its
// segments. It returns the record and the epoch's segments. Errors:
// ErrStreamNotFound, ErrStreamSealed, ErrLeaseOutOfRange.
func (e *Engine) CreateTxn(ctx context.Context, scope, stream string, lease time.Duration) (*store.TxnRecord,
	[]streammodel.Segment, error) {
	if lease < MinLease || lease > MaxLease {
		return nil, nil, fmt.Errorf("%w: %v not in [%v, %v]", ErrLeaseOutOfRange, lease, MinLease, MaxLease)
	}
	unlock, err := e.locks.lock(ctx, streamLockKey(scope, stream))
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	rec, err := e.GetStream(ctx, scope, stream)
	if err != nil {
		return nil, nil, err
	}
	switch rec.State {
	case store.StreamSealed, store.StreamSealing, store.StreamDeleting:
		return nil, nil, ErrStreamSealed
	case store.StreamCreating:
		return nil, nil, ErrStreamNotFound
	}
	epoch := rec.Model.ActiveEpoch()
	segs, err := rec.Model.EpochSegments(epoch)
	if err != nil {
		return nil, nil, err
	}
	n, err := e.st.NextTxnCounter(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := e.nowMs()
	maxExec := min(MaxExecutionTime, 1000*lease)
	t := &store.TxnRecord{MSB: uint64(uint32(epoch)) << 32, LSB: n, Epoch: epoch, State: store.TxnOpen,
		LeaseMs: lease.Milliseconds(), LeaseExpiry: now + lease.Milliseconds(), MaxExpiry: now + maxExec.Milliseconds(),
		CreatedAt: now}
	for _, s := range segs {
		t.Segments = append(t.Segments, s.ID)
	}
	id := naming.UUID{MSB: t.MSB, LSB: t.LSB}
	if _, err := e.st.Put(ctx, store.TxnKey(scope, stream, id.Hex()), t, metastore.MustNotExist()); err != nil {
		return nil, nil, err
	}
	// If this fails, the open record is aborted at lease expiry, which
	// deletes whatever was created. The segments are created concurrently:
	// one after the other, a stream of 16 segments took 16 journal commits.
	if err := eachConcurrently(segs, func(_ int, s streammodel.Segment) error {
		return e.ss.CreateSegment(ctx, txnSegmentName(scope, stream, epoch, s.ID, id), segments.Policy{},
			rec.Config.RolloverSizeBytes)
	}); err != nil {
		return nil, nil, fmt.Errorf("create transaction segments: %w", err)
	}
	return t, segs, nil
}

// txnSegmentName names the transaction segment of parent (a real id) for a
// transaction of epoch.
func txnSegmentName(scope, stream string, epoch int32, parent int64, id naming.UUID) string {
	return naming.TransactionName(naming.QualifiedName(scope, stream, naming.SegmentID(epoch, naming.NumberOf(parent))), id)
}

func (e *Engine) getTxn(ctx context.Context, scope, stream string, id naming.UUID) (*store.TxnRecord, error) {
	return getRecord[store.TxnRecord](ctx, e.st, store.TxnKey(scope, stream, id.Hex()), nil)
}

func (e *Engine) getCompleted(ctx context.Context, scope, stream string, id naming.UUID) (*store.CompletedTxn, error) {
	return getRecord[store.CompletedTxn](ctx, e.st, store.CompletedTxnKey(scope, stream, id.Hex()), nil)
}

// TxnState returns a transaction's state, "" if unknown.
func (e *Engine) TxnState(ctx context.Context, scope, stream string, id naming.UUID) (store.TxnState, error) {
	t, err := e.getTxn(ctx, scope, stream, id)
	if err == nil {
		return t.State, nil
	}
	if !errors.Is(err, metastore.ErrNotFound) {
		return "", err
	}
	c, err := e.getCompleted(ctx, scope, stream, id)
	if errors.Is(err, metastore.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return c.State, nil
}

// PingStatus is pingTransaction's answer (values as PingTxnStatus.Status).
type PingStatus int

// Ping statuses.
const (
	PingOK              PingStatus = 0
	PingLeaseTooLarge   PingStatus = 1
	PingMaxExecExceeded PingStatus = 2
	PingCommitted       PingStatus = 5
	PingAborted         PingStatus = 6
	PingUnknown         PingStatus = 7
)

// PingTxn extends an open transaction's lease.
func (e *Engine) PingTxn(ctx context.Context, scope, stream string, id naming.UUID, lease time.Duration) (PingStatus, error) {
	status := PingOK
	_, err := store.Update(ctx, e.st, store.TxnKey(scope, stream, id.Hex()), func(t *store.TxnRecord) ([]metastore.Op, error) {
		switch t.State {
		case store.TxnCommitting, store.TxnCommitted:
			status = PingCommitted
			return nil, errStop
		case store.TxnAborting, store.TxnAborted:
			status = PingAborted
			return nil, errStop
		}
		if lease > MaxLease {
			status = PingLeaseTooLarge
			return nil, errStop
		}
		now := e.nowMs()
		if now+lease.Milliseconds() > t.MaxExpiry {
			status = PingMaxExecExceeded
			return nil, errStop
		}
		t.LeaseMs = lease.Milliseconds()
		t.LeaseExpiry = now + lease.Milliseconds()
		status = PingOK
		return nil, nil
	})
	if errors.Is(err, errStop) {
		return status, nil
	}
	if errors.Is(err, metastore.ErrNotFound) {
		c, cerr := e.getCompleted(ctx, scope, stream, id)
		switch {
		case errors.Is(cerr, metastore.ErrNotFound):
			return PingUnknown, nil
		case cerr != nil:
			return PingUnknown, cerr
		case c.State == store.TxnCommitted:
			return PingCommitted, nil
		default:
			return PingAborted, nil
		}
	}
	return status, err
}

var errStop = errors.New("stop update")

// CommitTxn moves an open transaction to Committing and merges it in the
// background. Committing/committed already is success; aborting, aborted
// or unknown transactions give ErrTxnWrongState / ErrTxnNotFound.
func (e *Engine) CommitTxn(ctx context.Context, scope, stream string, id naming.UUID, writer string, ts int64) error {
	return e.finishTxn(ctx, scope, stream, id, store.TxnCommitting, func(t *store.TxnRecord) {
		t.WriterID, t.CommitTime = writer, ts
	})
}

// AbortTxn moves an open transaction to Aborting and deletes its segments
// in the background. Aborting/aborted already is success; committing,
// committed or unknown transactions give ErrTxnWrongState / ErrTxnNotFound.
func (e *Engine) AbortTxn(ctx context.Context, scope, stream string, id naming.UUID) error {
	return e.finishTxn(ctx, scope, stream, id, store.TxnAborting, nil)
}

func (e *Engine) finishTxn(ctx context.Context, scope, stream string, id naming.UUID, to store.TxnState,
	fill func(*store.TxnRecord)) error {
	done := store.TxnCommitted
	if to == store.TxnAborting {
		done = store.TxnAborted
	}
	_, err := store.Update(ctx, e.st, store.TxnKey(scope, stream, id.Hex()), func(t *store.TxnRecord) ([]metastore.Op, error) {
		switch t.State {
		case to:
			return nil, errStop
		case store.TxnOpen:
			t.State = to
			if fill != nil {
				fill(t)
			}
			return []metastore.Op{markerOp(string(to), store.WorkflowTxn, scope, stream, id.Hex())}, nil
		}
		return nil, ErrTxnWrongState
	})
	switch {
	case err == nil:
		e.kickTxn(scope, stream, id.Hex())
		return nil
	case errors.Is(err, errStop):
		return nil
	case errors.Is(err, metastore.ErrNotFound):
		c, cerr := e.getCompleted(ctx, scope, stream, id)
		if errors.Is(cerr, metastore.ErrNotFound) {
			return ErrTxnNotFound
		}
		if cerr != nil {
			return cerr
		}
		if c.State == done {
			return nil
		}
		return ErrTxnWrongState
	}
	return err
}

// markTxn moves an open transaction to Committing or Aborting (no kick).
func (e *Engine) markTxn(ctx context.Context, scope, stream string, id naming.UUID, to store.TxnState) error {
	_, err := store.Update(ctx, e.st, store.TxnKey(scope, stream, id.Hex()), func(t *store.TxnRecord) ([]metastore.Op, error) {
		if t.State != store.TxnOpen {
			return nil, errStop
		}
		t.State = to
		return []metastore.Op{markerOp(string(to), store.WorkflowTxn, scope, stream, id.Hex())}, nil
	})
	if errors.Is(err, errStop) || errors.Is(err, metastore.ErrNotFound) {
		return nil
	}
	return err
}

// kickTxn completes a committing or aborting transaction in the background,
// then resumes a scale that may have waited for it.
func (e *Engine) kickTxn(scope, stream, hex string) {
	e.kick("txn "+scope+"/"+stream+"/"+hex, streamLockKey(scope, stream), func(ctx context.Context) error {
		if err := e.completeTxn(ctx, scope, stream, hex); err != nil {
			return err
		}
		return e.runStream(ctx, scope, stream)
	})
}

// completeTxn merges (Committing) or deletes (Aborting) a transaction's
// segments and moves it to the completed list. The caller holds the stream
// lock. Every step is idempotent: a merged source is gone, and the segment
// store treats a missing source as merged.
func (e *Engine) completeTxn(ctx context.Context, scope, stream, hex string) error {
	var t store.TxnRecord
	rev, err := e.st.Get(ctx, store.TxnKey(scope, stream, hex), &t)
	if errors.Is(err, metastore.ErrNotFound) {
		return e.st.Delete(ctx, store.WorkflowKey(store.WorkflowTxn, scope, stream, hex), metastore.Unconditional())
	}
	if err != nil {
		return err
	}
	id := naming.UUID{MSB: t.MSB, LSB: t.LSB}
	final := store.TxnCommitted
	switch t.State {
	case store.TxnCommitting:
		position, err := e.mergeTxnSegments(ctx, scope, stream, &t, id)
		if err != nil {
			return fmt.Errorf("commit transaction %s: %w", hex, err)
		}
		if err := e.noteCommitMark(ctx, scope, stream, &t, position); err != nil {
			return fmt.Errorf("commit transaction %s: %w", hex, err)
		}
	case store.TxnAborting:
		final = store.TxnAborted
		if err := eachConcurrently(t.Segments, func(_ int, parent int64) error {
			return e.ss.DeleteSegment(ctx, txnSegmentName(scope, stream, t.Epoch, parent, id))
		}); err != nil {
			return fmt.Errorf("abort transaction %s: %w", hex, err)
		}
	default:
		return nil
	}
	err = e.st.Txn(ctx,
		metastore.DeleteOp(store.TxnKey(scope, stream, hex), metastore.AtRevision(rev)),
		clearMarkerOp(store.WorkflowTxn, scope, stream, hex),
		store.PutOp(store.CompletedTxnKey(scope, stream, hex),
			store.CompletedTxn{MSB: t.MSB, LSB: t.LSB, State: final, Time: e.nowMs()}, metastore.Unconditional()))
	if err != nil {
		return err
	}
	return e.pruneCompleted(ctx, scope, stream)
}

// mergeTxnSegments merges each transaction segment into its parent and
// returns the parents' lengths after the merges. The first merge runs
// alone (the "commit.merged" failpoint stops a commit half done), the
// others concurrently: one after the other, a commit on a stream of 16
// segments took 16 journal commits.
func (e *Engine) mergeTxnSegments(ctx context.Context, scope, stream string, t *store.TxnRecord,
	id naming.UUID) (map[int64]int64, error) {
	position := make(map[int64]int64, len(t.Segments))
	lengths := make([]int64, len(t.Segments))
	merge := func(i int, parent int64) error {
		src := txnSegmentName(scope, stream, t.Epoch, parent, id)
		after, err := e.ss.MergeSegmentsBatch(ctx, naming.QualifiedName(scope, stream, parent), []string{src})
		if err == nil && len(after) > 0 {
			lengths[i] = after[len(after)-1]
		}
		return err
	}
	if len(t.Segments) == 0 {
		return position, nil
	}
	if err := merge(0, t.Segments[0]); err != nil {
		return nil, err
	}
	if err := e.fail("commit.merged"); err != nil {
		return nil, err
	}
	if err := eachConcurrently(t.Segments[1:], func(i int, parent int64) error { return merge(i+1, parent) }); err != nil {
		return nil, err
	}
	for i, parent := range t.Segments {
		if lengths[i] > 0 {
			position[parent] = lengths[i]
		}
	}
	return position, nil
}

// eachConcurrently calls fn for every item at once and waits; it returns
// the errors joined.
func eachConcurrently[T any](items []T, fn func(i int, item T) error) error {
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i, it)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// noteCommitMark notes the writer mark of a committed transaction whose
// commit named a writer and a time: the time, at the parents' lengths after
// the merge (package watermark, "Transactions"). A mark that does not
// advance the writer's is ignored.
func (e *Engine) noteCommitMark(ctx context.Context, scope, stream string, t *store.TxnRecord, position map[int64]int64) error {
	if t.WriterID == "" || t.CommitTime == math.MinInt64 {
		return nil
	}
	err := e.NoteWriterMark(ctx, scope, stream, t.WriterID, position, t.CommitTime)
	if errors.Is(err, ErrInvalidTime) || errors.Is(err, ErrInvalidPosition) || errors.Is(err, ErrStreamNotFound) {
		return nil
	}
	return err
}

// pruneCompleted keeps the newest MaxCompletedTxns completed transactions.
func (e *Engine) pruneCompleted(ctx context.Context, scope, stream string) error {
	done, err := e.ListCompletedTxns(ctx, scope, stream)
	if err != nil || len(done) <= MaxCompletedTxns {
		return err
	}
	sort.Slice(done, func(i, j int) bool { return done[i].Time < done[j].Time })
	for _, c := range done[:len(done)-MaxCompletedTxns] {
		hex := naming.UUID{MSB: c.MSB, LSB: c.LSB}.Hex()
		if err := e.st.Delete(ctx, store.CompletedTxnKey(scope, stream, hex), metastore.Unconditional()); err != nil {
			return err
		}
	}
	return nil
}

// ListCompletedTxns returns the stream's recently completed transactions.
func (e *Engine) ListCompletedTxns(ctx context.Context, scope, stream string) ([]store.CompletedTxn, error) {
	kvs, err := e.st.List(ctx, store.CompletedTxnsPrefix(scope, stream), 0)
	if err != nil {
		return nil, err
	}
	// Decode the listed values: a Get per record made every commit read up
	// to MaxCompletedTxns records one by one.
	out := make([]store.CompletedTxn, 0, len(kvs))
	for _, kv := range kvs {
		var c store.CompletedTxn
		if err := json.Unmarshal(kv.Value, &c); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// listTxns returns the stream's open and completing transactions.
func (e *Engine) listTxns(ctx context.Context, scope, stream string) ([]store.TxnRecord, error) {
	return decodeTxns(ctx, e, store.TxnsPrefix(scope, stream))
}

func decodeTxns(ctx context.Context, e *Engine, prefix string) ([]store.TxnRecord, error) {
	kvs, err := e.st.List(ctx, prefix, 0)
	if err != nil {
		return nil, err
	}
	out := make([]store.TxnRecord, 0, len(kvs))
	for _, kv := range kvs {
		var t store.TxnRecord
		if _, err := e.st.Get(ctx, kv.Key, &t); err == nil {
			out = append(out, t)
		}
	}
	return out, nil
}
