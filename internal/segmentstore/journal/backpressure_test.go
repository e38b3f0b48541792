package journal_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/sluicestream/sluice/internal/segmentstore/journal"
	"github.com/sluicestream/sluice/internal/vfs"
)

// heldSyncFS returns a filesystem whose file Syncs block, while hold is
// set, until release is closed.
func heldSyncFS(hold *atomic.Bool, release chan struct{}) vfs.FS {
	return vfs.NewErrorFS(vfs.NewMem(), func(op vfs.Op, _ string) error {
		if op == vfs.OpSync && hold.Load() {
			<-release
		}
		return nil
	})
}

func TestBackPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hold atomic.Bool
		release := make(chan struct{})
		j := open(t, heldSyncFS(&hold, release), journal.Options{MaxBufferedBytes: 1000})
		l := j.Log(1)
		p := make([]byte, 100) // a 124-byte record
		hold.Store(true)
		if _, err := l.Append(p); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the writer holds the first record, blocked in Sync
		for range 7 {
			if _, err := l.Append(p); err != nil {
				t.Fatal(err)
			}
		}
		if got := j.Stats().BufferedBytes; got != 8*124 {
			t.Fatalf("BufferedBytes %d, want %d", got, 8*124)
		}
		var done atomic.Bool
		go func() {
			if _, err := l.Append(p); err != nil {
				t.Error(err)
			}
			done.Store(true)
		}()
		synctest.Wait()
		if done.Load() {
			t.Fatal("Append beyond MaxBufferedBytes did not block")
		}
		hold.Store(false)
		close(release)
		synctest.Wait()
		if !done.Load() {
			t.Fatal("Append still blocked after the commit")
		}
		mustClose(t, j)
	})
}

func TestBackPressureAdmitsOversizedRecordAlone(t *testing.T) {
	j := open(t, vfs.NewMem(), journal.Options{MaxBufferedBytes: 100})
	l := j.Log(1)
	tr := track(l)
	for range 3 {
		seq, err := l.Append(make([]byte, 500))
		if err != nil {
			t.Fatal(err)
		}
		tr.wait(t, seq)
	}
	mustClose(t, j)
}

func TestCloseFailsBlockedAppends(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hold atomic.Bool
		release := make(chan struct{})
		j := open(t, heldSyncFS(&hold, release), journal.Options{MaxBufferedBytes: 200})
		l := j.Log(1)
		tr := track(l)
		hold.Store(true)
		for range 2 {
			if _, err := l.Append(make([]byte, 76)); err != nil { // 100 bytes each
				t.Fatal(err)
			}
			synctest.Wait()
		}
		var blockedErr atomic.Pointer[error]
		go func() {
			_, err := l.Append(make([]byte, 76))
			blockedErr.Store(&err)
		}()
		var closeErr atomic.Pointer[error]
		synctest.Wait()
		go func() {
			err := j.Close()
			closeErr.Store(&err)
		}()
		synctest.Wait()
		if p := blockedErr.Load(); p == nil || !errors.Is(*p, journal.ErrClosed) {
			t.Fatalf("blocked Append after Close: %v", p)
		}
		if closeErr.Load() != nil {
			t.Fatal("Close returned before the commit in flight finished")
		}
		hold.Store(false)
		close(release)
		synctest.Wait()
		if p := closeErr.Load(); p == nil || *p != nil {
			t.Fatalf("Close: %v", p)
		}
		if tr.durable != 2 {
			t.Fatalf("durable %d after Close, want 2", tr.durable)
		}
	})
}
