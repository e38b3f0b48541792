package client

import (
	"context"
	"errors"
	"fmt"
	"io"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/wire"
)

// Byte streams, as the Java ByteStreamWriter and ByteStreamReader: a
// stream of one segment used as a file of raw bytes. The writer appends
// without event headers (Java's PendingEvent.withoutHeader) through the
// same exactly-once append sessions as an EventWriter; the reader reads the
// segment's bytes from its start. Java and Go byte streams on the same
// stream read each other's bytes.

// ByteStreamWriter appends bytes to a single-segment stream. Bytes are
// durable once Flush (or Close) returns. It is safe for concurrent use;
// concurrent writes have no order between them.
type ByteStreamWriter struct {
	c   *Client
	seg Segment
	w   *EventWriter
}

// singleSegment returns the one active segment of scope/stream.
func (c *Client) singleSegment(segs []SegmentRange, scope, stream string) (Segment, error) {
	switch len(segs) {
	case 0:
		return Segment{}, fmt.Errorf("byte stream %s/%s: %w", scope, stream, ErrStreamSealed)
	case 1:
		return segs[0].Segment, nil
	}
	return Segment{}, fmt.Errorf("byte stream %s/%s: %w: %d segments, a byte stream has one", scope, stream,
		ErrInvalidArgument, len(segs))
}

// NewByteStreamWriter opens a writer on scope/stream, which must have
// exactly one segment (ErrInvalidArgument) and not be sealed
// (ErrStreamSealed). Close it when done.
func (c *Client) NewByteStreamWriter(ctx context.Context, scope, stream string) (*ByteStreamWriter, error) {
	segs, err := c.ctl.currentSegments(ctx, scope, stream)
	if err != nil {
		return nil, fmt.Errorf("byte stream writer on %s/%s: %w", scope, stream, err)
	}
	seg, err := c.singleSegment(segs, scope, stream)
	if err != nil {
		return nil, err
	}
	w, err := c.newEventWriter(scope, stream, WriterConfig{}, segs, nil)
	if err != nil {
		return nil, err
	}
	return &ByteStreamWriter{c: c, seg: seg, w: w}, nil
}

// Segment is the segment written.
func (b *ByteStreamWriter) Segment() Segment { return b.seg }

// Write queues a copy of p for appending; it blocks only while too many
// bytes are unacknowledged. Errors are sticky, as an EventWriter's.
func (b *ByteStreamWriter) Write(ctx context.Context, p []byte) error {
	chunk := b.w.cfg.MaxBlockSize
	for len(p) > 0 {
		n := min(len(p), chunk)
		if err := b.w.submit(ctx, &pendingEvent{data: append([]byte(nil), p[:n]...)}); err != nil {
			return fmt.Errorf("write to byte stream %s: %w", b.seg, err)
		}
		p = p[n:]
	}
	return nil
}

// Flush waits until every byte written before the call is durable.
func (b *ByteStreamWriter) Flush(ctx context.Context) error {
	if err := b.w.Flush(ctx); err != nil {
		return fmt.Errorf("flush byte stream %s: %w", b.seg, err)
	}
	return nil
}

// Close flushes and closes the writer; the stream stays open for others.
func (b *ByteStreamWriter) Close(ctx context.Context) error {
	if err := b.w.Close(ctx); err != nil {
		return fmt.Errorf("close byte stream %s: %w", b.seg, err)
	}
	return nil
}

// CloseAndSeal flushes, closes the writer and seals the segment, so that
// readers see the end (io.EOF) after the last byte and no one can append.
func (b *ByteStreamWriter) CloseAndSeal(ctx context.Context) error {
	if err := b.Close(ctx); err != nil {
		return err
	}
	reply, err := b.c.segmentRequestOp(ctx, b.seg, pb.StreamInfo_WRITE, func(id int64, tok string) wire.Command {
		return &wire.SealSegment{RequestID: id, Segment: b.seg.Name(), Token: tok}
	})
	if err != nil {
		return fmt.Errorf("seal byte stream %s: %w", b.seg, err)
	}
	switch reply.(type) {
	case *wire.SegmentSealed, *wire.SegmentIsSealed:
		return nil
	case *wire.NoSuchSegment:
		return fmt.Errorf("seal byte stream %s: %w", b.seg, ErrNoSuchSegment)
	}
	return fmt.Errorf("seal byte stream %s: %w: reply %v", b.seg, ErrProtocol, reply.Type())
}

// HeadOffset is the first readable offset (after truncation).
func (b *ByteStreamWriter) HeadOffset(ctx context.Context) (int64, error) {
	info, err := b.c.SegmentInfo(ctx, b.seg)
	return info.StartOffset, err
}

// TailOffset is the length of the segment: durable bytes, including other
// writers'.
func (b *ByteStreamWriter) TailOffset(ctx context.Context) (int64, error) {
	info, err := b.c.SegmentInfo(ctx, b.seg)
	return info.Length, err
}

