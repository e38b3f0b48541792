package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// readN reads exactly n bytes.
func readN(t *testing.T, r *ByteStreamReader, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r.Reader(t.Context()), b); err != nil {
		t.Fatalf("read %d bytes at %d: %v", n, r.Offset(), err)
	}
	return string(b)
}

// TestByteStream: write and flush, read, seek, tail offsets, a read
// waiting at the tail, truncation, and the seal ending readers.
func TestByteStream(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	scope, stream := newStream(t, c, 1)
	w, err := c.NewByteStreamWriter(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"hello ", "world"} {
		if err := w.Write(ctx, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if tail, err := w.TailOffset(ctx); err != nil || tail != 11 {
		t.Fatalf("tail %d %v", tail, err)
	}
	r, err := c.NewByteStreamReader(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	if got := readN(t, r, 5); got != "hello" || r.Offset() != 5 || r.Available() != 6 {
		t.Fatalf("read %q, offset %d, available %d", got, r.Offset(), r.Available())
	}
	r.SeekTo(6)
	if got := readN(t, r, 5); got != "world" {
		t.Fatalf("after seek: %q", got)
	}

	// A read at the tail waits for the next flush.
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 10)
		n, err := r.Read(ctx, b)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(b[:n])
	}()
	if err := w.Write(ctx, []byte("!")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "!" {
		t.Fatalf("read at the tail: %q", s)
	}

	// Truncation.
	if err := w.TruncateDataBefore(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if head, err := r.HeadOffset(ctx); err != nil || head != 6 {
		t.Fatalf("head after truncation: %d %v", head, err)
	}
	r.SeekTo(0)
	if _, err := r.Read(ctx, make([]byte, 1)); !errors.Is(err, ErrSegmentTruncated) {
		t.Fatalf("read below the head: %v", err)
	}
	r2, err := c.NewByteStreamReader(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Offset() != 6 || readN(t, r2, 6) != "world!" {
		t.Fatalf("a new reader starts at %d", r2.Offset())
	}
	if n, err := r2.Skip(ctx, 100); err != nil || n != 0 {
		t.Fatalf("skip at the tail: %d %v", n, err)
	}
	r2.SeekTo(6)
	if n, err := r2.Skip(ctx, 2); err != nil || n != 2 || readN(t, r2, 4) != "rld!" {
		t.Fatalf("skip 2: %d %v", n, err)
	}

	if err := w.TruncateDataBefore(ctx, 1000); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("truncation beyond the tail: %v", err)
	}
	if err := w.TruncateDataBefore(ctx, 2); err != nil {
		t.Fatalf("truncation below the head: %v", err)
	}

	// The seal ends a reader waiting at the tail.
	if err := w.Write(ctx, []byte("bye")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s := readN(t, r2, 3); s != "bye" {
		t.Fatalf("read %q", s)
	}
	eof := make(chan error, 1)
	go func() {
		_, err := r2.Read(ctx, make([]byte, 10))
		eof <- err
	}()
	if err := w.CloseAndSeal(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-eof; !errors.Is(err, io.EOF) || r2.Offset() != 15 {
		t.Fatalf("read at the tail of a sealed byte stream: %v at %d", err, r2.Offset())
	}
	if err := w.Write(ctx, []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after CloseAndSeal: %v", err)
	}
	w2, err := c.NewByteStreamWriter(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close(ctx)
	_ = w2.Write(ctx, []byte("late"))
	if err := w2.Flush(ctx); !errors.Is(err, ErrStreamSealed) {
		t.Fatalf("flush to a sealed byte stream: %v", err)
	}
}

// TestByteStreamLarge: 3 MiB in writes of random sizes read back intact.
func TestByteStreamLarge(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	scope, stream := newStream(t, c, 1)
	w, err := c.NewByteStreamWriter(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3<<20)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for p := data; len(p) > 0; {
		n := min(len(p), 1+rng.IntN(1<<20))
		if err := w.Write(ctx, p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.CloseAndSeal(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := c.NewByteStreamReader(ctx, scope, stream)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r.Reader(ctx))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (%v), want %d equal", len(got), err, len(data))
	}
}

// TestByteStreamNeedsOneSegment: byte streams refuse streams of several
// segments.
func TestByteStreamNeedsOneSegment(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t)
	scope, stream := newStream(t, c, 2)
	if _, err := c.NewByteStreamWriter(ctx, scope, stream); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("writer: %v", err)
	}
	if _, err := c.NewByteStreamReader(ctx, scope, stream); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("reader: %v", err)
	}
	if _, err := c.NewByteStreamReader(ctx, scope, "missing"); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("reader of a missing stream: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.NewByteStreamWriter(cctx, scope, stream); err == nil {
		t.Fatal("writer with a cancelled context")
	}
}
