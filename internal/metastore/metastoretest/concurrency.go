package metastoretest

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/sluicestream/sluice/internal/metastore"
)

// testConcurrentCAS increments one counter from many goroutines with
// read-modify-write under AtRevision. No update may be lost and no two
// successful writes may share a revision.
func testConcurrentCAS(t *testing.T, in Instance) {
	const workers, perWorker = 8, 12
	s := in.Store
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		revs = make(map[int64]bool)
		errs = make(chan error, workers)
	)
	for range workers {
		wg.Go(func() {
			for done := 0; done < perWorker; {
				n, cond := 0, metastore.MustNotExist()
				kv, err := s.Get(ctx(t), "counter")
				switch {
				case err == nil:
					if n, err = strconv.Atoi(string(kv.Value)); err != nil {
						errs <- err
						return
					}
					cond = metastore.AtRevision(kv.ModRevision)
				case !errors.Is(err, metastore.ErrNotFound):
					errs <- err
					return
				}
				rev, err := s.Put(ctx(t), "counter", []byte(strconv.Itoa(n+1)), cond)
				if errors.Is(err, metastore.ErrConflict) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				done++
				mu.Lock()
				dup := revs[rev]
				revs[rev] = true
				mu.Unlock()
				if dup {
					errs <- errors.New("two successful writes at revision " + strconv.FormatInt(rev, 10))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	kv := get(t, s, "counter")
	if got := string(kv.Value); got != strconv.Itoa(workers*perWorker) {
		t.Fatalf("counter = %s after %d increments", got, workers*perWorker)
	}
}
