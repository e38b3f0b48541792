// Package mem is an in-memory lts.ChunkStorage for tests.
package mem

import (
	"context"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// Storage keeps chunks in a map. Chunks are never modified in place (Put
// installs a fresh copy), so readers copy out of a stable slice. The zero
// value is not usable; call New.
type Storage struct {
	mu     sync.RWMutex
	chunks map[string][]byte // guarded by mu; values are never mutated
}

var _ lts.ChunkStorage = (*Storage)(nil)

// New returns an empty Storage.
func New() *Storage { return &Storage{chunks: make(map[string][]byte)} }

func (s *Storage) get(name string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.chunks[name]
	return b, ok
}

// Put implements lts.ChunkWriter.
func (s *Storage) Put(ctx context.Context, name string, data []byte) error {
	if err := check(ctx, name); err != nil {
		return fmt.Errorf("put chunk %q: %w", name, err)
	}
	c := slices.Clone(data)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chunks[name] = c
	return nil
}

// ReadAt implements lts.ChunkReader.
func (s *Storage) ReadAt(ctx context.Context, name string, p []byte, off int64) (int, error) {
	if err := check(ctx, name); err != nil {
		return 0, fmt.Errorf("read chunk %q: %w", name, err)
	}
	if off < 0 {
		return 0, fmt.Errorf("read chunk %q at %d: %w", name, off, lts.ErrBadOffset)
	}
	b, ok := s.get(name)
	if !ok {
		return 0, fmt.Errorf("read chunk %q: %w", name, lts.ErrNotFound)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Stat implements lts.ChunkReader.
func (s *Storage) Stat(ctx context.Context, name string) (lts.ChunkInfo, error) {
	if err := check(ctx, name); err != nil {
		return lts.ChunkInfo{}, fmt.Errorf("stat chunk %q: %w", name, err)
	}
	b, ok := s.get(name)
	if !ok {
		return lts.ChunkInfo{}, fmt.Errorf("stat chunk %q: %w", name, lts.ErrNotFound)
	}
	return lts.ChunkInfo{Name: name, Size: int64(len(b))}, nil
}

// Delete implements lts.ChunkWriter.
func (s *Storage) Delete(ctx context.Context, name string) error {
	if err := check(ctx, name); err != nil {
		return fmt.Errorf("delete chunk %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.chunks, name)
	return nil
}

// List implements lts.ChunkLister. It lists a snapshot taken when iteration
// starts.
func (s *Storage) List(ctx context.Context, prefix string) iter.Seq2[lts.ChunkInfo, error] {
	return func(yield func(lts.ChunkInfo, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(lts.ChunkInfo{}, fmt.Errorf("list chunks %q: %w", prefix, err))
			return
		}
		s.mu.RLock()
		var infos []lts.ChunkInfo
		for _, name := range slices.Sorted(maps.Keys(s.chunks)) {
			if strings.HasPrefix(name, prefix) {
				infos = append(infos, lts.ChunkInfo{Name: name, Size: int64(len(s.chunks[name]))})
			}
		}
		s.mu.RUnlock()
		for _, info := range infos {
			if !yield(info, nil) {
				return
			}
		}
	}
}

func check(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return lts.ValidateName(name)
}
