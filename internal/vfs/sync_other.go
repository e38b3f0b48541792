//go:build !linux

package vfs

// Sync makes the file durable.
func (f osFile) Sync() error { return f.File.Sync() }
