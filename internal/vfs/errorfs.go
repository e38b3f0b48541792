package vfs

import "fmt"

// Op names an operation for an error-injection rule.
type Op uint8

// The operations an ErrorFS rule sees. File operations carry the name the
// file was opened with.
const (
	OpCreate Op = iota + 1
	OpOpenFile
	OpOpen
	OpRemove
	OpRename // name is the old name
	OpMkdirAll
	OpList
	OpSyncDir
	OpRead // Read and ReadAt
	OpWrite
	OpSeek
	OpSync
	OpSize
	OpTruncate
	OpClose
)

var opNames = [...]string{
	OpCreate: "create", OpOpenFile: "openfile", OpOpen: "open", OpRemove: "remove",
	OpRename: "rename", OpMkdirAll: "mkdirall", OpList: "list", OpSyncDir: "syncdir",
	OpRead: "read", OpWrite: "write", OpSeek: "seek", OpSync: "sync", OpSize: "size",
	OpTruncate: "truncate", OpClose: "close",
}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// NewErrorFS returns an FS that asks rule before every operation and fails
// the operation with the returned error, without performing it, when the
// error is non-nil. Otherwise the operation goes to inner. rule may be
// called concurrently and may block (tests use that to hold an operation).
// A failed Close still closes the inner file.
func NewErrorFS(inner FS, rule func(op Op, name string) error) FS {
	return &errorFS{inner: inner, rule: rule}
}

type errorFS struct {
	inner FS
	rule  func(Op, string) error
}

type errorFile struct {
	File
	fs   *errorFS
	name string
}

func (e *errorFS) check(op Op, name string) error { return e.rule(op, name) }

func (e *errorFS) wrap(name string, f File, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return &errorFile{File: f, fs: e, name: name}, nil
}

func (e *errorFS) Create(name string) (File, error) {
	if err := e.check(OpCreate, name); err != nil {
		return nil, err
	}
	f, err := e.inner.Create(name)
	return e.wrap(name, f, err)
}

func (e *errorFS) OpenFile(name string) (File, error) {
	if err := e.check(OpOpenFile, name); err != nil {
		return nil, err
	}
	f, err := e.inner.OpenFile(name)
	return e.wrap(name, f, err)
}

func (e *errorFS) Open(name string) (File, error) {
	if err := e.check(OpOpen, name); err != nil {
		return nil, err
	}
	f, err := e.inner.Open(name)
	return e.wrap(name, f, err)
}

func (e *errorFS) Remove(name string) error {
	if err := e.check(OpRemove, name); err != nil {
		return err
	}
	return e.inner.Remove(name)
}

func (e *errorFS) Rename(oldname, newname string) error {
	if err := e.check(OpRename, oldname); err != nil {
		return err
	}
	return e.inner.Rename(oldname, newname)
}

func (e *errorFS) MkdirAll(dir string) error {
	if err := e.check(OpMkdirAll, dir); err != nil {
		return err
	}
	return e.inner.MkdirAll(dir)
}

func (e *errorFS) List(dir string) ([]string, error) {
	if err := e.check(OpList, dir); err != nil {
		return nil, err
	}
	return e.inner.List(dir)
}

func (e *errorFS) SyncDir(dir string) error {
	if err := e.check(OpSyncDir, dir); err != nil {
		return err
	}
	return e.inner.SyncDir(dir)
}

func (f *errorFile) Read(p []byte) (int, error) {
	if err := f.fs.check(OpRead, f.name); err != nil {
		return 0, err
	}
	return f.File.Read(p)
}

func (f *errorFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.fs.check(OpRead, f.name); err != nil {
		return 0, err
	}
	return f.File.ReadAt(p, off)
}

func (f *errorFile) Write(p []byte) (int, error) {
	if err := f.fs.check(OpWrite, f.name); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *errorFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.fs.check(OpSeek, f.name); err != nil {
		return 0, err
	}
	return f.File.Seek(offset, whence)
}

func (f *errorFile) Sync() error {
	if err := f.fs.check(OpSync, f.name); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *errorFile) Size() (int64, error) {
	if err := f.fs.check(OpSize, f.name); err != nil {
		return 0, err
	}
	return f.File.Size()
}

func (f *errorFile) Truncate(size int64) error {
	if err := f.fs.check(OpTruncate, f.name); err != nil {
		return err
	}
	return f.File.Truncate(size)
}

func (f *errorFile) Close() error {
	err := f.fs.check(OpClose, f.name)
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	return err
}
