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
	s := StartSampler(pid, time.Millisecond)
	if peak := s.Stop(); peak <= 0 {
		t.Fatalf("peak rss %d", peak)
	}
}
