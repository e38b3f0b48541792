package tables

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/google/btree"
)

// loc says where the record that last wrote a key lives: its segment offset
// (the key's version) and its key and value lengths, so the record can be
// read with one container read.
type loc struct {
	off  int64
	vlen uint32
	klen uint16
}

func (l loc) size() int { return recordSize(int(l.klen), int(l.vlen)) }

// index is the durable key index of one table: sort key → loc. Sort keys
// are strings: the 16-byte key hash for hash tables, the key itself for
// fixed-key-length tables. Not safe for concurrent use.
type index interface {
	get(sk string) (loc, bool)
	set(sk string, l loc)
	del(sk string)
	len() int
	// ascend calls fn for the keys at or after from (after from if
	// exclusive) in order until fn returns false.
	ascend(from string, exclusive bool, fn func(sk string, l loc) bool)
	// clone returns a copy in O(1): the B-trees share nodes copy-on-write,
	// so the copy may be read by another goroutine while the original
	// changes (index snapshots).
	clone() index
}

// btreeDegree: nodes of up to 2*32-1 items, 32 bytes each.
const btreeDegree = 32

// hashKey is a hash table's sort key for key: the first 16 bytes of its
// SHA-256, as a string. Iteration order and continuation tokens depend on it:
// never change the function.
func hashKey(key []byte) string {
	h := sha256.Sum256(key)
	return string(h[:16])
}

// hashItem is a hash table's index entry: 32 bytes, no pointers.
type hashItem struct {
	hi, lo uint64
	loc
}

func hashItemLess(a, b hashItem) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func hashItemOf(sk string) hashItem {
	var b [16]byte
	copy(b[:], sk)
	return hashItem{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

func (it hashItem) sortKey() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], it.hi)
	binary.BigEndian.PutUint64(b[8:], it.lo)
	return string(b[:])
}

type hashIndex struct{ t *btree.BTreeG[hashItem] }

func newHashIndex() *hashIndex {
	return &hashIndex{t: btree.NewG(btreeDegree, hashItemLess)}
}

func (x *hashIndex) get(sk string) (loc, bool) {
	it, ok := x.t.Get(hashItemOf(sk))
	return it.loc, ok
}

func (x *hashIndex) set(sk string, l loc) {
	it := hashItemOf(sk)
	it.loc = l
	x.t.ReplaceOrInsert(it)
}

func (x *hashIndex) del(sk string) { x.t.Delete(hashItemOf(sk)) }

func (x *hashIndex) len() int { return x.t.Len() }

func (x *hashIndex) clone() index { return &hashIndex{t: x.t.Clone()} }

func (x *hashIndex) ascend(from string, exclusive bool, fn func(string, loc) bool) {
	pivot := hashItemOf(from)
	x.t.AscendGreaterOrEqual(pivot, func(it hashItem) bool {
		if exclusive && it.hi == pivot.hi && it.lo == pivot.lo {
			return true
		}
		return fn(it.sortKey(), it.loc)
	})
}

// keyItem is a fixed-key-length table's index entry: the key itself (for
// unsigned lexicographic order) and its loc; 32 bytes plus the key.
type keyItem struct {
	k string
	loc
}

func keyItemLess(a, b keyItem) bool { return a.k < b.k }

type keyIndex struct{ t *btree.BTreeG[keyItem] }

func newKeyIndex() *keyIndex {
	return &keyIndex{t: btree.NewG(btreeDegree, keyItemLess)}
}

func (x *keyIndex) get(sk string) (loc, bool) {
	it, ok := x.t.Get(keyItem{k: sk})
	return it.loc, ok
}

func (x *keyIndex) set(sk string, l loc) { x.t.ReplaceOrInsert(keyItem{k: sk, loc: l}) }

func (x *keyIndex) del(sk string) { x.t.Delete(keyItem{k: sk}) }

func (x *keyIndex) len() int { return x.t.Len() }

func (x *keyIndex) clone() index { return &keyIndex{t: x.t.Clone()} }

func (x *keyIndex) ascend(from string, exclusive bool, fn func(string, loc) bool) {
	x.t.AscendGreaterOrEqual(keyItem{k: from}, func(it keyItem) bool {
		if exclusive && it.k == from {
			return true
		}
		return fn(it.k, it.loc)
	})
}
