// Package fs is the lts.ChunkStorage on a local filesystem (the default in
// standalone mode), written against internal/vfs so that tests can crash it.
//
// A chunk named "a/b/c" is the file <root>/a/b/c: the files under the root
// are exactly the chunks, readable with ordinary tools.
//
// Put writes the data to a temporary file <dir>/.lts-tmp-<random> in the
// chunk's directory, syncs it, renames it over the chunk's file and syncs the
// directory; a reader therefore sees the old file or the complete new one,
// and a crash leaves either, plus at worst an orphaned temporary file that
// List skips. Directories are created on demand (their parents synced, so
// that they survive a crash on a real disk too) and removed by Delete when
// they become empty.
//
// Chunks in aligned memory (the container's chunk buffers) are written
// around the page cache where the filesystem allows it (O_DIRECT on Linux):
// at W2's maximum that cut the server's CPU per GB from 8.3 to 4.8 s, since
// the kernel no longer copies every byte into its cache and writes it back.
// Reads still go through the cache.
package fs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	iofs "io/fs"
	"path"
	"path/filepath"
	"sync"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/vfs"
)

const tmpPrefix = lts.ReservedPrefix + "tmp-"

// Storage stores chunks as files under a root directory.
type Storage struct {
	fs   vfs.FS
	root string

	// dirMu orders directory creation against directory removal: Put holds
	// it shared from creating the chunk's directory until the rename is
	// durable; Delete holds it exclusively while it removes empty
	// directories.
	dirMu sync.RWMutex

	cacheMu sync.Mutex
	durable map[string]bool // guarded by cacheMu: directories known to exist durably
}

var _ lts.ChunkStorage = (*Storage)(nil)

// New returns a Storage keeping its chunks under root, creating root if
// needed. Several Storages must not share a root.
func New(fsys vfs.FS, root string) (*Storage, error) {
	root = filepath.Clean(root)
	if err := fsys.MkdirAll(root); err != nil {
		return nil, fmt.Errorf("create chunk storage root %q: %w", root, err)
	}
	return &Storage{fs: fsys, root: root, durable: map[string]bool{root: true}}, nil
}

// path returns the file of a valid chunk name.
func (s *Storage) path(name string) string { return filepath.Join(s.root, filepath.FromSlash(name)) }

func check(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return lts.ValidateName(name)
}

// Put implements lts.ChunkWriter.
func (s *Storage) Put(ctx context.Context, name string, data []byte) error {
	if err := check(ctx, name); err != nil {
		return fmt.Errorf("put chunk %q: %w", name, err)
	}
	if err := s.put(name, data); err != nil {
		return fmt.Errorf("put chunk %q: %w", name, err)
	}
	return nil
}

func (s *Storage) put(name string, data []byte) error {
	s.dirMu.RLock()
	defer s.dirMu.RUnlock()
	file := s.path(name)
	dir := filepath.Dir(file)
	if err := s.ensureDir(dir); err != nil {
		return err
	}
	tmp := filepath.Join(dir, tmpPrefix+randomSuffix())
	if err := s.writeSynced(tmp, data); err != nil {
		_ = s.fs.Remove(tmp)
		return err
	}
	if err := s.fs.Rename(tmp, file); err != nil {
		_ = s.fs.Remove(tmp)
		return fmt.Errorf("rename into place (is %q a directory of other chunks?): %w", path.Base(name), err)
	}
	if err := s.fs.SyncDir(dir); err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}

// writebackBytes is how much of a chunk is written and flushed at a time
// (where the file supports it).
const writebackBytes = 256 << 10

// writePaced writes data in pieces of writebackBytes and puts each piece on
// the disk before the next, so the disk never holds more than one piece of
// the chunk in its queue: the journal's fdatasync on the same disk waits for
// at most that piece, not for a 16 MiB chunk, and the sync that ends the Put
// has nothing left to write. (A pause after each piece, to leave the disk
// idle part of the time, did not measurably help commit latency and would
// cap the storage writer's throughput, so there is none.)
//
// Data at an aligned address (the container assembles chunks in aligned
// buffers) goes around the page cache where the file allows it, up to its
// last whole block; the tail, and everything on files or filesystems that
// cannot, is written through the cache and its writeback waited for.
func writePaced(f vfs.File, data []byte) error {
	done := 0
	if dw, ok := f.(vfs.DirectWriter); ok && vfs.IsAligned(data) {
		n, err := writeDirect(dw, data)
		if err != nil && !errors.Is(err, vfs.ErrDirectUnsupported) {
			return err
		}
		done = n
	}
	ws, paced := f.(vfs.WritebackStarter)
	if !paced {
		_, err := f.Write(data[done:])
		return err
	}
	for off := done; off < len(data); off += writebackBytes {
		piece := data[off:min(off+writebackBytes, len(data))]
		if _, err := f.Write(piece); err != nil {
			return err
		}
		if err := ws.WaitWriteback(int64(off), int64(len(piece))); err != nil {
			return err
		}
	}
	return nil
}

// writeDirect writes the whole blocks of data directly, writebackBytes at a
// time, and returns how many bytes it wrote. It stops at the first piece
// that fails; vfs.ErrDirectUnsupported before any byte is written means the
// caller should write everything the ordinary way.
func writeDirect(dw vfs.DirectWriter, data []byte) (int, error) {
	whole := len(data) - len(data)%vfs.DirectAlignment
	for off := 0; off < whole; off += writebackBytes {
		n, err := dw.WriteDirect(data[off:min(off+writebackBytes, whole)])
		if err != nil {
			return off + n, err
		}
	}
	return whole, nil
}

func (s *Storage) writeSynced(file string, data []byte) error {
	f, err := s.fs.Create(file)
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	if err := writePaced(f, data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write temporary file: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync temporary file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close temporary file: %w", err)
	}
	return nil
}

func randomSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}

// Delete implements lts.ChunkWriter.
func (s *Storage) Delete(ctx context.Context, name string) error {
	if err := check(ctx, name); err != nil {
		return fmt.Errorf("delete chunk %q: %w", name, err)
	}
	file := s.path(name)
	dir := filepath.Dir(file)
	if err := s.fs.Remove(file); err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("delete chunk %q: %w", name, err)
	}
	if err := s.fs.SyncDir(dir); err != nil {
		return fmt.Errorf("delete chunk %q: sync directory: %w", name, err)
	}
	s.pruneDirs(dir)
	return nil
}
