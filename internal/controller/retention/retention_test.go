package retention

import "testing"

func TestChooseByTime(t *testing.T) {
	p := Policy{Min: 10_000}
	pts := []Point{{TimeMs: 0}, {TimeMs: 5_000}, {TimeMs: 12_000}}
	for _, c := range []struct {
		now  int64
		want int
	}{{9_999, -1}, {10_000, 0}, {15_000, 1}, {21_999, 1}, {22_000, 2}} {
		if got := Choose(p, pts, c.now); got != c.want {
			t.Errorf("now %d: chose %d, want %d", c.now, got, c.want)
		}
	}
}

func TestChooseBySize(t *testing.T) {
	p := Policy{BySize: true, Min: 100}
	pts := []Point{{After: 300}, {After: 150}, {After: 99}}
	if got := Choose(p, pts, 0); got != 1 {
		t.Fatalf("chose %d, want 1 (the newest with at least 100 bytes after it)", got)
	}
	if got := Choose(p, []Point{{After: 10}}, 0); got != -1 {
		t.Fatalf("chose %d with too little data", got)
	}
}

func TestShouldRecordSpacing(t *testing.T) {
	p := Policy{Min: 64_000}
	if !ShouldRecord(p, nil, 0) || ShouldRecord(p, &Point{TimeMs: 0}, 999) || !ShouldRecord(p, &Point{TimeMs: 0}, 1000) {
		t.Fatal("time spacing is Min/64")
	}
	ps := Policy{BySize: true, Min: 6400}
	if ShouldRecord(ps, &Point{After: 99}, 0) || !ShouldRecord(ps, &Point{After: 100}, 0) {
		t.Fatal("size spacing is Min/64 bytes")
	}
}
