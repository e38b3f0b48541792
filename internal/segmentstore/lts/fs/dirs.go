package fs

import (
	"fmt"
	"path/filepath"
)

// ensureDir makes dir exist durably. The vfs contract makes MkdirAll
// durable, but a real disk needs the parent of every new directory synced;
// not knowing which ones were new, the first call for dir after start syncs
// all ancestors up to the root. Called with dirMu held shared.
func (s *Storage) ensureDir(dir string) error {
	s.cacheMu.Lock()
	known := s.durable[dir]
	s.cacheMu.Unlock()
	if known {
		return nil
	}
	if err := s.fs.MkdirAll(dir); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	for d := dir; d != s.root; {
		parent := filepath.Dir(d)
		if err := s.fs.SyncDir(parent); err != nil {
			return fmt.Errorf("sync directory %q: %w", parent, err)
		}
		d = parent
	}
	s.cacheMu.Lock()
	s.durable[dir] = true
	s.cacheMu.Unlock()
	return nil
}

// pruneDirs removes dir and its ancestors below the root while they are
// empty. Failure only leaves an empty directory behind, so errors end the
// walk silently; nor is the removal synced, as an empty directory that
// reappears after a crash is harmless.
func (s *Storage) pruneDirs(dir string) {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	for d := dir; d != s.root && len(d) > len(s.root); d = filepath.Dir(d) {
		if names, err := s.fs.List(d); err != nil || len(names) > 0 {
			return
		}
		if err := s.fs.Remove(d); err != nil {
			return
		}
		s.cacheMu.Lock()
		delete(s.durable, d)
		s.cacheMu.Unlock()
	}
}
