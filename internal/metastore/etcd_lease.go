package metastore

import (
	"context"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Grant implements Leaser.
func (e *Etcd) Grant(ctx context.Context, ttl time.Duration) (LeaseID, error) {
	if err := e.check(); err != nil {
		return NoLease, err
	}
	resp, err := e.leases.Grant(ctx, ttlSeconds(ttl))
	if err != nil {
		return NoLease, etcdErr(err)
	}
	return LeaseID(resp.ID), nil
}

// KeepAliveOnce implements Leaser.
func (e *Etcd) KeepAliveOnce(ctx context.Context, id LeaseID) (time.Duration, error) {
	if err := e.check(); err != nil {
		return 0, err
	}
	resp, err := e.leases.KeepAliveOnce(ctx, clientv3.LeaseID(id))
	if err != nil {
		return 0, etcdErr(err)
	}
	return time.Duration(resp.TTL) * time.Second, nil
}

// Revoke implements Leaser.
func (e *Etcd) Revoke(ctx context.Context, id LeaseID) error {
	if err := e.check(); err != nil {
		return err
	}
	if _, err := e.leases.Revoke(ctx, clientv3.LeaseID(id)); err != nil {
		return etcdErr(err)
	}
	return nil
}
