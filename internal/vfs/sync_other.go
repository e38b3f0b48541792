//go:build !linux

package vfs

// Sync makes the file durable.
func (f osFile) Sync() error { return f.File.Sync() }

// StartWriteback does nothing on this platform: the final Sync writes
// everything.
func (f osFile) StartWriteback(off, n int64) error { return nil }

// WaitWriteback does nothing on this platform.
func (f osFile) WaitWriteback(off, n int64) error { return nil }
