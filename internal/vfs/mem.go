package vfs

import (
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sync"
)

// ErrCrashed is returned by operations on a MemFS file handle that was open
// when MemFS.Crash ran: the process that held it is considered dead.
var ErrCrashed = errors.New("vfs: file handle invalidated by simulated crash")

// MemFS is an in-memory FS with a power-loss model. It remembers, for every
// file, the bytes that were made durable by File.Sync and, for every
// directory, the entries that were made durable by SyncDir. Crash and
// CrashClone turn the filesystem into what a machine would find after losing
// power: see CrashPolicy.
//
// All methods are safe for concurrent use; one mutex serialises everything,
// which is fine for tests.
type MemFS struct {
	mu     sync.Mutex
	dirs   map[string]*memDir // cleaned path -> directory
	epoch  uint64             // bumped by Crash; older handles fail
	policy CrashPolicy
}

// memDir is a directory: its live entries and the entries as of its last
// SyncDir. Subdirectories are not entries here; they live in MemFS.dirs and
// are durable on creation.
type memDir struct {
	files  map[string]*memNode
	synced map[string]*memNode
}

// memNode is a file's contents (an inode). synced holds the durable bytes.
// While prefix is true, synced shares its backing array with data and is a
// prefix of it: everything written since the last Sync was appended at or
// after len(synced). A write or truncation below len(synced) copies synced
// first and clears prefix.
type memNode struct {
	data   []byte
	synced []byte
	prefix bool
}

// NewMem returns an empty in-memory filesystem holding the root directory
// "/" and the current directory ".".
func NewMem() *MemFS {
	m := &MemFS{dirs: make(map[string]*memDir)}
	m.dirs["/"] = newMemDir()
	m.dirs["."] = newMemDir()
	return m
}

func newMemDir() *memDir {
	return &memDir{files: make(map[string]*memNode), synced: make(map[string]*memNode)}
}

func clean(name string) string { return filepath.Clean(name) }

// lookupLocked splits name into its directory and base name and returns the
// directory, or an fs.ErrNotExist path error.
func (m *MemFS) lookupLocked(op, name string) (*memDir, string, error) {
	name = clean(name)
	d, ok := m.dirs[filepath.Dir(name)]
	if !ok {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return d, filepath.Base(name), nil
}

// Create implements FS.
func (m *MemFS) Create(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, base, err := m.lookupLocked("create", name)
	if err != nil {
		return nil, err
	}
	if _, isDir := m.dirs[clean(name)]; isDir {
		return nil, &fs.PathError{Op: "create", Path: name, Err: errors.New("is a directory")}
	}
	n, ok := d.files[base]
	if ok {
		n.truncate(0)
	} else {
		n = &memNode{}
		d.files[base] = n
	}
	return m.newHandle(name, n, false), nil
}

// OpenFile implements FS.
func (m *MemFS) OpenFile(name string) (File, error) { return m.open("open", name, false) }

// Open implements FS.
func (m *MemFS) Open(name string) (File, error) { return m.open("open", name, true) }

func (m *MemFS) open(op, name string, readOnly bool) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, base, err := m.lookupLocked(op, name)
	if err != nil {
		return nil, err
	}
	n, ok := d.files[base]
	if !ok {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return m.newHandle(name, n, readOnly), nil
}

func (m *MemFS) newHandle(name string, n *memNode, readOnly bool) *memFile {
	return &memFile{fs: m, name: name, node: n, readOnly: readOnly, epoch: m.epoch}
}

// Remove implements FS.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if sub, ok := m.dirs[clean(name)]; ok {
		if len(sub.files) > 0 || m.hasSubdirsLocked(clean(name)) {
			return &fs.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
		}
		delete(m.dirs, clean(name))
		return nil
	}
	d, base, err := m.lookupLocked("remove", name)
	if err != nil {
		return err
	}
	if _, ok := d.files[base]; !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	delete(d.files, base)
	return nil
}

func (m *MemFS) hasSubdirsLocked(dir string) bool {
	for p := range m.dirs {
		if p != dir && filepath.Dir(p) == dir {
			return true
		}
	}
	return false
}

// Rename implements FS. Only files can be renamed.
func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	od, obase, err := m.lookupLocked("rename", oldname)
	if err != nil {
		return err
	}
	n, ok := od.files[obase]
	if !ok {
		if _, isDir := m.dirs[clean(oldname)]; isDir {
			return &fs.PathError{Op: "rename", Path: oldname, Err: errors.New("MemFS cannot rename directories")}
		}
		return &fs.PathError{Op: "rename", Path: oldname, Err: fs.ErrNotExist}
	}
	nd, nbase, err := m.lookupLocked("rename", newname)
	if err != nil {
		return err
	}
	if _, isDir := m.dirs[clean(newname)]; isDir {
		return &fs.PathError{Op: "rename", Path: newname, Err: errors.New("is a directory")}
	}
	delete(od.files, obase)
	nd.files[nbase] = n
	return nil
}

// MkdirAll implements FS. Directories are durable as soon as they exist.
func (m *MemFS) MkdirAll(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = clean(dir)
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		if _, ok := m.dirs[p]; ok {
			break
		}
		if d, ok := m.dirs[filepath.Dir(p)]; ok {
			if _, isFile := d.files[filepath.Base(p)]; isFile {
				return &fs.PathError{Op: "mkdir", Path: p, Err: errors.New("not a directory")}
			}
		}
		missing = append(missing, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	for _, p := range missing {
		m.dirs[p] = newMemDir()
	}
	return nil
}

// List implements FS.
func (m *MemFS) List(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = clean(dir)
	d, ok := m.dirs[dir]
	if !ok {
		return nil, &fs.PathError{Op: "list", Path: dir, Err: fs.ErrNotExist}
	}
	names := slices.Collect(maps.Keys(d.files))
	for p := range m.dirs {
		if p != dir && filepath.Dir(p) == dir {
			names = append(names, filepath.Base(p))
		}
	}
	slices.Sort(names)
	return names, nil
}

// SyncDir implements FS: it makes the current entries of dir durable.
func (m *MemFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.dirs[clean(dir)]
	if !ok {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: fs.ErrNotExist}
	}
	d.synced = maps.Clone(d.files)
	return nil
}

// sync makes n's current contents durable.
func (n *memNode) sync() {
	n.synced = n.data[:len(n.data):len(n.data)]
	n.prefix = true
}

// unshare makes sure that changing data at offsets >= off cannot change
// the durable bytes.
func (n *memNode) unshare(off int64) {
	if n.prefix && off < int64(len(n.synced)) {
		n.synced = slices.Clone(n.synced)
		n.prefix = false
	}
}

func (n *memNode) truncate(size int64) {
	n.unshare(size)
	if size <= int64(len(n.data)) {
		n.data = n.data[:size]
		return
	}
	n.data = append(n.data, make([]byte, size-int64(len(n.data)))...)
}

func (n *memNode) writeAt(p []byte, off int64) {
	n.unshare(off)
	if off == int64(len(n.data)) {
		n.data = append(n.data, p...)
		return
	}
	end := off + int64(len(p))
	if end > int64(len(n.data)) {
		n.truncate(end)
	}
	copy(n.data[off:], p)
}
