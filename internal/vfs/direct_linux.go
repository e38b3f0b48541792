package vfs

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// WriteDirect turns O_DIRECT on for one write and off again, so that the
// file's other writes (an unaligned tail) still go through the page cache.
func (f osFile) WriteDirect(p []byte) (int, error) {
	if len(p)%DirectAlignment != 0 || (len(p) > 0 && !IsAligned(p)) {
		return 0, fmt.Errorf("write direct: %d bytes not aligned to %d", len(p), DirectAlignment)
	}
	fd := f.Fd()
	flags, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
	if err != nil {
		return 0, fmt.Errorf("write direct: get file flags: %w", err)
	}
	if _, err := unix.FcntlInt(fd, unix.F_SETFL, flags|unix.O_DIRECT); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrDirectUnsupported, err)
	}
	n, werr := f.Write(p)
	if _, err := unix.FcntlInt(fd, unix.F_SETFL, flags); err != nil && werr == nil {
		werr = fmt.Errorf("write direct: restore file flags: %w", err)
	}
	if n == 0 && errors.Is(werr, unix.EINVAL) { // the filesystem wants another alignment
		return 0, fmt.Errorf("%w: %w", ErrDirectUnsupported, werr)
	}
	return n, werr
}
