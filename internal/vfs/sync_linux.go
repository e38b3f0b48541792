package vfs

import "syscall"

// Sync makes the file's data durable with fdatasync: it flushes the data
// and the metadata needed to read it back (such as a changed size), but not
// timestamps. On a file whose blocks are already allocated and written
// (a preallocated journal file) that is one data flush, much cheaper than
// fsync on this kind of disk.
func (f osFile) Sync() error {
	return syscall.Fdatasync(int(f.Fd()))
}
