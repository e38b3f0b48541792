package fs

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"iter"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// List implements lts.ChunkLister. It walks the directories that can hold
// matching names, collects them and yields them sorted (a directory walk
// would put "a/b" before "a.b", byte order does not).
func (s *Storage) List(ctx context.Context, prefix string) iter.Seq2[lts.ChunkInfo, error] {
	return func(yield func(lts.ChunkInfo, error) bool) {
		infos, err := s.collect(ctx, prefix)
		if err != nil {
			yield(lts.ChunkInfo{}, fmt.Errorf("list chunks %q: %w", prefix, err))
			return
		}
		for _, info := range infos {
			if !yield(info, nil) {
				return
			}
		}
	}
}

func (s *Storage) collect(ctx context.Context, prefix string) ([]lts.ChunkInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Start at the deepest directory every match lies in.
	start := ""
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
		if lts.ValidateName(start) != nil {
			return nil, nil // no chunk can live there
		}
	}
	var out []lts.ChunkInfo
	err := s.walk(ctx, start, prefix, &out)
	slices.SortFunc(out, func(a, b lts.ChunkInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// walk adds the chunks under the directory of name dir ("" for the root)
// that match prefix.
func (s *Storage) walk(ctx context.Context, dir, prefix string, out *[]lts.ChunkInfo) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := s.fs.List(s.dirPath(dir))
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil // missing, deleted meanwhile, or a file
		}
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e, lts.ReservedPrefix) {
			continue
		}
		name := path.Join(dir, e)
		asDir := name + "/"
		if !strings.HasPrefix(name, prefix) && !strings.HasPrefix(prefix, asDir) && !strings.HasPrefix(asDir, prefix) {
			continue
		}
		isDir, err := s.isDir(name)
		if err != nil {
			return err
		}
		if isDir {
			if err := s.walk(ctx, name, prefix, out); err != nil {
				return err
			}
			continue
		}
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		size, err := s.size(name)
		if errors.Is(err, lts.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return fmt.Errorf("stat %q: %w", name, err)
		}
		*out = append(*out, lts.ChunkInfo{Name: name, Size: size})
	}
	return nil
}

func (s *Storage) dirPath(dir string) string {
	if dir == "" {
		return s.root
	}
	return s.path(dir)
}

// isDir tells a directory from a file by trying to list it: vfs has no
// stat.
func (s *Storage) isDir(name string) (bool, error) {
	_, err := s.fs.List(s.path(name))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, iofs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return false, nil
	default:
		return false, err
	}
}
