package naming

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// This file implements MurmurHash3 x64 128-bit as Guava's Hashing.murmur3_128
// computes it: the int32 seed is sign-extended into both 64-bit lanes, and a
// string is hashed as its UTF-16 code units in little-endian byte order
// (Guava's hashUnencodedChars).

const (
	murmurC1 = 0x87c37b91114253d5
	murmurC2 = 0x4cf5ad432745937f
)

// murmur3 is the running state of one hash computation.
type murmur3 struct {
	h1, h2 uint64
}

func newMurmur3(seed int32) murmur3 {
	s := uint64(int64(seed))
	return murmur3{h1: s, h2: s}
}

func mixK1(k uint64) uint64 {
	k *= murmurC1
	k = bits.RotateLeft64(k, 31)
	return k * murmurC2
}

func mixK2(k uint64) uint64 {
	k *= murmurC2
	k = bits.RotateLeft64(k, 33)
	return k * murmurC1
}

// block mixes one full 16-byte block given as two little-endian words.
func (m *murmur3) block(k1, k2 uint64) {
	m.h1 ^= mixK1(k1)
	m.h1 = bits.RotateLeft64(m.h1, 27)
	m.h1 += m.h2
	m.h1 = m.h1*5 + 0x52dce729
	m.h2 ^= mixK2(k2)
	m.h2 = bits.RotateLeft64(m.h2, 31)
	m.h2 += m.h1
	m.h2 = m.h2*5 + 0x38495ab5
}

// tail mixes the last, partial block (0 to 15 bytes, zero padded into k1, k2)
// and finalises with the total input length in bytes. It returns h1, the
// first 8 bytes of the 128-bit hash read little-endian (Guava's asLong).
func (m *murmur3) finish(k1, k2 uint64, length uint64) (uint64, uint64) {
	m.h1 ^= mixK1(k1)
	m.h2 ^= mixK2(k2)
	m.h1 ^= length
	m.h2 ^= length
	m.h1 += m.h2
	m.h2 += m.h1
	m.h1 = fmix64(m.h1)
	m.h2 = fmix64(m.h2)
	m.h1 += m.h2
	m.h2 += m.h1
	return m.h1, m.h2
}

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// murmur3Bytes hashes raw bytes and returns both 64-bit halves.
func murmur3Bytes(data []byte, seed int32) (uint64, uint64) {
	m := newMurmur3(seed)
	n := len(data)
	for len(data) >= 16 {
		m.block(binary.LittleEndian.Uint64(data), binary.LittleEndian.Uint64(data[8:]))
		data = data[16:]
	}
	var tail [16]byte
	copy(tail[:], data)
	return m.finish(binary.LittleEndian.Uint64(tail[:]), binary.LittleEndian.Uint64(tail[8:]), uint64(n))
}

// murmur3Chars hashes the UTF-16LE encoding of s without allocating. Invalid
// UTF-8 sequences count as U+FFFD (a Java string cannot hold them).
func murmur3Chars(s string, seed int32) (uint64, uint64) {
	m := newMurmur3(seed)
	// Eight code units make one 16-byte block: four in each 64-bit word.
	var k1, k2 uint64
	fill := 0 // code units buffered in k1, k2
	units := 0
	put := func(u uint16) {
		if fill < 4 {
			k1 |= uint64(u) << (16 * fill)
		} else {
			k2 |= uint64(u) << (16 * (fill - 4))
		}
		fill++
		units++
		if fill == 8 {
			m.block(k1, k2)
			k1, k2, fill = 0, 0, 0
		}
	}
	i := 0
	// Fast path: eight ASCII bytes are one whole block.
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
		m.block(widen(uint32(w)), widen(uint32(w>>32)))
		units += 8
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			put(uint16(c))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			put(uint16(hi))
			put(uint16(lo))
			continue
		}
		put(uint16(r))
	}
	return m.finish(k1, k2, uint64(units)*2)
}

// widen spreads four bytes into four 16-bit lanes: the UTF-16LE encoding of
// four ASCII characters.
func widen(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000FFFF0000FFFF
	return (v | v<<8) & 0x00FF00FF00FF00FF
}
