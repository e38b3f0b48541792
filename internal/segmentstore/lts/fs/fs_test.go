package fs_test

import (
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/fs"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/ltstest"
	"github.com/sluicestream/sluice/internal/vfs"
)

func TestContractOS(t *testing.T) {
	ltstest.Run(t, func(t *testing.T) lts.ChunkStorage {
		s, err := fs.New(vfs.Default(), t.TempDir()+"/lts")
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestContractMem(t *testing.T) {
	ltstest.Run(t, func(t *testing.T) lts.ChunkStorage {
		s, err := fs.New(vfs.NewMem(), "/data/lts")
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func BenchmarkOS(b *testing.B) {
	s, err := fs.New(vfs.Default(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ltstest.Bench(b, s)
}
