package metastore

import (
	"context"
	"sort"
	"strings"
)

// Watch implements Watcher. Each watch runs one goroutine, owned by the
// store: it ends when ctx is done or Close is called.
func (m *Mem) Watch(ctx context.Context, prefix string, fromRev int64) <-chan Event {
	ch := make(chan Event)
	m.mu.Lock()
	if m.mu.closed {
		m.mu.Unlock()
		close(ch)
		return ch
	}
	next := len(m.mu.history)
	if fromRev > 0 {
		next = sort.Search(len(m.mu.history), func(i int) bool {
			return m.mu.history[i].KV.ModRevision >= fromRev
		})
	}
	m.wg.Add(1)
	m.mu.Unlock()

	go func() {
		defer m.wg.Done()
		defer close(ch)
		for {
			m.mu.Lock()
			evs := m.mu.history[next:]
			changed := m.mu.changed
			m.mu.Unlock()
			next += len(evs)
			for _, ev := range evs {
				if !strings.HasPrefix(ev.KV.Key, prefix) {
					continue
				}
				select {
				case ch <- ev:
				case <-ctx.Done():
					return
				case <-m.done:
					return
				}
			}
			if len(evs) > 0 {
				continue
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			case <-m.done:
				return
			}
		}
	}()
	return ch
}
