package metastore

import (
	"context"
	"fmt"
	"time"
)

// KeepAlive renews lease id every interval until ctx is done (then it
// returns nil) or a renewal fails (then it returns the error; ErrLeaseNotFound
// means the lease is gone and the keys bound to it with it). It blocks: run
// it on a goroutine you own. Choose interval well below the TTL, e.g. a
// third of it, so that one slow renewal does not lose the lease.
func KeepAlive(ctx context.Context, l Leaser, id LeaseID, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if _, err := l.KeepAliveOnce(ctx, id); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("keep lease %x alive: %w", int64(id), err)
		}
	}
}
