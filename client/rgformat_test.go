package client

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"
)

// Golden vectors: table entries written by the Python client 0.3.8 (Rust
// 0.3.7, serde_cbor 0.11) into a reader group's state on a Sluice node.
const (
	pyUnassignedKey   = "78293139756e61737369676e65645f7365676d656e74732f743637362d312f732f312e2365706f63682e30"
	pyUnassignedValue = "a267747970655f6964664f666673657464646174618818a118641872186518611864181818bc"
	pyOuterKey        = "73313761737369676e65645f7365676d656e7473"
	pyBlobValue       = "a267747970655f696464626c6f6264646174618100"
	pyTombstoneValue  = "a267747970655f696469746f6d6273746f6e6564646174618118a0"
	pyConfigValue     = "a267747970655f6964781a52656164657247726f7570436f6e66696756657273696f6e65646464617461987a18a118621856183118a31878181918671872186f18751870185f1872186518661872186518731868185f18741869186d1865185f186d1869186c186c1869187318190b18b81874187318741861187218741869186e1867185f18731874187218651861186d185f186318751874187318a118a2186518731863186f1870186518a11864186e1861186d186518661874183618371836182d1831186618731874187218651861186d18a11864186e1861186d18651861187318691855186e1862186f1875186e18641865186418721865186e18641869186e1867185f18731874187218651861186d185f186318751874187318a0"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRustStateGolden(t *testing.T) {
	seg := Segment{Scope: "t676-1", Stream: "s", ID: 1}
	key := cborAppendText(nil, compositeKey(rgUnassigned, seg.Name(), false))
	if !bytes.Equal(key, unhex(t, pyUnassignedKey)) {
		t.Fatalf("unassigned key %x", key)
	}
	if v := encodeValue(typeOffset, encOffset(188)); !bytes.Equal(v, unhex(t, pyUnassignedValue)) {
		t.Fatalf("offset value %x", v)
	}
	if k := cborAppendText(nil, compositeKey(rgAssigned, "", true)); !bytes.Equal(k, unhex(t, pyOuterKey)) {
		t.Fatalf("outer key %x", k)
	}
	if v := encodeValue(typeBlob, []byte{0}); !bytes.Equal(v, unhex(t, pyBlobValue)) {
		t.Fatalf("blob value %x", v)
	}
	if v := encodeValue(typeTombstone, []byte{0xa0}); !bytes.Equal(v, unhex(t, pyTombstoneValue)) {
		t.Fatalf("tombstone value %x", v)
	}
	typeID, data, err := decodeValue(unhex(t, pyConfigValue))
	if err != nil || typeID != typeConfig {
		t.Fatalf("config value: %q %v", typeID, err)
	}
	cfg, err := decConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RefreshInterval != 3*time.Second || len(cfg.Streams) != 1 || cfg.Streams[0].Scope != "t676-1" || cfg.Streams[0].Stream != "s" || !cfg.Streams[0].From.Unbounded() {
		t.Fatalf("config %+v", cfg)
	}
	// What Python wrote is what we write for the same configuration.
	if got := encConfig(cfg); !bytes.Equal(got, data) {
		t.Fatalf("config encoding\n got %x\nwant %x", got, data)
	}
}

func TestRustStateRoundTrip(t *testing.T) {
	a := Segment{Scope: "sc", Stream: "st", ID: 1<<32 | 7}
	b := Segment{Scope: "sc", Stream: "other", ID: 0}
	m, err := decAssigned(encAssigned(map[Segment]int64{a: 1 << 40, b: 0}))
	if err != nil || len(m) != 2 || m[a] != 1<<40 || m[b] != 0 {
		t.Fatalf("assigned: %v %v", m, err)
	}
	ids, err := decSegmentSet(encSegmentSet([]int64{5, -1, 1 << 33}))
	if err != nil || len(ids) != 3 || ids[0] != -1 || ids[2] != 1<<33 {
		t.Fatalf("segment set: %v %v", ids, err)
	}
	cfg := ReaderGroupConfig{RefreshInterval: 250 * time.Millisecond, Streams: []GroupStream{
		{Scope: "sc", Stream: "a", FromTail: true},
		{Scope: "sc", Stream: "b", From: StreamCut{Scope: "sc", Stream: "b", Positions: map[int64]int64{0: 10, 1<<32 | 3: 20}}},
	}}
	got, err := decConfig(encConfig(cfg))
	if err != nil || got.RefreshInterval != cfg.RefreshInterval || !got.Streams[0].FromTail ||
		got.Streams[1].From.String() != cfg.Streams[1].From.String() {
		t.Fatalf("config: %+v %v", got, err)
	}
	cp := checkpointState{pending: []string{"r2", "r1"}, positions: map[Segment]int64{a: 3}}
	back, err := decCheckpoint(encCheckpoint(cp))
	if err != nil || len(back.pending) != 2 || back.positions[a] != 3 {
		t.Fatalf("checkpoint: %+v %v", back, err)
	}
	for _, bad := range [][]byte{nil, {0x1c}, {0x9a, 0xff, 0xff, 0xff, 0xff}, {0x62, 'a'}, {0xfb, 0, 0, 0, 0, 0, 0, 0, 0}} {
		if _, err := cborDecode(bad); err == nil {
			t.Fatalf("decoded %x", bad)
		}
	}
	for _, k := range []string{"", "9", "05abc", "x1abc"} {
		if _, _, _, err := splitKey(k); err == nil {
			t.Fatalf("split %q", k)
		}
	}
}
