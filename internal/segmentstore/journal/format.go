package journal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The byte layout is documented in doc.go; keep the two in step.

const (
	fileMagic     = "SLUICEJL"
	formatVersion = 1
	fileSuffix    = ".journal"

	fileHeaderFixedSize = 24 // magic, version, reserved, count, file number
	headerEntrySize     = 20 // container, last seq, truncation point
	checksumSize        = 4
	maxHeaderEntries    = 1 << 24

	recordHeaderSize = 24

	// MaxPayloadSize is the largest payload Append accepts.
	MaxPayloadSize = 32 << 20
)

// Record kinds.
const (
	kindData     = 1
	kindTruncate = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func fileName(num uint64) string { return fmt.Sprintf("%016x%s", num, fileSuffix) }

// parseFileName returns the number of a journal file name, or false.
func parseFileName(name string) (uint64, bool) {
	hex, ok := strings.CutSuffix(name, fileSuffix)
	if !ok || len(hex) != 16 {
		return 0, false
	}
	n, err := strconv.ParseUint(hex, 16, 64)
	return n, err == nil && n > 0
}

// headerEntry is a container's state as of the start of a file.
type headerEntry struct {
	container uint32
	lastSeq   uint64 // highest seq written to earlier files
	trunc     uint64 // highest truncation point written to earlier files
}

// fileHeader is the header that starts every journal file.
type fileHeader struct {
	num     uint64
	entries []headerEntry
}

func (h *fileHeader) size() int64 {
	return fileHeaderFixedSize + int64(len(h.entries))*headerEntrySize + checksumSize
}

// encode appends the header to b. Entries must be sorted by container.
func (h *fileHeader) encode(b []byte) []byte {
	start := len(b)
	b = append(b, fileMagic...)
	b = binary.LittleEndian.AppendUint16(b, formatVersion)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(h.entries)))
	b = binary.LittleEndian.AppendUint64(b, h.num)
	for _, e := range h.entries {
		b = binary.LittleEndian.AppendUint32(b, e.container)
		b = binary.LittleEndian.AppendUint64(b, e.lastSeq)
		b = binary.LittleEndian.AppendUint64(b, e.trunc)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
}

// errBadHeader and errBadRecord describe bytes that do not decode. Whether
// that is a torn write or corruption is for the caller to decide.
var (
	errBadHeader = errors.New("bad file header")
	errBadRecord = errors.New("bad record")
)

// readError reports a failure to read bytes that the file size says are
// there. It is an I/O problem, never a torn write, so it does not wrap
// errBadHeader or errBadRecord.
func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("file shorter than its size: %w", io.ErrUnexpectedEOF)
	}
	return err
}

// readHeader decodes a file header from r, which holds a file of size
// bytes.
func readHeader(r *bufio.Reader, size int64) (fileHeader, error) {
	var fixed [fileHeaderFixedSize]byte
	if size < fileHeaderFixedSize+checksumSize {
		return fileHeader{}, fmt.Errorf("%w: short (%d bytes)", errBadHeader, size)
	}
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return fileHeader{}, readError(err)
	}
	if string(fixed[:8]) != fileMagic {
		return fileHeader{}, fmt.Errorf("%w: bad magic %q", errBadHeader, fixed[:8])
	}
	if v := binary.LittleEndian.Uint16(fixed[8:]); v != formatVersion {
		return fileHeader{}, fmt.Errorf("%w: unknown format version %d", errBadHeader, v)
	}
	n := binary.LittleEndian.Uint32(fixed[12:])
	total := fileHeaderFixedSize + int64(n)*headerEntrySize + checksumSize
	if n > maxHeaderEntries || total > size {
		return fileHeader{}, fmt.Errorf("%w: %d entries do not fit in %d bytes", errBadHeader, n, size)
	}
	rest := make([]byte, total-fileHeaderFixedSize)
	if _, err := io.ReadFull(r, rest); err != nil {
		return fileHeader{}, readError(err)
	}
	sum := crc32.Update(crc32.Checksum(fixed[:], castagnoli), castagnoli, rest[:len(rest)-checksumSize])
	if got := binary.LittleEndian.Uint32(rest[len(rest)-checksumSize:]); got != sum {
		return fileHeader{}, fmt.Errorf("%w: checksum mismatch", errBadHeader)
	}
	h := fileHeader{num: binary.LittleEndian.Uint64(fixed[16:]), entries: make([]headerEntry, n)}
	for i := range h.entries {
		e := rest[i*headerEntrySize:]
		h.entries[i] = headerEntry{
			container: binary.LittleEndian.Uint32(e),
			lastSeq:   binary.LittleEndian.Uint64(e[4:]),
			trunc:     binary.LittleEndian.Uint64(e[12:]),
		}
		if i > 0 && h.entries[i-1].container >= h.entries[i].container {
			return fileHeader{}, fmt.Errorf("%w: entries not sorted", errBadHeader)
		}
	}
	return h, nil
}

