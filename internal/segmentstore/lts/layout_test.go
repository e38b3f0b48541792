package lts_test

import (
	"strings"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

var segments = []string{
	"scope/stream/0.#epoch.0",
	"scope/stream/0.#epoch.0#transaction.00ab12cd34ef56789abcdef012345678",
	"_system/containers/metadata_3",
	"sc ope/str@am/1.#epoch.2",
	"a//b/./../.lts-x/é",
	"",
}

func TestLayoutNamesRoundTrip(t *testing.T) {
	for _, seg := range segments {
		for _, name := range []string{lts.ChunkName(seg, 1<<40+5, 7), lts.MetaName(seg, 9), lts.IndexName(seg)} {
			if err := lts.ValidateName(name); err != nil {
				t.Fatalf("segment %q: %v", seg, err)
			}
			if !strings.HasPrefix(name, lts.SegmentPrefix(seg)) {
				t.Fatalf("%q lacks prefix %q", name, lts.SegmentPrefix(seg))
			}
			p, err := lts.ParseName(name)
			if err != nil {
				t.Fatal(err)
			}
			if p.Segment != seg {
				t.Fatalf("ParseName(%q).Segment = %q, want %q", name, p.Segment, seg)
			}
		}
	}
	got := lts.ChunkName("scope/stream/0.#epoch.0", 4096, 3)
	if want := "segments/scope/stream/0.#epoch.0/@00000000000000004096.00000000000000000003"; got != want {
		t.Fatalf("ChunkName = %q, want %q", got, want)
	}
	p, _ := lts.ParseName(got)
	if p != (lts.ParsedName{Kind: lts.KindChunk, Segment: "scope/stream/0.#epoch.0", Offset: 4096, Epoch: 3}) {
		t.Fatalf("ParseName = %+v", p)
	}
	if got := lts.MetaName("s/t/1", 2); got != "segments/s/t/1/@meta.00000000000000000002" {
		t.Fatalf("MetaName = %q", got)
	}
	if p, err := lts.ParseName(lts.IndexName("s/t/1")); err != nil || p != (lts.ParsedName{Kind: lts.KindIndex, Segment: "s/t/1"}) {
		t.Fatalf("ParseName(IndexName) = %+v, %v", p, err)
	}
}

// TestSegmentPrefixIsExclusive: listing a segment's prefix never reaches
// its transactions or segments whose names extend it, and chunks sort by
// offset before the metadata objects.
func TestSegmentPrefixIsExclusive(t *testing.T) {
	seg := "scope/stream/0.#epoch.0"
	others := []string{seg + "#transaction.00ab", seg + "/x", "scope/stream/0.#epoch.01"}
	for _, o := range others {
		for _, name := range []string{lts.ChunkName(o, 0, 1), lts.MetaName(o, 1)} {
			if strings.HasPrefix(name, lts.SegmentPrefix(seg)) {
				t.Fatalf("%q matches %q's prefix", name, seg)
			}
		}
	}
	if lts.ChunkName(seg, 9, 1) >= lts.ChunkName(seg, 10, 1) || lts.ChunkName(seg, 1<<62, 1) >= lts.MetaName(seg, 0) {
		t.Fatal("names do not sort by offset, then metadata")
	}
}

func TestParseNameRejects(t *testing.T) {
	for _, name := range []string{"x/@meta.1", "segments/a/b", "segments/a/@12.3", "segments/a/@meta.x",
		"segments/a%zz/@meta.00000000000000000001", "segments/a/@99999999999999999999.00000000000000000001"} {
		if _, err := lts.ParseName(name); err == nil {
			t.Errorf("ParseName(%q) succeeded", name)
		}
	}
}
