package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Framing: every message is [i32 type][i32 payload length N][N payload bytes],
// big-endian. The Java server rejects frames whose total size exceeds
// 0x00FFFFFF, so N is at most MaxPayload, on input and on output.

// HeaderSize is the size of a frame header.
const HeaderSize = 8

// MaxPayload is the largest payload length: the whole frame (header +
// payload) must not exceed 0x00FFFFFF bytes.
const MaxPayload = 0x00FFFFFF - HeaderSize

// AppendFrame appends c as a whole frame (header and payload) to b. The payload
// is encoded once, in place, and the length patched afterwards. On error (a
// payload above MaxPayload, a string above 65,535 bytes, inconsistent fields)
// it returns b unchanged and a *FrameError.
func AppendFrame(b []byte, c Command) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, uint32(c.Type()))
	b = append(b, 0, 0, 0, 0)
	var err error
	if ce, ok := c.(encoder); ok {
		e := ce.encode(enc{b: b})
		b, err = e.b, e.err
	} else {
		b = c.AppendPayload(b)
	}
	if err != nil {
		return b[:start], &FrameError{Type: c.Type(), Err: err}
	}
	n := len(b) - start - HeaderSize
	if n > MaxPayload {
		return b[:start], &FrameError{Type: c.Type(),
			Err: fmt.Errorf("%w: payload of %d bytes exceeds %d", ErrFrameTooLarge, n, MaxPayload)}
	}
	binary.BigEndian.PutUint32(b[start+4:], uint32(n))
	return b, nil
}

// FrameReader reads frames from a byte stream. It buffers input, so several
// small frames cost one Read, and a frame may arrive in any number of pieces.
// The buffer grows only as bytes actually arrive (a header announcing 16 MiB
// does not by itself allocate 16 MiB) and is kept for later frames.
// A FrameReader is not safe for concurrent use.
type FrameReader struct {
	r     io.Reader
	buf   []byte // buffered input is buf[start:end]
	start int
	end   int
	err   error // sticky read error
}

// NewFrameReader returns a reader over r with an initial buffer of bufSize
// bytes (at least HeaderSize; 64 KiB if bufSize <= 0).
func NewFrameReader(r io.Reader, bufSize int) *FrameReader {
	if bufSize <= 0 {
		bufSize = 64 << 10
	}
	return &FrameReader{r: r, buf: make([]byte, max(bufSize, HeaderSize))}
}

// Next reads one frame and returns its type and payload. The payload aliases
// the reader's buffer and is valid until the next call to Next or
// ReadCommand. The header is checked before any payload byte is read or
// buffered: an unknown type yields ErrUnknownType, a negative length
// ErrMalformed, a length above MaxPayload ErrFrameTooLarge (all in a
// *FrameError). io.EOF is returned unwrapped when the stream ends cleanly
// between frames, io.ErrUnexpectedEOF when it ends inside a frame.
func (r *FrameReader) Next() (Type, []byte, error) {
	if err := r.fill(HeaderSize); err != nil {
		if errors.Is(err, io.EOF) && r.end == r.start {
			return 0, nil, io.EOF
		}
		return 0, nil, unexpected(err)
	}
	h := r.buf[r.start : r.start+HeaderSize]
	t := Type(int32(binary.BigEndian.Uint32(h)))
	n := int32(binary.BigEndian.Uint32(h[4:]))
	switch {
	case !t.Known():
		return t, nil, &FrameError{Type: t, Err: ErrUnknownType}
	case n < 0:
		return t, nil, &FrameError{Type: t, Err: malformed("negative payload length %d", n)}
	case n > MaxPayload:
		return t, nil, &FrameError{Type: t,
			Err: fmt.Errorf("%w: payload length %d exceeds %d", ErrFrameTooLarge, n, MaxPayload)}
	}
	if err := r.fill(HeaderSize + int(n)); err != nil {
		return t, nil, &FrameError{Type: t, Err: unexpected(err)}
	}
	p := r.buf[r.start+HeaderSize : r.start+HeaderSize+int(n) : r.start+HeaderSize+int(n)]
	r.start += HeaderSize + int(n)
	if r.start == r.end {
		r.start, r.end = 0, 0
	}
	return t, p, nil
}

// ReadCommand reads and decodes one frame. []byte fields of the command alias
// the reader's buffer and are valid until the next call.
func (r *FrameReader) ReadCommand() (Command, error) {
	t, p, err := r.Next()
	if err != nil {
		return nil, err
	}
	return Decode(t, p)
}

// unexpected turns io.EOF inside a frame into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// fill makes at least n bytes available in buf[start:end], reading as much as
// the underlying reader offers each time.
func (r *FrameReader) fill(n int) error {
	for r.end-r.start < n {
		if r.err != nil {
			return r.err
		}
		if len(r.buf)-r.start < n {
			r.makeRoom(n)
		}
		m, err := r.r.Read(r.buf[r.end:])
		if m < 0 || m > len(r.buf)-r.end {
			err = errors.New("wire: reader returned an invalid count")
			m = 0
		}
		r.end += m
		if err != nil {
			r.err = err
		}
	}
	return nil
}

// makeRoom moves buffered bytes to the front and, if n bytes still do not
// fit, grows the buffer: at least doubling, never beyond n rounded up to a
// modest step, so growth follows the bytes that actually arrive.
func (r *FrameReader) makeRoom(n int) {
	buffered := r.end - r.start
	if n <= len(r.buf) {
		copy(r.buf, r.buf[r.start:r.end])
		r.start, r.end = 0, buffered
		return
	}
	// Grow in steps so a peer announcing a large frame must send the bytes
	// before we hold the memory: the new size covers what is buffered plus
	// room to read, up to n.
	size := min(n, max(2*len(r.buf), buffered+64<<10))
	nb := make([]byte, size)
	copy(nb, r.buf[r.start:r.end])
	r.buf, r.start, r.end = nb, 0, buffered
}