// TruncateDataBefore discards the bytes before offset; reading them fails
// with ErrSegmentTruncated afterwards. Offsets below the current head are
// no-ops; beyond the tail, ErrInvalidArgument.
func (b *ByteStreamWriter) TruncateDataBefore(ctx context.Context, offset int64) error {
	reply, err := b.c.segmentRequestOp(ctx, b.seg, pb.StreamInfo_WRITE, func(id int64, tok string) wire.Command {
		return &wire.TruncateSegment{RequestID: id, Segment: b.seg.Name(), TruncationOffset: offset, Token: tok}
	})
	if err != nil {
		return fmt.Errorf("truncate byte stream %s at %d: %w", b.seg, offset, err)
	}
	switch r := reply.(type) {
	case *wire.SegmentTruncated:
		return nil
	case *wire.SegmentIsTruncated:
		// The offset is outside [head, tail]; the reply names the head.
		// The Java client ignores both cases; beyond the tail is a mistake
		// worth reporting.
		if offset <= r.StartOffset {
			return nil
		}
		return fmt.Errorf("truncate byte stream %s at %d: %w: beyond the tail", b.seg, offset, ErrInvalidArgument)
	case *wire.NoSuchSegment:
		return fmt.Errorf("truncate byte stream %s: %w", b.seg, ErrNoSuchSegment)
	}
	return fmt.Errorf("truncate byte stream %s at %d: %w: reply %v", b.seg, offset, ErrProtocol, reply.Type())
}

// ByteStreamReader reads a single-segment stream's bytes. At the tail of
// an open segment Read waits for more bytes, or for the seal (io.EOF). It
// is not safe for concurrent use.
type ByteStreamReader struct {
	c   *Client
	seg Segment
	sr  *SegmentReader
	buf []byte // fetched, not yet returned; starts at offset
	off int64
}

// NewByteStreamReader opens a reader of scope/stream (one segment, else
// ErrInvalidArgument) at its head: offset 0 or where it was truncated.
func (c *Client) NewByteStreamReader(ctx context.Context, scope, stream string) (*ByteStreamReader, error) {
	head, err := c.HeadCut(ctx, scope, stream)
	if err != nil {
		return nil, fmt.Errorf("byte stream reader on %s/%s: %w", scope, stream, err)
	}
	if len(head.Positions) != 1 {
		return nil, fmt.Errorf("byte stream reader on %s/%s: %w: %d segments, a byte stream has one", scope, stream,
			ErrInvalidArgument, len(head.Positions))
	}
	seg := head.Segments()[0].Segment
	info, err := c.SegmentInfo(ctx, seg)
	if err != nil {
		return nil, fmt.Errorf("byte stream reader on %s/%s: %w", scope, stream, err)
	}
	r := &ByteStreamReader{c: c, seg: seg}
	r.SeekTo(info.StartOffset)
	return r, nil
}

// Segment is the segment read.
func (r *ByteStreamReader) Segment() Segment { return r.seg }

// Offset is the offset of the next byte Read returns.
func (r *ByteStreamReader) Offset() int64 { return r.off }

// SeekTo moves to offset; the next Read starts there.
func (r *ByteStreamReader) SeekTo(offset int64) {
	r.off = offset
	r.buf = nil
	r.sr = r.c.NewSegmentReader(r.seg, offset, -1)
}

// Available is the number of bytes Read can return without a request.
func (r *ByteStreamReader) Available() int { return len(r.buf) }

// Read reads up to len(p) bytes. With nothing buffered it fetches, waiting
// at the tail of an open segment until bytes arrive, the segment is sealed
// (io.EOF after the last byte) or ctx ends. ErrSegmentTruncated: the
// offset was truncated away.
func (r *ByteStreamReader) Read(ctx context.Context, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(r.buf) == 0 {
		b, err := r.sr.Read(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, io.EOF
			}
			return 0, fmt.Errorf("read byte stream %s at %d: %w", r.seg, r.off, err)
		}
		r.buf = b
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.off += int64(n)
	return n, nil
}

// Skip moves forward by up to n bytes, not beyond the tail, and returns
// how far it moved.
func (r *ByteStreamReader) Skip(ctx context.Context, n int64) (int64, error) {
	tail, err := r.TailOffset(ctx)
	if err != nil {
		return 0, err
	}
	to := max(r.off, min(r.off+n, tail))
	moved := to - r.off
	if moved <= int64(len(r.buf)) {
		r.buf = r.buf[moved:]
		r.off = to
	} else {
		r.SeekTo(to)
	}
	return moved, nil
}

// HeadOffset is the first readable offset (after truncation).
func (r *ByteStreamReader) HeadOffset(ctx context.Context) (int64, error) {
	info, err := r.c.SegmentInfo(ctx, r.seg)
	return info.StartOffset, err
}

// TailOffset is the segment's length.
func (r *ByteStreamReader) TailOffset(ctx context.Context) (int64, error) {
	info, err := r.c.SegmentInfo(ctx, r.seg)
	return info.Length, err
}

// Reader returns an io.Reader over r whose reads use ctx.
func (r *ByteStreamReader) Reader(ctx context.Context) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   *ByteStreamReader
}

func (c ctxReader) Read(p []byte) (int, error) { return c.r.Read(c.ctx, p) }
