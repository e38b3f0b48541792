package workload

import (
	"testing"
	"time"
)

func TestSelect(t *testing.T) {
	ws, err := Select("w8, W1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].ID != "W1" || ws[1].ID != "W8" {
		t.Fatalf("got %v, want W1 then W8", ids(ws))
	}
	if _, err := Select("W9"); err == nil {
		t.Fatal("W9 accepted")
	}
	all, _ := Select("all")
	if len(all) != len(Suite()) {
		t.Fatal("all is not the suite")
	}
}

func TestSuiteIsComplete(t *testing.T) {
	for _, w := range Suite() {
		if len(w.Steps) == 0 {
			t.Errorf("%s has no steps", w.ID)
		}
		for _, s := range w.Steps {
			if s.Writers < 1 || s.EventSize < 16 || s.Segments < 1 || s.Keys < 1 || s.Duration <= 0 {
				t.Errorf("%s %s: incomplete params %+v", w.ID, s.Label, s.Params)
			}
		}
	}
}

func TestParseRates(t *testing.T) {
	got, err := ParseRates("1000, 20k,1.5m,max")
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1000, 20000, 1.5e6, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"fast", "-5", "0"} {
		if _, err := ParseRates(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestOverride(t *testing.T) {
	ws, _ := Select("W1,W8")
	o := Override{Duration: 2 * time.Second, Warmup: time.Second, Rates: []float64{500, 0}}
	w1 := o.Apply(ws[0])
	if len(w1.Steps) != 2 || w1.Steps[0].Rate != 500 || w1.Steps[1].Label != "max" {
		t.Fatalf("W1 steps %+v", w1.Steps)
	}
	if w1.Steps[0].Duration != 2*time.Second || w1.Steps[0].Warmup != time.Second {
		t.Fatalf("durations not overridden: %+v", w1.Steps[0])
	}
	// W8's steps differ in exactly-once too: the rate list leaves them alone.
	w8 := o.Apply(ws[1])
	if len(w8.Steps) != len(ws[1].Steps) {
		t.Fatalf("W8 steps replaced: %+v", w8.Steps)
	}
	// W10 writes on past its kill: a short window must not end it first.
	w10s, _ := Select("W10")
	w10 := o.Apply(w10s[0])
	if p := w10.Steps[0].Params; p.Duration <= p.KillAfter {
		t.Fatalf("W10 writes for %s, killed at %s", p.Duration, p.KillAfter)
	}
}
