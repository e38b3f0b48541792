package metastore

import (
	"context"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Watch implements Watcher. Each watch runs one goroutine that converts
// etcd's watch responses; it ends when ctx is done or Close is called.
func (e *Etcd) Watch(ctx context.Context, prefix string, fromRev int64) <-chan Event {
	ch := make(chan Event)
	if e.check() != nil {
		close(ch)
		return ch
	}
	wctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(e.root, cancel)
	opts := []clientv3.OpOption{clientv3.WithPrefix()}
	if fromRev > 0 {
		opts = append(opts, clientv3.WithRev(fromRev))
	} else {
		opts = append(opts, clientv3.WithCreatedNotify())
	}
	wch := e.watcher.Watch(clientv3.WithRequireLeader(wctx), prefix, opts...)
	// A watch starts where the server registers it, not where Watch is
	// called. To honour "changes after the call", wait for the server to
	// confirm the registration.
	var pending []clientv3.WatchResponse
	if fromRev == 0 {
		if resp, ok := <-wch; ok && !onlyCreated(resp) {
			pending = append(pending, resp)
		}
	}

	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(ch)
		defer stop()
		defer cancel()
		send := func(ev Event) bool {
			select {
			case ch <- ev:
				return true
			case <-wctx.Done():
				return false
			}
		}
		handle := func(resp clientv3.WatchResponse) bool {
			if err := resp.Err(); err != nil {
				if wctx.Err() == nil {
					send(Event{Err: etcdErr(err)})
				}
				return false
			}
			for _, ev := range resp.Events {
				if !send(fromEtcdEvent(ev)) {
					return false
				}
			}
			return true
		}
		for _, resp := range pending {
			if !handle(resp) {
				return
			}
		}
		for resp := range wch {
			if !handle(resp) {
				return
			}
		}
	}()
	return ch
}

// fromEtcdEvent converts an etcd watch event.
func fromEtcdEvent(ev *clientv3.Event) Event {
	if ev.Type == mvccpb.DELETE {
		return Event{Type: EventDelete, KV: KV{Key: string(ev.Kv.Key), ModRevision: ev.Kv.ModRevision}}
	}
	return Event{Type: EventPut, KV: fromEtcd(ev.Kv)}
}

// onlyCreated reports whether resp merely confirms that a watch exists.
func onlyCreated(resp clientv3.WatchResponse) bool {
	return resp.Created && len(resp.Events) == 0 && resp.Err() == nil
}
