package driver

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sluicestream/sluice/client"
)

// txnCommits bounds the commits a transactional writer keeps outstanding.
const txnCommits = 16

// protoTxnWriter groups every n writes into a Pravega transaction
// (BeginTxn, Write ×n, Commit). The transaction is begun on the first write
// of a group, inside Write (its latency counts); the commit runs in the
// background, up to txnCommits at a time, and acknowledges all n events
// when Commit returns: the events are stored in the transaction's segments
// and the controller has accepted the commit (the merge into the stream,
// which makes them visible, follows asynchronously).
type protoTxnWriter struct {
	p      *protoClient
	stream string
	n      int
	onAck  func(Meta, error)

	cur   *client.Transaction
	metas []Meta

	sem chan struct{}
	wg  sync.WaitGroup
}

func (p *protoClient) newTxnWriter(stream string, o WriterOptions) *protoTxnWriter {
	return &protoTxnWriter{p: p, stream: stream, n: o.TxnEvents, onAck: o.OnAck, sem: make(chan struct{}, txnCommits)}
}

func (w *protoTxnWriter) Write(ctx context.Context, key string, payload []byte) error {
	if w.cur == nil {
		t, err := w.p.c.BeginTxn(ctx, benchScope, w.stream, client.TxnConfig{Lease: 60 * time.Second})
		if err != nil {
			return err
		}
		w.cur = t
	}
	m, _ := ParseMeta(payload)
	if err := w.cur.Write(ctx, key, payload); err != nil {
		return err
	}
	w.metas = append(w.metas, m)
	if len(w.metas) >= w.n {
		return w.commit(ctx)
	}
	return nil
}

// commit hands the open transaction to a background commit.
func (w *protoTxnWriter) commit(ctx context.Context) error {
	t, metas := w.cur, w.metas
	w.cur, w.metas = nil, nil
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() { <-w.sem }()
		cctx, cancel := context.WithTimeout(context.Background(), DrainTimeoutHint)
		err := t.Commit(cctx)
		cancel()
		for _, m := range metas {
			w.onAck(m, err)
		}
	}()
	return nil
}

// DrainTimeoutHint bounds one background commit.
const DrainTimeoutHint = 60 * time.Second

func (w *protoTxnWriter) Close(ctx context.Context) error {
	var err error
	if w.cur != nil {
		err = w.commit(ctx)
	}
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, ctx.Err())
	}
	return err
}
