// Package vfs is the small filesystem interface that Sluice's durable storage
// (the tier-1 journal, the filesystem LTS backend) is written against, so
// that tests can run it in memory, crash it and inject errors.
//
// Three implementations live here: Default (the operating system), MemFS (in
// memory, with a power-loss model: Crash drops what was never synced) and
// NewErrorFS (wraps another FS and fails operations chosen by a rule). All
// of them pass the contract suite in package vfstest.
//
// Durability contract, which every user must follow and MemFS enforces:
//   - bytes written to a file are durable only after File.Sync returns nil;
//   - a file's creation, a rename or a removal in a directory is durable only
//     after SyncDir of that directory returns nil;
//   - directories themselves are treated as durable once MkdirAll returns.
package vfs

import (
	"io"
)

// File is an open file. Writes go to the current offset (see io.Seeker); a
// file returned by Open is read-only and its Write, Truncate and Sync may
// fail.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Seeker
	io.Closer
	// Sync makes the bytes written so far durable.
	Sync() error
	// Size returns the current size of the file in bytes.
	Size() (int64, error)
	// Truncate changes the size of the file; growing it pads with zeros.
	// The offset used by Read and Write does not change.
	Truncate(size int64) error
}

// WritebackStarter is implemented by files that can start writing a range
// of dirty pages back to disk without waiting, or write it back and wait
// (the operating system's files on Linux). Both only pace the disk: Sync is
// still what makes data durable.
type WritebackStarter interface {
	StartWriteback(off, n int64) error
	WaitWriteback(off, n int64) error
}

// FS is a filesystem. Names are slash- or OS-separated paths as accepted by
// package path/filepath. Errors about missing files satisfy
// errors.Is(err, fs.ErrNotExist).
type FS interface {
	// Create creates the named file, or truncates it if it exists, and opens
	// it read-write at offset 0.
	Create(name string) (File, error)
	// OpenFile opens an existing file read-write at offset 0.
	OpenFile(name string) (File, error)
	// Open opens an existing file read-only at offset 0.
	Open(name string) (File, error)
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// Rename renames oldname to newname, replacing newname if it exists.
	Rename(oldname, newname string) error
	// MkdirAll creates dir and any missing parents.
	MkdirAll(dir string) error
	// List returns the base names of the entries of dir, sorted.
	List(dir string) ([]string, error)
	// SyncDir makes the creations, renames and removals of entries in dir
	// durable.
	SyncDir(dir string) error
}
