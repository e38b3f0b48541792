package rest

import (
	"slices"
	"testing"

	"github.com/sluicestream/sluice/internal/controller/streammodel"
)

func seg(id int64, low, high float64) streammodel.Segment {
	return streammodel.Segment{ID: id, KeyRange: streammodel.KeyRange{Low: low, High: high}}
}

func TestSplitsAndMerges(t *testing.T) {
	before := []streammodel.Segment{seg(0, 0, .25), seg(1, .25, .5), seg(2, .5, 1)}
	for _, c := range []struct {
		name                string
		after               []streammodel.Segment
		wantSplit, wantMerg int64
	}{
		{"unchanged", before, 0, 0},
		// 0 and 1 merge into 3; 2 splits into 4 and 5.
		{"merge and split", []streammodel.Segment{seg(3, 0, .5), seg(4, .5, .75), seg(5, .75, 1)}, 1, 1},
		// One for one: a replaced segment is neither.
		{"replace", []streammodel.Segment{seg(0, 0, .25), seg(1, .25, .5), seg(6, .5, 1)}, 0, 0},
	} {
		s, m := splitsAndMerges(before, c.after)
		if s != c.wantSplit || m != c.wantMerg {
			t.Errorf("%s: splits %d merges %d, want %d %d", c.name, s, m, c.wantSplit, c.wantMerg)
		}
	}
	if s, m := splitsAndMerges(nil, before); s != 0 || m != 0 {
		t.Errorf("the first epoch: splits %d merges %d", s, m)
	}
}

func TestWindow(t *testing.T) {
	evs := []scaleMetadata{{Timestamp: 10}, {Timestamp: 20}, {Timestamp: 30}, {Timestamp: 40}}
	stamps := func(in []scaleMetadata) []int64 {
		out := []int64{}
		for _, e := range in {
			out = append(out, e.Timestamp)
		}
		return out
	}
	for _, c := range []struct {
		from, to int64
		want     []int64
	}{
		{0, 100, []int64{10, 20, 30, 40}},
		{0, 5, []int64{}},
		{20, 30, []int64{10, 20, 30}}, // the one before from comes along, as in Pravega
		{25, 35, []int64{20, 30}},     // 20 was in force at 25
		{41, 50, []int64{40}},
		{15, 15, []int64{10}},
	} {
		if got := stamps(window(evs, c.from, c.to)); !slices.Equal(got, c.want) {
			t.Errorf("window [%d, %d]: %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
