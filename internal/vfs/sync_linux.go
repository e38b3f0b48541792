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

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writing back the
// range's dirty pages without waiting for them.
const syncFileRangeWrite = 2

// StartWriteback asks the kernel to start writing [off, off+n) to disk
// without waiting (sync_file_range). Writing a large file in pieces and
// starting the writeback of each keeps the final Sync short and the disk
// queue shallow, so that other files' syncs (the journal's) do not wait
// behind megabytes of dirty pages.
func (f osFile) StartWriteback(off, n int64) error {
	return syscall.SyncFileRange(int(f.Fd()), off, n, syncFileRangeWrite)
}
