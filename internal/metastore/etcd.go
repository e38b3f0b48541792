package metastore

import (
	"context"
	"sync"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/namespace"
)

// Etcd is a Store on an etcd v3 cluster, reached through a clientv3 client
// (a remote cluster, or the Embedded server). All its keys live under a
// prefix that the Store hides: Get("a") reads etcd key prefix+"a".
type Etcd struct {
	kv      clientv3.KV
	leases  clientv3.Lease
	watcher clientv3.Watcher

	// root is cancelled by Close; every watch runs under it.
	root   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // watch goroutines
}

var _ Store = (*Etcd)(nil)

// NewEtcd returns a Store on cli whose keys live under prefix (may be
// empty). The caller keeps owning cli and closes it after Close.
func NewEtcd(cli *clientv3.Client, prefix string) *Etcd {
	e := &Etcd{
		kv:      namespace.NewKV(cli.KV, prefix),
		leases:  namespace.NewLease(cli.Lease, prefix),
		watcher: namespace.NewWatcher(cli.Watcher, prefix),
	}
	e.root, e.cancel = context.WithCancel(context.Background())
	return e
}

// Close ends all watches and makes later calls fail with ErrClosed. It does
// not close the client.
func (e *Etcd) Close() error {
	e.cancel()
	e.wg.Wait()
	return nil
}

// check fails with ErrClosed after Close.
func (e *Etcd) check() error {
	if e.root.Err() != nil {
		return ErrClosed
	}
	return nil
}

// Get implements Reader.
func (e *Etcd) Get(ctx context.Context, key string) (KV, error) {
	if err := e.check(); err != nil {
		return KV{}, err
	}
	if key == "" {
		return KV{}, invalidf("empty key")
	}
	resp, err := e.kv.Get(ctx, key)
	if err != nil {
		return KV{}, etcdErr(err)
	}
	if len(resp.Kvs) == 0 {
		return KV{}, ErrNotFound
	}
	return fromEtcd(resp.Kvs[0]), nil
}

// List implements Reader.
func (e *Etcd) List(ctx context.Context, prefix, startAfter string, limit int) ([]KV, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	// The range is [start, end): end is the first key after the prefix, or
	// "\x00", etcd's "to the end of the key space", for an empty prefix.
	end := clientv3.GetPrefixRangeEnd(prefix)
	start := prefix
	if startAfter >= prefix {
		start = startAfter + "\x00"
	}
	if start == "" {
		start = "\x00"
	}
	if end != "\x00" && start >= end {
		return nil, nil
	}
	resp, err := e.kv.Get(ctx, start, clientv3.WithRange(end), clientv3.WithLimit(int64(max(limit, 0))))
	if err != nil {
		return nil, etcdErr(err)
	}
	out := make([]KV, len(resp.Kvs))
	for i, kv := range resp.Kvs {
		out[i] = fromEtcd(kv)
	}
	return out, nil
}

// Put implements Writer.
func (e *Etcd) Put(ctx context.Context, key string, value []byte, cond Cond, opts ...PutOption) (int64, error) {
	return e.Txn(ctx, PutOp(key, value, cond, opts...))
}

// Delete implements Writer.
func (e *Etcd) Delete(ctx context.Context, key string, cond Cond) error {
	_, err := e.Txn(ctx, DeleteOp(key, cond))
	return err
}

// Txn implements Writer as one etcd transaction: the conditions become
// compares, the puts and deletes its success branch.
func (e *Etcd) Txn(ctx context.Context, ops ...Op) (int64, error) {
	if err := e.check(); err != nil {
		return 0, err
	}
	if err := validateOps(ops); err != nil {
		return 0, err
	}
	var cmps []clientv3.Cmp
	var then []clientv3.Op
	for _, o := range ops {
		switch o.cond.kind {
		case condNotExist:
			cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(o.key), "=", 0))
		case condAtRevision:
			cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(o.key), "=", o.cond.rev))
		}
		switch o.kind {
		case opPut:
			var opts []clientv3.OpOption
			if o.lease != NoLease {
				opts = append(opts, clientv3.WithLease(clientv3.LeaseID(o.lease)))
			}
			then = append(then, clientv3.OpPut(o.key, string(o.value), opts...))
		case opDelete:
			then = append(then, clientv3.OpDelete(o.key))
		}
	}
	resp, err := e.kv.Txn(ctx).If(cmps...).Then(then...).Commit()
	if err != nil {
		return 0, etcdErr(err)
	}
	if !resp.Succeeded {
		return 0, ErrConflict
	}
	return resp.Header.Revision, nil
}

// fromEtcd converts an etcd key-value.
func fromEtcd(kv *mvccpb.KeyValue) KV {
	return KV{
		Key:            string(kv.Key),
		Value:          kv.Value,
		CreateRevision: kv.CreateRevision,
		ModRevision:    kv.ModRevision,
		Lease:          LeaseID(kv.Lease),
	}
}
