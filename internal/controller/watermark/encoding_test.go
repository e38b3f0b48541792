package watermark

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// Golden vectors: Watermark.toByteBuf() of the Java classes in
// io.pravega:pravega-shared-protocol:0.13.0 (printed by a throwaway
// program; the two-entry map was a LinkedHashMap in id order).
var golden = []struct {
	name string
	w    Watermark
	hex  string
}{
	{"two segments", Watermark{Lower: 1700000000000, Upper: 1700000005000, Cut: map[Segment]int64{
		{ID: 0, Low: 0, High: 0.5}:         123,
		{ID: 1<<32 | 2, Low: 0.5, High: 1}: 4567,
	}}, "00000100" + "00000061" + "0000018bcfe56800" + "0000018bcfe57b88" + "02" +
		"00000100" + "00000018" + "0000000000000000" + "0000000000000000" + "3fe0000000000000" + "000000000000007b" +
		"00000100" + "00000018" + "0000000100000002" + "3fe0000000000000" + "3ff0000000000000" + "00000000000011d7"},
	{"empty (Java Watermark.EMPTY)", Watermark{Lower: math.MinInt64, Upper: math.MinInt64, Cut: map[Segment]int64{}},
		"00000100" + "00000011" + "8000000000000000" + "8000000000000000" + "00"},
	{"negative times and offset", Watermark{Lower: -5, Upper: 10, Cut: map[Segment]int64{{ID: 7, Low: 0.25, High: 0.75}: -1}},
		"00000100" + "00000039" + "fffffffffffffffb" + "000000000000000a" + "01" +
			"00000100" + "00000018" + "0000000000000007" + "3fd0000000000000" + "3fe8000000000000" + "ffffffffffffffff"},
}

func TestGolden(t *testing.T) {
	for _, g := range golden {
		want, err := hex.DecodeString(g.hex)
		if err != nil {
			t.Fatal(err)
		}
		if got := Marshal(g.w); !bytes.Equal(got, want) {
			t.Errorf("%s: Marshal\n got %x\nwant %x", g.name, got, want)
		}
		w, err := Unmarshal(want)
		if err != nil {
			t.Fatalf("%s: Unmarshal: %v", g.name, err)
		}
		if !reflect.DeepEqual(w, g.w) {
			t.Errorf("%s: Unmarshal = %+v, want %+v", g.name, w, g.w)
		}
	}
}

// TestCompactCount: 200 entries need a two-byte count (0x80c8), as Java
// writes it; the Java serialization of this watermark is 8026 bytes and
// starts with the prefix below.
func TestCompactCount(t *testing.T) {
	w := Watermark{Lower: 1, Upper: 2, Cut: map[Segment]int64{}}
	for i := range 200 {
		w.Cut[Segment{ID: int64(i), Low: float64(i) / 200, High: float64(i+1) / 200}] = int64(i) * 10
	}
	b := Marshal(w)
	if len(b) != 8026 || !strings.HasPrefix(hex.EncodeToString(b), "0000010000001f520000000000000001000000000000000280c800000100") {
		t.Fatalf("len %d, head %x", len(b), b[:30])
	}
	back, err := Unmarshal(b)
	if err != nil || !reflect.DeepEqual(back, w) {
		t.Fatalf("round trip: %v", err)
	}
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 1<<30 - 1} {
		d := decoder{b: appendCompactInt(nil, n)}
		if got := d.compactInt("n"); got != n || d.err != nil || len(d.b) != 0 {
			t.Fatalf("compact %d: got %d, %v, %d left", n, got, d.err, len(d.b))
		}
	}
}

// TestUnmarshalSkipsUnknown: a later revision and unread bytes at the end of
// revision 0 are skipped, as Java's reader does.
func TestUnmarshalSkipsUnknown(t *testing.T) {
	w := golden[0].w
	b := Marshal(w)
	// Grow revision 0 by three junk bytes and add a revision 1 of 2 bytes.
	n := int(b[4])<<24 | int(b[5])<<16 | int(b[6])<<8 | int(b[7])
	ext := append([]byte{}, b[:8]...)
	ext[2] = 2
	ext[7] += 3
	ext = append(ext, b[8:8+n]...)
	ext = append(ext, 0xAA, 0xBB, 0xCC)
	ext = append(ext, 1, 0, 0, 0, 2, 0xDD, 0xEE)
	got, err := Unmarshal(ext)
	if err != nil || !reflect.DeepEqual(got, w) {
		t.Fatalf("Unmarshal extended = %+v, %v", got, err)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	good := Marshal(golden[0].w)
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte{}, good...)) }
	for name, b := range map[string][]byte{
		"empty":          nil,
		"format 1":       mutate(func(b []byte) []byte { b[0] = 1; return b }),
		"version 1":      mutate(func(b []byte) []byte { b[1] = 1; return b }),
		"no revisions":   {0, 0, 0},
		"revision 1":     mutate(func(b []byte) []byte { b[3] = 1; return b }),
		"short":          good[:len(good)-1],
		"trailing":       append(append([]byte{}, good...), 0),
		"upper < lower":  Marshal(Watermark{Lower: 2, Upper: 1}),
		"bad range":      Marshal(Watermark{Cut: map[Segment]int64{{ID: 1, Low: 0.5, High: 0.5}: 0}}),
		"negative id":    Marshal(Watermark{Cut: map[Segment]int64{{ID: -1, Low: 0, High: 1}: 0}}),
		"NaN range":      Marshal(Watermark{Cut: map[Segment]int64{{ID: 1, Low: math.NaN(), High: 1}: 0}}),
		"huge count":     {0, 0, 1, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF},
		"negative count": {0, 0, 0x80, 0},
		"negative len":   {0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF},
		"duplicate": func() []byte {
			w := Marshal(Watermark{Cut: map[Segment]int64{{ID: 1, Low: 0, High: 1}: 5}})
			entry := w[len(w)-40:]
			w = append(w, entry...)
			w[24] = 2
			w[7] += 40
			return w
		}(),
	} {
		if _, err := Unmarshal(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

// FuzzUnmarshal: never panics; whatever it accepts marshals back to bytes
// that decode to the same watermark.
func FuzzUnmarshal(f *testing.F) {
	for _, g := range golden {
		b, _ := hex.DecodeString(g.hex)
		f.Add(b)
	}
	f.Add([]byte{0, 0, 1, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Unmarshal(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		again, err := Unmarshal(Marshal(w))
		if err != nil || !reflect.DeepEqual(again, w) {
			t.Fatalf("re-marshal: %+v, %v; want %+v", again, err, w)
		}
	})
}
