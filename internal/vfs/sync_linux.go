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

// sync_file_range flags: wait for writeback already under way, start
// writing back the range's dirty pages, wait for that writeback.
const (
	syncFileRangeWaitBefore = 1
	syncFileRangeWrite      = 2
	syncFileRangeWaitAfter  = 4
)

// StartWriteback asks the kernel to start writing [off, off+n) to disk
// without waiting (sync_file_range). Writing a large file in pieces and
// starting the writeback of each keeps the final Sync short and the disk
// queue shallow, so that other files' syncs (the journal's) do not wait
// behind megabytes of dirty pages.
func (f osFile) StartWriteback(off, n int64) error {
	return syscall.SyncFileRange(int(f.Fd()), off, n, syncFileRangeWrite)
}

// WaitWriteback writes [off, off+n) back to disk and waits for it
// (sync_file_range; not a durability barrier: Sync still is).
func (f osFile) WaitWriteback(off, n int64) error {
	return syscall.SyncFileRange(int(f.Fd()), off, n,
		syncFileRangeWaitBefore|syncFileRangeWrite|syncFileRangeWaitAfter)
}
