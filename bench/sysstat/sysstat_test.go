package sysstat

import (
	"os"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	line := []byte("1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 0 0")
	cpu, err := parseStatCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if cpu != 3.0 {
		t.Fatalf("cpu %v, want 3.0 s (300 ticks)", cpu)
	}
	rss, err := parseStatusRSS([]byte("Name:\tx\nVmRSS:\t  2048 kB\n"))
	if err != nil || rss != 2048<<10 {
		t.Fatalf("rss %d, %v", rss, err)
	}
}

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	if _, err := CPUSeconds(pid); err != nil {
		t.Fatal(err)
	}
	s := StartSampler([]int{pid}, time.Millisecond)
	if peak := s.Stop(); peak <= 0 {
		t.Fatalf("peak rss %d", peak)
	}
}

func TestSum(t *testing.T) {
	pid := os.Getpid()
	one, err := CPUSeconds(pid)
	if err != nil {
		t.Fatal(err)
	}
	// The same process twice counts twice; a pid that does not exist
	// counts zero and is reported.
	two, err := CPUSecondsSum([]int{pid, pid, 1 << 30})
	if err == nil {
		t.Fatal("no error for a missing pid")
	}
	if two < 2*one {
		t.Fatalf("sum %v < 2 × %v", two, one)
	}
	rss, err := RSSBytes(pid)
	if err != nil {
		t.Fatal(err)
	}
	s := StartSampler([]int{pid, pid, 1 << 30}, time.Millisecond)
	if peak := s.Stop(); peak < 2*rss*9/10 {
		t.Fatalf("peak of the sum %d, want about 2 × %d", peak, rss)
	}
}
