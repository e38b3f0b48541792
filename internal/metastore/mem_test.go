package metastore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/metastore"
	"github.com/sluicestream/sluice/internal/metastore/metastoretest"
)

// manualClock is a clock that moves only when told.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestMem(t *testing.T) {
	metastoretest.Run(t, func(t *testing.T) metastoretest.Instance {
		clock := &manualClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		m := metastore.NewMem(clock.Now)
		t.Cleanup(func() { m.Close() })
		return metastoretest.Instance{Store: m, Advance: clock.Advance}
	})
}
