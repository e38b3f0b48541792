package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"syscall"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/vfs"
)

// open opens a chunk's file for reading, mapping a missing file to
// lts.ErrNotFound.
func (s *Storage) open(name string) (vfs.File, error) {
	f, err := s.fs.Open(s.path(name))
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return nil, lts.ErrNotFound
		}
		return nil, err
	}
	return f, nil
}

// notFile maps the error of reading a directory (a name that is only a
// prefix of chunks) to lts.ErrNotFound.
func notFile(err error) error {
	if errors.Is(err, syscall.EISDIR) {
		return lts.ErrNotFound
	}
	return err
}

// ReadAt implements lts.ChunkReader. Each call opens the file, so a read
// racing a Put sees one version whole.
func (s *Storage) ReadAt(ctx context.Context, name string, p []byte, off int64) (int, error) {
	if err := check(ctx, name); err != nil {
		return 0, fmt.Errorf("read chunk %q: %w", name, err)
	}
	if off < 0 {
		return 0, fmt.Errorf("read chunk %q at %d: %w", name, off, lts.ErrBadOffset)
	}
	if len(p) == 0 {
		if _, err := s.Stat(ctx, name); err != nil {
			return 0, err
		}
		return 0, nil
	}
	f, err := s.open(name)
	if err != nil {
		return 0, fmt.Errorf("read chunk %q: %w", name, err)
	}
	defer func() { _ = f.Close() }()
	n, err := f.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read chunk %q at %d: %w", name, off, notFile(err))
	}
	return n, err
}

// Stat implements lts.ChunkReader.
func (s *Storage) Stat(ctx context.Context, name string) (lts.ChunkInfo, error) {
	if err := check(ctx, name); err != nil {
		return lts.ChunkInfo{}, fmt.Errorf("stat chunk %q: %w", name, err)
	}
	size, err := s.size(name)
	if err != nil {
		return lts.ChunkInfo{}, fmt.Errorf("stat chunk %q: %w", name, err)
	}
	return lts.ChunkInfo{Name: name, Size: size}, nil
}

// size returns the size of a chunk file. vfs cannot tell a directory from
// a file, so a one-byte read probes for a directory.
func (s *Storage) size(name string) (int64, error) {
	f, err := s.open(name)
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	var probe [1]byte
	if _, err := f.ReadAt(probe[:], 0); err != nil && !errors.Is(err, io.EOF) {
		return 0, notFile(err)
	}
	return f.Size()
}
