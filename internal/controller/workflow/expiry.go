package workflow

import (
	"context"
	"errors"
	"strings"

	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/naming"
)

// expiryLoop aborts transactions whose lease ran out, every
// TxnCheckInterval on the engine's clock.
func (e *Engine) expiryLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.clock.After(e.cfg.TxnCheckInterval):
		}
		if _, err := e.ExpireTxns(e.ctx); err != nil && e.ctx.Err() == nil {
			e.log.Warn("transaction expiry pass failed", "err", err)
		}
		if e.cfg.OnExpiryPass != nil {
			e.cfg.OnExpiryPass()
		}
	}
}

// ExpireTxns starts the abort of every open transaction whose lease or
// maximum execution time has passed and returns how many it found.
func (e *Engine) ExpireTxns(ctx context.Context) (int, error) {
	kvs, err := e.st.List(ctx, store.AllTxnsPrefix(), 0)
	if err != nil {
		return 0, err
	}
	now := e.nowMs()
	n := 0
	for _, kv := range kvs {
		parts := strings.Split(strings.TrimPrefix(kv.Key, store.AllTxnsPrefix()), "/")
		if len(parts) != 3 {
			continue
		}
		scope, stream, hex := parts[0], parts[1], parts[2]
		expired := false
		_, err := store.Update(ctx, e.st, kv.Key, func(t *store.TxnRecord) ([]metastore.Op, error) {
			if t.State != store.TxnOpen || (t.LeaseExpiry > now && t.MaxExpiry > now) {
				return nil, errStop
			}
			expired = true
			t.State = store.TxnAborting
			return []metastore.Op{markerOp(string(store.TxnAborting), store.WorkflowTxn, scope, stream, hex)}, nil
		})
		if err != nil && !errors.Is(err, errStop) && !errors.Is(err, metastore.ErrNotFound) {
			return n, err
		}
		if expired {
			n++
			id, _ := naming.ParseUUIDHex(hex)
			e.log.Info("transaction lease expired; aborting", "stream", scope+"/"+stream, "txn", id.String())
			e.kickTxn(scope, stream, hex)
		}
	}
	return n, nil
}
