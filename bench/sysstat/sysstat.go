// Package sysstat reads a process's CPU time and resident memory from
// /proc, and samples the peak RSS while a measurement runs.
package sysstat

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, which Linux fixes at 100 for /proc/<pid>/stat.
const clockTicks = 100

// CPUSeconds is the user+system CPU time of pid (all threads), in seconds.
func CPUSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(b)
}

// CPUSecondsSum is the summed CPU time of several processes (a server made
// of several processes). It adds what it can read and returns the first
// error, so a process that has ended counts as zero.
func CPUSecondsSum(pids []int) (float64, error) {
	var (
		sum      float64
		firstErr error
	)
	for _, pid := range pids {
		c, err := CPUSeconds(pid)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		sum += c
	}
	return sum, firstErr
}

// parseStatCPU reads utime and stime (fields 14 and 15) from a
// /proc/<pid>/stat line; the command name (field 2) may hold spaces, so
// fields are counted after its closing parenthesis.
func parseStatCPU(b []byte) (float64, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat %q", b)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime is field 14 → f[11], stime f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat %q", b)
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	s, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad stat times %q %q", f[11], f[12])
	}
	return float64(u+s) / clockTicks, nil
}

// RSSBytes is the resident set size of pid.
func RSSBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusRSS(b)
}

func parseStatusRSS(b []byte) (int64, error) {
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) < 1 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in status")
}

// Sampler records the peak RSS of a process (or the peak of the summed RSS
// of several processes) every interval until Stop.
type Sampler struct {
	pids []int
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64
}

// StartSampler starts sampling the RSS of pids, summed at each interval.
func StartSampler(pids []int, every time.Duration) *Sampler {
	s := &Sampler{pids: pids, stop: make(chan struct{})}
	s.sample()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *Sampler) sample() {
	var sum int64
	for _, pid := range s.pids {
		if rss, err := RSSBytes(pid); err == nil {
			sum += rss
		}
	}
	s.mu.Lock()
	s.peak = max(s.peak, sum)
	s.mu.Unlock()
}

// Stop ends sampling and returns the peak RSS seen.
func (s *Sampler) Stop() int64 {
	close(s.stop)
	s.wg.Wait()
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// Settle waits until pid uses less than idle of one core over half a
// second (it has finished the backlog of the previous measurement), or
// until limit has passed. It returns how long it waited.
func Settle(pid int, idle float64, limit time.Duration) time.Duration {
	start := time.Now()
	prev, err := CPUSeconds(pid)
	if err != nil {
		return 0
	}
	for time.Since(start) < limit {
		time.Sleep(500 * time.Millisecond)
		cur, err := CPUSeconds(pid)
		if err != nil || (cur-prev)/0.5 < idle {
			break
		}
		prev = cur
	}
	return time.Since(start)
}
