package tables

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// Index snapshots: the format is in doc.go ("Index snapshots").

// attrIndexID holds the id stamped into a table's index snapshots: a random
// value set by the first snapshot of this incarnation of the segment, so a
// snapshot object left behind by a deleted segment of the same name is
// never taken for this one's.
var attrIndexID = tableAttribute(3)

const (
	snapshotMagic      = "SLTX"
	snapshotFormat     = 1
	snapshotHeaderSize = 4 + 1 + 4 + 8 + 8 + 8 + 8 + 4 + 4
	hashItemSize       = 16 + 8 + 4 + 2
	// DefaultSnapshotMinBytes is the least log growth between two snapshots
	// of a table.
	DefaultSnapshotMinBytes = 8 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapshotItemSize is the encoded size of one index entry.
func snapshotItemSize(keyLength int) int {
	if keyLength == 0 {
		return hashItemSize
	}
	return keyLength + 8 + 4
}

// snapshotDue is the log growth after which a table of n keys is
// snapshotted again: at least minBytes, and at least the snapshot's own
// size, so snapshots never cost more than the log writes they summarise
// and recovery reads at most that much log after the snapshot.
func snapshotDue(minBytes int64, keyLength, n int) int64 {
	return max(minBytes, int64(n)*int64(snapshotItemSize(keyLength)))
}

// snapshotDueLocked starts a snapshot of t if its durable log has grown
// enough since the last one. The caller holds t.mu and runs the returned
// function, if any, after unlocking.
func (ts *Tables) snapshotDueLocked(t *table) func() {
	if ts.storage == nil || t.mu.snapping || t.mu.dead ||
		t.mu.durLen-t.mu.snapPos < snapshotDue(ts.minBytes, t.mu.keyLength, t.mu.idx.len()) {
		return nil
	}
	t.mu.snapping = true
	idx, kl, pos := t.mu.idx.clone(), t.mu.keyLength, t.mu.durLen
	return func() {
		ts.mu.Lock()
		if ts.closed {
			ts.mu.Unlock()
			return
		}
		ts.wg.Add(1)
		ts.mu.Unlock()
		go ts.snapshot(t, idx, kl, pos)
	}
}

// snapshot writes idx, the durable index of t at log position pos, to
// long-term storage. One snapshot runs at a time per container, which
// bounds the memory they take.
func (ts *Tables) snapshot(t *table, idx index, keyLength int, pos int64) {
	defer ts.wg.Done()
	select {
	case ts.snapSem <- struct{}{}:
	case <-ts.ctx.Done():
		return
	}
	defer func() { <-ts.snapSem }()
	began := time.Now()
	size, err := ts.writeSnapshot(t.name, idx, keyLength, pos)
	t.mu.Lock()
	t.mu.snapping = false
	// Also after a failure: the next attempt waits for as much log growth.
	t.mu.snapPos = pos
	t.mu.Unlock()
	if err != nil {
		if ts.ctx.Err() == nil {
			ts.logger.Warn("table index snapshot failed; recovery will read more of the log", "segment", t.name, "err", err)
		}
		return
	}
	ts.logger.Debug("table index snapshot written", "segment", t.name, "keys", idx.len(), "position", pos,
		"bytes", size, "took", time.Since(began).Round(time.Microsecond))
}

func (ts *Tables) writeSnapshot(name string, idx index, keyLength int, pos int64) (int, error) {
	id, err := ts.indexID(name)
	if err != nil {
		return 0, err
	}
	data := encodeSnapshot(idx, keyLength, id, pos)
	object := lts.IndexName(name)
	if err := ts.storage.Put(ts.ctx, object, data); err != nil {
		return 0, err
	}
	// Deleted meanwhile: Delete's clean-up may have run before the Put.
	if _, err := ts.ctr.Info(name); errors.Is(err, container.ErrNoSuchSegment) {
		_ = ts.storage.Delete(ts.ctx, object)
	}
	return len(data), nil
}

// indexID returns the table's snapshot id, setting it on first use.
func (ts *Tables) indexID(name string) (int64, error) {
	for {
		id, err := ts.ctr.Attribute(name, attrIndexID)
		if err != nil || id != container.NullValue {
			return id, err
		}
		id = 1 + rand.Int64N(math.MaxInt64-1) // never NullValue
		_, err = wait(func(done func(struct{}, error)) {
			ts.ctr.UpdateAttributes(name, []container.AttributeUpdate{{ID: attrIndexID,
				Type: container.UpdateReplaceIfEquals, Value: id, Expected: container.NullValue}},
				func(err error) { done(struct{}{}, err) })
		})
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, container.ErrAttributeConflict) {
			return 0, err
		}
	}
}

