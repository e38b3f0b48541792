package client

import "testing"

// FuzzReaderGroupStateDecode: reader-group state values come from a table
// other clients write; no bytes may crash their decoders, and what
// decodes as offsets or assignments encodes back to a value that decodes
// the same.
func FuzzReaderGroupStateDecode(f *testing.F) {
	f.Add(encOffset(12345))
	f.Add(encAssigned(map[Segment]int64{{Scope: "s", Stream: "t", ID: 1}: 7}))
	f.Add(encSegmentSet([]int64{1, 2, 3}))
	f.Add([]byte{0xa1, 0x61, 0x61, 0x9f})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = cborDecode(data)
		if off, err := decOffset(data); err == nil {
			if again, err := decOffset(encOffset(off)); err != nil || again != off {
				t.Fatalf("offset %d round trip: %d %v", off, again, err)
			}
		}
		if m, err := decAssigned(data); err == nil {
			again, err := decAssigned(encAssigned(m))
			if err != nil || len(again) != len(m) {
				t.Fatalf("assignments %v round trip: %v %v", m, again, err)
			}
		}
		_, _ = decSegmentSet(data)
		_, _ = decConfig(data)
		_, _ = decCheckpoint(data)
	})
}