// appendRecord appends one record to b; its payload is head followed by
// body. payloadCRC must be the CRC-32C of that payload (computed by the
// caller, outside any lock).
func appendRecord(b []byte, kind byte, container uint32, seq uint64, payloadCRC uint32, head, body []byte) []byte {
	off := len(b)
	size := len(head) + len(body)
	n := recordHeaderSize + size
	b = slices.Grow(b, n)[:off+n]
	h := b[off : off+recordHeaderSize]
	binary.LittleEndian.PutUint32(h[4:], uint32(size))
	h[8], h[9], h[10], h[11] = kind, 0, 0, 0
	binary.LittleEndian.PutUint32(h[12:], container)
	binary.LittleEndian.PutUint64(h[16:], seq)
	copy(b[off+recordHeaderSize+copy(b[off+recordHeaderSize:], head):], body)
	binary.LittleEndian.PutUint32(h[0:], crc32.Update(payloadCRC, castagnoli, h[4:]))
	return b
}

// record is a decoded record. payload aliases the scanner's buffer.
type record struct {
	kind      byte
	container uint32
	seq       uint64 // data: sequence number; truncate: truncation point
	payload   []byte
}

// scanner reads records from a file positioned just after its header.
type scanner struct {
	r     *bufio.Reader
	off   int64 // offset of the next record
	limit int64 // bytes of the file that may be read
	hdr   [recordHeaderSize]byte
	buf   []byte
}

// next returns the next record; io.EOF exactly at limit; an error wrapping
// errBadRecord for bytes that are not a valid record (off is then the
// offset of the bad record); or a read error.
func (s *scanner) next() (record, error) {
	if s.off == s.limit {
		return record{}, io.EOF
	}
	if s.limit-s.off < recordHeaderSize {
		return record{}, fmt.Errorf("%w at offset %d: %d trailing bytes", errBadRecord, s.off, s.limit-s.off)
	}
	if _, err := io.ReadFull(s.r, s.hdr[:]); err != nil {
		return record{}, readError(err)
	}
	h := s.hdr[:]
	n := int64(binary.LittleEndian.Uint32(h[4:]))
	kind := h[8]
	switch {
	case n > MaxPayloadSize || n > s.limit-s.off-recordHeaderSize:
		return record{}, fmt.Errorf("%w at offset %d: length %d out of range", errBadRecord, s.off, n)
	case kind != kindData && kind != kindTruncate:
		return record{}, fmt.Errorf("%w at offset %d: unknown kind %d", errBadRecord, s.off, kind)
	case kind == kindTruncate && n != 0:
		return record{}, fmt.Errorf("%w at offset %d: truncate record with payload", errBadRecord, s.off)
	case h[9]|h[10]|h[11] != 0:
		return record{}, fmt.Errorf("%w at offset %d: reserved bytes set", errBadRecord, s.off)
	}
	if int64(cap(s.buf)) < n {
		s.buf = make([]byte, n)
	}
	p := s.buf[:n]
	if _, err := io.ReadFull(s.r, p); err != nil {
		return record{}, readError(err)
	}
	sum := crc32.Update(crc32.Checksum(p, castagnoli), castagnoli, h[4:])
	if sum != binary.LittleEndian.Uint32(h[0:]) {
		return record{}, fmt.Errorf("%w at offset %d: checksum mismatch", errBadRecord, s.off)
	}
	rec := record{kind: kind, container: binary.LittleEndian.Uint32(h[12:]), seq: binary.LittleEndian.Uint64(h[16:]), payload: p}
	if rec.seq == 0 {
		return record{}, fmt.Errorf("%w at offset %d: zero sequence number", errBadRecord, s.off)
	}
	s.off += recordHeaderSize + n
	return rec, nil
}
