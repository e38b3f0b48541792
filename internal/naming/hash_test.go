package naming

import (
	"math"
	"testing"
)

func TestRoutingKeyToKeyVectors(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want float64
	}{
		{"", 0.24117842791623523},
		{"a", 0.9433912753816884},
		{"routingKey", 0.9115813645916913},
		{"key-1", 0.3829162539760538},
		{"hello world", 0.42628017229426707},
		{"ünïcödé", 0.6409175407744307}, // Java value; the Rust client differs here
	} {
		if got := RoutingKeyToKey(tc.key); got != tc.want {
			t.Errorf("RoutingKeyToKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

func TestKVTKeyToKeyVector(t *testing.T) {
	if got, want := KVTKeyToKey([]byte{1, 2, 3, 4}), 0.022915216405436478; got != want {
		t.Errorf("KVTKeyToKey({1,2,3,4}) = %v, want %v", got, want)
	}
}

func TestContainerOfVectors(t *testing.T) {
	for _, tc := range []struct {
		name        string
		four, eight int
	}{
		{"scope/stream/0", 3, 3},
		{"scope/stream/1", 3, 5},
		{"test/test/0", 3, 5},
		{"myScope/myStream/3", 1, 1},
		{"examples/_RGgroup/0", 1, 1},
		{"scope/kvt_kvtable/0", 2, 2},
		{"_system/_requeststream/0", 1, 4},
	} {
		if got := ContainerOf(tc.name, 4); got != tc.four {
			t.Errorf("ContainerOf(%q, 4) = %d, want %d", tc.name, got, tc.four)
		}
		if got := ContainerOf(tc.name, 8); got != tc.eight {
			t.Errorf("ContainerOf(%q, 8) = %d, want %d", tc.name, got, tc.eight)
		}
		// Every epoch of the segment and its transaction and transient
		// segments land in the same container.
		txn := UUID{MSB: 0x0000000500000001, LSB: 42}
		for _, variant := range []string{
			tc.name + ".#epoch.0",
			tc.name + ".#epoch.17",
			TransactionName(tc.name+".#epoch.5", txn),
			TransientName(tc.name+".#epoch.3", txn, UUID{MSB: 1, LSB: 2}),
		} {
			if got := ContainerOf(variant, 8); got != tc.eight {
				t.Errorf("ContainerOf(%q, 8) = %d, want %d", variant, got, tc.eight)
			}
		}
	}
}

func TestHashStringMatchesBytes(t *testing.T) {
	// The streaming UTF-16 hasher must equal hashing the encoded bytes, for
	// every length around the 16-byte block size and for surrogate pairs.
	for _, s := range []string{"", "a", "abcdefg", "abcdefgh", "abcdefghi", "0123456789abcdefXYZ", "é", "a😀b", "😀😀😀😀😀", "\xff", "abcdefghé", "abcdefgé12345678", "12345678abcdefgh😀"} {
		var b []byte
		for _, r := range s {
			if r >= 0x10000 {
				r -= 0x10000
				hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
				b = append(b, byte(hi), byte(hi>>8), byte(lo), byte(lo>>8))
				continue
			}
			b = append(b, byte(r), byte(r>>8))
		}
		for _, seed := range []int32{0, 1, -1, RoutingKeySeed, KVTKeySeed} {
			if got, want := HashString(s, seed), HashBytes(b, seed); got != want {
				t.Errorf("HashString(%q, %d) = %x, bytes hash %x", s, seed, got, want)
			}
		}
	}
}

func TestConsistentHash(t *testing.T) {
	// One bucket: always 0.
	for _, in := range []int64{0, 1, -1, math.MaxInt64, math.MinInt64} {
		if got := ConsistentHash(in, 1); got != 0 {
			t.Errorf("ConsistentHash(%d, 1) = %d", in, got)
		}
	}
	// Results stay in range and growing the bucket count only moves inputs
	// to the new bucket.
	for i := int64(0); i < 20000; i++ {
		in := int64(uint64(i) * 0x9E3779B97F4A7C15)
		prev := ConsistentHash(in, 1)
		for n := 2; n <= 64; n++ {
			got := ConsistentHash(in, n)
			if got < 0 || got >= n {
				t.Fatalf("ConsistentHash(%d, %d) = %d out of range", in, n, got)
			}
			if got != prev && got != n-1 {
				t.Fatalf("ConsistentHash(%d): %d buckets → %d, %d buckets → %d", in, n-1, prev, n, got)
			}
			prev = got
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("ConsistentHash with 0 buckets did not panic")
		}
	}()
	ConsistentHash(1, 0)
}

func TestToUnitIntervalRange(t *testing.T) {
	for _, h := range []int64{0, -1, math.MaxInt64, math.MinInt64, 1 << 12} {
		f := toUnitInterval(h)
		if f < 0 || f >= 1 {
			t.Errorf("toUnitInterval(%x) = %v not in [0,1)", h, f)
		}
	}
}

var sink float64
var sinkInt int

func BenchmarkRoutingKeyToKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = RoutingKeyToKey("customer-0000042")
	}
}

func BenchmarkRoutingKeyToKeyNonASCII(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = RoutingKeyToKey("ünïcödé-kunde-42")
	}
}

func BenchmarkContainerOf(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkInt = ContainerOf("myScope/myStream/12.#epoch.3", 8)
	}
}

func BenchmarkContainerOfTransaction(b *testing.B) {
	name := TransactionName("myScope/myStream/12.#epoch.3", UUID{MSB: 3 << 32, LSB: 99})
	b.ReportAllocs()
	for b.Loop() {
		sinkInt = ContainerOf(name, 8)
	}
}

// TestRevisionStreamClientMark checks the attribute id against the value the
// Java client 0.13 computes (SegmentAttribute.RevisionStreamClientMark).
func TestRevisionStreamClientMark(t *testing.T) {
	var h int32
	for _, c := range "SegmentAttribute" {
		h = 31*h + c
	}
	if h != AttributeSeed {
		t.Fatalf("AttributeSeed = %d, hashCode = %d", AttributeSeed, h)
	}
	if got := RevisionStreamClientMark().String(); got != "7df9a874-246c-c9d6-9397-cdd19ead68c5" {
		t.Fatalf("RevisionStreamClientMark = %s", got)
	}
}
