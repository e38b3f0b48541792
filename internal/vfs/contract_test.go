package vfs_test

import (
	"testing"

	"github.com/sluicestream/sluice/internal/vfs"
	"github.com/sluicestream/sluice/internal/vfs/vfstest"
)

func TestDefaultContract(t *testing.T) {
	vfstest.Run(t, func(t *testing.T) (vfs.FS, string) { return vfs.Default(), t.TempDir() })
}

func TestMemContract(t *testing.T) {
	vfstest.Run(t, func(t *testing.T) (vfs.FS, string) {
		m := vfs.NewMem()
		if err := m.MkdirAll("/data/test"); err != nil {
			t.Fatal(err)
		}
		return m, "/data/test"
	})
}

func TestErrorFSPassThroughContract(t *testing.T) {
	vfstest.Run(t, func(t *testing.T) (vfs.FS, string) {
		return vfs.NewErrorFS(vfs.NewMem(), func(vfs.Op, string) error { return nil }), "/"
	})
}
