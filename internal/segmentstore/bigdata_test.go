package segmentstore_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestLargeSegmentThroughLongTermStorage writes SLUICE_BIG_MIB (default
// 2048) MiB to one segment of a child segment store whose cache budget is 64
// MiB, reads it all back from offset 0 — most of it from long-term storage —
// compares SHA-256 digests and reports the child's peak RSS, the largest
// journal size seen while writing, and the catch-up read speed next to the
// disk's sequential read speed over the same chunk files (page cache
// dropped before each when the process may). It runs only when
// SLUICE_BIG_MIB is set (minutes, gigabytes of disk).
func TestLargeSegmentThroughLongTermStorage(t *testing.T) {
	mib, _ := strconv.Atoi(os.Getenv("SLUICE_BIG_MIB"))
	if mib <= 0 {
		t.Skip("set SLUICE_BIG_MIB (e.g. 2048) to run")
	}
	const budgetMiB = 64
	dir := t.TempDir()
	ch := startChild(t, dir, fmt.Sprintf("%s=%d", childCacheEnv, budgetMiB))
	defer ch.kill9()
	c := sstest.Dial(t, ch.addr)
	seg := "big/s/0.#epoch.0"
	c.Create(seg)
	w := wire.UUID{0xb1}
	c.Send(&wire.SetupAppend{RequestID: 1, WriterID: w, Segment: seg})
	sstest.Expect[*wire.AppendSetup](c)

	const block = 1 << 20
	total := int64(mib) << 20
	sent := sha256.New()
	buf := make([]byte, block)
	acks := make(chan int64, 64)
	go func() {
		for {
			r, err := c.TryRecv(2 * time.Minute)
			if err != nil {
				close(acks)
				return
			}
			if a, ok := r.(*wire.DataAppended); ok {
				acks <- a.EventNumber
			}
		}
	}()
	stopSampling := make(chan struct{})
	maxJournal := make(chan int64, 1)
	go func() { // journal size, sampled while writing
		largest := int64(0)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			largest = max(largest, dirSize(filepath.Join(dir, "journal")))
			select {
			case <-stopSampling:
				maxJournal <- largest
				return
			case <-tick.C:
			}
		}
	}()
	began := time.Now()
	inflight := 0
	for n := int64(1); n*block <= total; n++ {
		for i := 0; i < block; i += 8 { // cheap, non-repeating content
			binary.LittleEndian.PutUint64(buf[i:], uint64(n)*0x9e3779b97f4a7c15^uint64(i))
		}
		sent.Write(buf)
		c.Send(&wire.AppendBlockEnd{WriterID: w, Data: buf, NumEvents: 1, LastEventNumber: n, RequestID: 1})
		inflight++
		for inflight >= 32 {
			if _, ok := <-acks; !ok {
				t.Fatal("connection lost while writing")
			}
			inflight--
		}
	}
	for inflight > 0 {
		if _, ok := <-acks; !ok {
			t.Fatal("connection lost while writing")
		}
		inflight--
	}
	writeTime := time.Since(began)
	close(stopSampling)
	journalMax := <-maxJournal

	cold := dropPageCache()
	rc := sstest.Dial(t, ch.addr)
	read := sha256.New()
	began = time.Now()
	for off := int64(0); off < total; {
		rc.Send(&wire.ReadSegment{Segment: seg, Offset: off, SuggestedLength: 2 << 20, RequestID: off})
		r := sstest.Expect[*wire.SegmentRead](rc)
		if len(r.Data) == 0 {
			t.Fatalf("empty read at %d", off)
		}
		read.Write(r.Data)
		off += int64(len(r.Data))
	}
	readTime := time.Since(began)
	if !bytes.Equal(sent.Sum(nil), read.Sum(nil)) {
		t.Fatal("data read back differs from data written")
	}
	peak := peakRSS(t, ch.cmd.Process.Pid)
	readMBs := float64(total) / readTime.Seconds() / 1e6
	t.Logf("%d MiB: write %.0f MB/s, read %.0f MB/s, child peak RSS %d MiB with a %d MiB cache budget",
		mib, float64(total)/writeTime.Seconds()/1e6, readMBs, peak>>20, budgetMiB)
	t.Logf("largest journal size while writing %d MiB: %d MiB", mib, journalMax>>20)

	dropPageCache()
	rawBytes, rawTime := readFiles(t, filepath.Join(dir, "lts", "segments", "big", "s", "0.#epoch.0"))
	rawMBs := float64(rawBytes) / rawTime.Seconds() / 1e6
	t.Logf("catch-up read %.0f MB/s vs sequential read of the chunk files %.0f MB/s: ratio %.2f (page cache dropped: %v)",
		readMBs, rawMBs, readMBs/rawMBs, cold)
}

// dirSize is the total size of the files in dir.
func dirSize(dir string) int64 {
	entries, _ := os.ReadDir(dir)
	total := int64(0)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !info.IsDir() {
			total += info.Size()
		}
	}
	return total
}

// dropPageCache asks Linux to drop clean cached pages (needs root); it
// reports whether it could.
func dropPageCache() bool {
	syscall.Sync()
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0) == nil
}

// readFiles reads every regular file under dir in name order with 4 MiB
// reads, as a plain sequential reader would.
func readFiles(t *testing.T, dir string) (int64, time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4<<20)
	total := int64(0)
	began := time.Now()
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for {
			n, err := f.Read(buf)
			total += int64(n)
			if err != nil {
				break
			}
		}
		_ = f.Close()
	}
	return total, time.Since(began)
}

// peakRSS reads a process's high-water resident set size.
func peakRSS(t *testing.T, pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Logf("peak RSS unavailable: %v", err)
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