// deleteSnapshot removes name's snapshot after the segment is deleted, in
// the background: it runs from container callbacks, which must not wait
// for long-term storage.
func (ts *Tables) deleteSnapshot(name string) {
	if ts.storage == nil {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.closed {
		return
	}
	ts.wg.Add(1)
	go func() {
		defer ts.wg.Done()
		if err := ts.storage.Delete(ts.ctx, lts.IndexName(name)); err != nil && ts.ctx.Err() == nil {
			ts.logger.Warn("table index snapshot not deleted", "segment", name, "err", err)
		}
	}()
}

// encodeSnapshot serialises idx (doc.go, "Index snapshots").
func encodeSnapshot(idx index, keyLength int, id, pos int64) []byte {
	n := idx.len()
	body := snapshotHeaderSize + n*snapshotItemSize(keyLength)
	b := make([]byte, snapshotHeaderSize, body)
	idx.ascend("", false, func(sk string, l loc) bool {
		b = append(b, sk...)
		b = binary.BigEndian.AppendUint64(b, uint64(l.off))
		b = binary.BigEndian.AppendUint32(b, l.vlen)
		if keyLength == 0 {
			b = binary.BigEndian.AppendUint16(b, l.klen)
		}
		return true
	})
	h := b[:0]
	h = append(h, snapshotMagic...)
	h = append(h, snapshotFormat)
	h = binary.BigEndian.AppendUint32(h, uint32(keyLength))
	h = binary.BigEndian.AppendUint64(h, uint64(id))
	h = binary.BigEndian.AppendUint64(h, uint64(pos))
	h = binary.BigEndian.AppendUint64(h, uint64(n))
	h = binary.BigEndian.AppendUint64(h, uint64(len(b)-snapshotHeaderSize))
	h = binary.BigEndian.AppendUint32(h, crc32.Checksum(b[snapshotHeaderSize:], castagnoli))
	binary.BigEndian.AppendUint32(h, crc32.Checksum(h, castagnoli))
	return b
}

// snapshotHeader is the decoded fixed part of a snapshot.
type snapshotHeader struct {
	keyLength int
	id        int64
	pos       int64
	count     int64
	bodyLen   int64
	bodyCRC   uint32
}

func decodeSnapshotHeader(h []byte) (snapshotHeader, error) {
	if len(h) < snapshotHeaderSize || string(h[:4]) != snapshotMagic {
		return snapshotHeader{}, errors.New("not an index snapshot")
	}
	if h[4] != snapshotFormat {
		return snapshotHeader{}, fmt.Errorf("snapshot format %d, want %d", h[4], snapshotFormat)
	}
	if crc32.Checksum(h[:snapshotHeaderSize-4], castagnoli) != binary.BigEndian.Uint32(h[snapshotHeaderSize-4:]) {
		return snapshotHeader{}, errors.New("snapshot header checksum mismatch")
	}
	sh := snapshotHeader{
		keyLength: int(binary.BigEndian.Uint32(h[5:9])),
		id:        int64(binary.BigEndian.Uint64(h[9:17])),
		pos:       int64(binary.BigEndian.Uint64(h[17:25])),
		count:     int64(binary.BigEndian.Uint64(h[25:33])),
		bodyLen:   int64(binary.BigEndian.Uint64(h[33:41])),
		bodyCRC:   binary.BigEndian.Uint32(h[41:45]),
	}
	if sh.keyLength < 0 || sh.keyLength > MaxKeyLength || sh.count < 0 ||
		sh.count > math.MaxInt64/int64(snapshotItemSize(sh.keyLength)) ||
		sh.bodyLen != sh.count*int64(snapshotItemSize(sh.keyLength)) {
		return snapshotHeader{}, errors.New("snapshot header is inconsistent")
	}
	return sh, nil
}

// decodeSnapshotBody rebuilds an index from a snapshot body, checking that
// entries are in strictly increasing order and lie below the snapshot's
// position.
func decodeSnapshotBody(sh snapshotHeader, body []byte) (index, error) {
	if int64(len(body)) != sh.bodyLen || crc32.Checksum(body, castagnoli) != sh.bodyCRC {
		return nil, errors.New("snapshot body checksum mismatch")
	}
	var idx index
	kl := sh.keyLength
	if kl == 0 {
		idx = newHashIndex()
	} else {
		idx = newKeyIndex()
	}
	item := snapshotItemSize(kl)
	var prev string
	for i := 0; i < len(body); i += item {
		p := body[i : i+item]
		var sk string
		var l loc
		if kl == 0 {
			sk = string(p[:16])
			l = loc{off: int64(binary.BigEndian.Uint64(p[16:24])), vlen: binary.BigEndian.Uint32(p[24:28]),
				klen: binary.BigEndian.Uint16(p[28:30])}
		} else {
			sk = string(p[:kl])
			l = loc{off: int64(binary.BigEndian.Uint64(p[kl : kl+8])), vlen: binary.BigEndian.Uint32(p[kl+8 : kl+12]),
				klen: uint16(kl)}
		}
		if i > 0 && sk <= prev || l.off < 0 || l.klen == 0 || l.klen > MaxKeyLength ||
			l.off+int64(l.size()) > sh.pos {
			return nil, fmt.Errorf("snapshot entry %d is inconsistent", i/item)
		}
		prev = sk
		idx.set(sk, l)
	}
	return idx, nil
}

// loadSnapshot returns the index as of the table's latest usable snapshot
// and the log position it covers; ok is false when there is none (the
// caller then reads the whole log).
func (ts *Tables) loadSnapshot(name string, keyLength int, info container.Info) (idx index, pos int64, ok bool) {
	if ts.storage == nil {
		return nil, 0, false
	}
	id, err := ts.ctr.Attribute(name, attrIndexID)
	if err != nil || id == container.NullValue {
		return nil, 0, false // never snapshotted
	}
	fail := func(err error) (index, int64, bool) {
		ts.logger.Warn("table index snapshot unusable; reading the whole log", "segment", name, "err", err)
		return nil, 0, false
	}
	object := lts.IndexName(name)
	h := make([]byte, snapshotHeaderSize)
	if _, err := ts.storage.ReadAt(ts.ctx, object, h, 0); err != nil {
		if errors.Is(err, lts.ErrNotFound) {
			return nil, 0, false // crashed between setting the id and the first Put
		}
		return fail(err)
	}
	sh, err := decodeSnapshotHeader(h)
	switch {
	case err != nil:
		return fail(err)
	case sh.id != id:
		return fail(errors.New("snapshot of an earlier segment of that name"))
	case sh.keyLength != keyLength:
		return fail(fmt.Errorf("snapshot of %d-byte keys, table has %d", sh.keyLength, keyLength))
	case sh.pos < info.StartOffset || sh.pos > info.Length:
		return fail(fmt.Errorf("snapshot position %d outside the log [%d, %d]", sh.pos, info.StartOffset, info.Length))
	}
	body := make([]byte, sh.bodyLen)
	if _, err := ts.storage.ReadAt(ts.ctx, object, body, snapshotHeaderSize); err != nil {
		return fail(err)
	}
	idx, err = decodeSnapshotBody(sh, body)
	if err != nil {
		return fail(err)
	}
	return idx, sh.pos, true
}

// Close stops the snapshots in flight and waits for them.
func (ts *Tables) Close() {
	ts.mu.Lock()
	ts.closed = true
	ts.mu.Unlock()
	ts.cancel()
	ts.wg.Wait()
}
