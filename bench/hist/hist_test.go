package hist

import (
	"sync"
	"testing"
	"time"
)

func TestMergeKeepsEveryValue(t *testing.T) {
	a, b := New(), New()
	for i := 1; i <= 1000; i++ {
		a.Record(time.Duration(i) * time.Millisecond)
	}
	for i := 1001; i <= 2000; i++ {
		b.Record(time.Duration(i) * time.Millisecond)
	}
	a.Merge(b)
	s := a.Summary()
	if s.Count != 2000 {
		t.Fatalf("count %d, want 2000", s.Count)
	}
	if s.P50 < 995 || s.P50 > 1005 {
		t.Errorf("p50 %.1f ms, want about 1000", s.P50)
	}
	if s.Max < 1999 || s.Max > 2002 {
		t.Errorf("max %.1f ms, want about 2000", s.Max)
	}
	if s.P999 < 1995 || s.P999 > 2002 {
		t.Errorf("p99.9 %.1f ms, want about 1998", s.P999)
	}
}

func TestClampAndEmpty(t *testing.T) {
	r := New()
	if s := r.Summary(); s.Count != 0 || s.Max != 0 {
		t.Fatalf("empty summary %+v", s)
	}
	if r.Spectrum() != nil {
		t.Fatal("empty spectrum not nil")
	}
	r.Record(time.Hour)
	r.Record(0)
	s := r.Summary()
	if s.Clamped != 1 || s.Count != 2 {
		t.Fatalf("summary %+v, want 1 clamped of 2", s)
	}
	if s.Max < 599_000 {
		t.Errorf("max %.0f ms, want the 10 min ceiling", s.Max)
	}
}

func TestConcurrentRecord(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				r.Record(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if r.Count() != 8000 {
		t.Fatalf("count %d, want 8000", r.Count())
	}
	sp := r.Spectrum()
	if len(sp) == 0 || sp[len(sp)-1].Percentile != 100 {
		t.Fatalf("spectrum %v", sp)
	}
}
