package lts

import (
	"context"
	"iter"
)

// ChunkInfo describes a stored chunk.
type ChunkInfo struct {
	// Name is the chunk's name as given to Put.
	Name string
	// Size is the chunk's length in bytes.
	Size int64
}

// ChunkReader reads chunks. Reads may run concurrently with each other and
// with writes; a read sees one complete version of the chunk.
type ChunkReader interface {
	// ReadAt reads len(p) bytes of the named chunk starting at byte off, with
	// io.ReaderAt's rules: it returns n < len(p) only together with a
	// non-nil error, which is io.EOF when the chunk ends before off+len(p)
	// (so off >= size gives 0, io.EOF). An empty p returns 0, nil when the
	// chunk exists. A missing chunk gives ErrNotFound, a negative off
	// ErrBadOffset.
	ReadAt(ctx context.Context, name string, p []byte, off int64) (int, error)
	// Stat returns the chunk's size, or ErrNotFound.
	Stat(ctx context.Context, name string) (ChunkInfo, error)
}

// ChunkWriter writes and removes whole chunks.
type ChunkWriter interface {
	// Put stores data as the complete contents of the named chunk, replacing
	// any chunk of that name. It is atomic (readers see the old chunk or the
	// whole new one, never a part) and durable when it returns nil. Put does
	// not keep data after it returns.
	Put(ctx context.Context, name string, data []byte) error
	// Delete removes the named chunk durably. Deleting a missing chunk is
	// not an error, so retries and garbage collection are idempotent.
	Delete(ctx context.Context, name string) error
}

// ChunkLister enumerates chunks.
type ChunkLister interface {
	// List yields the chunks whose names start with prefix (a plain string
	// prefix, not necessarily ending in "/"), in increasing byte order of
	// their names. An error ends the sequence. Chunks put or deleted while
	// the listing runs may or may not appear.
	List(ctx context.Context, prefix string) iter.Seq2[ChunkInfo, error]
}

// ChunkStorage is what the storage writer and the read path need from a
// long-term storage backend. Every implementation passes ltstest.Run.
type ChunkStorage interface {
	ChunkReader
	ChunkWriter
	ChunkLister
}

// ListAll collects the result of s.List into a slice.
func ListAll(ctx context.Context, s ChunkLister, prefix string) ([]ChunkInfo, error) {
	var out []ChunkInfo
	for info, err := range s.List(ctx, prefix) {
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}
