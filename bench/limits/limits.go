// Package limits measures the machine's physical limits in the same run as
// the benchmarks, so that every result can be stated as a ratio to them:
// fsync latency and durable sequential write (fio, on the filesystem of
// the data directories), sequential read, and loopback TCP bandwidth.
package limits

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sluicestream/sluice/bench/report"
)

// Measure runs every measurement in dir (which must be on the data
// filesystem); a measurement that cannot run leaves its field zero and says
// why in Notes.
func Measure(ctx context.Context, dir string, log io.Writer) report.Limits {
	var l report.Limits
	l.Filesystem = filesystem(dir)
	fio, err := findFio(log)
	if err != nil {
		l.Notes = append(l.Notes, "fio limits skipped: "+err.Error())
	} else {
		if err := fsync(ctx, fio, dir, &l); err != nil {
			l.Notes = append(l.Notes, "fsync latency: "+err.Error())
		}
		if err := seq(ctx, fio, dir, &l); err != nil {
			l.Notes = append(l.Notes, "sequential write/read: "+err.Error())
		}
	}
	mb, err := Loopback(ctx, 3*time.Second)
	if err != nil {
		l.Notes = append(l.Notes, "loopback: "+err.Error())
	}
	l.LoopbackMB = mb
	_, _ = fmt.Fprintf(log, "limits: fsync p50 %.3f ms p99 %.3f ms (%.0f/s), durable seq write %.0f MB/s, seq read %.0f MB/s, loopback %.0f MB/s on %s\n",
		l.FsyncP50Ms, l.FsyncP99Ms, l.FsyncIOPS, l.DurableSeqWriteMB, l.SeqReadMB, l.LoopbackMB, l.Filesystem)
	return l
}

// findFio returns fio's path, installing Debian's package when running as
// root and it is missing.
func findFio(log io.Writer) (string, error) {
	if p, err := exec.LookPath("fio"); err == nil {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("fio not installed (apt-get install fio) and not root")
	}
	_, _ = fmt.Fprintln(log, "limits: installing fio with apt-get")
	cmd := exec.Command("apt-get", "install", "-y", "-q", "fio")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		up := exec.Command("apt-get", "update", "-q")
		_ = up.Run()
		if out2, err2 := exec.Command("apt-get", "install", "-y", "-q", "fio").CombinedOutput(); err2 != nil {
			return "", fmt.Errorf("apt-get install fio: %w: %s %s", err2, tailStr(out), tailStr(out2))
		}
	}
	return exec.LookPath("fio")
}

func tailStr(b []byte) string {
	s := string(b)
	if len(s) > 300 {
		s = s[len(s)-300:]
	}
	return s
}

func filesystem(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown"
	}
	out, err := exec.Command("df", "--output=source,fstype", dir).Output()
	if err != nil {
		return fmt.Sprintf("type 0x%x", st.Type)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(strings.Fields(lines[len(lines)-1]), " ")
}

// fioJob is the part of fio's JSON output read here.
type fioJob struct {
	Read  fioDir `json:"read"`
	Write fioDir `json:"write"`
	Sync  struct {
		Lat struct {
			Percentile map[string]float64 `json:"percentile"`
		} `json:"lat_ns"`
		TotalIOs int64 `json:"total_ios"`
	} `json:"sync"`
}

type fioDir struct {
	BW   float64 `json:"bw_bytes"`
	IOPS float64 `json:"iops"`
	Clat struct {
		Percentile map[string]float64 `json:"percentile"`
	} `json:"clat_ns"`
}

func runFio(ctx context.Context, fio string, args ...string) (fioJob, error) {
	out, err := exec.CommandContext(ctx, fio, append(args, "--output-format=json")...).Output()
	if err != nil {
		return fioJob{}, fmt.Errorf("fio %s: %w", strings.Join(args, " "), err)
	}
	// fio may print warnings before the JSON.
	if i := strings.IndexByte(string(out), '{'); i > 0 {
		out = out[i:]
	}
	var r struct {
		Jobs []fioJob `json:"jobs"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return fioJob{}, fmt.Errorf("fio output: %w", err)
	}
	if len(r.Jobs) == 0 {
		return fioJob{}, fmt.Errorf("fio output has no jobs")
	}
	return r.Jobs[0], nil
}

// fsync: 4 KiB sequential writes, each followed by fdatasync, one at a
// time — the latency of one durable commit.
func fsync(ctx context.Context, fio, dir string, l *report.Limits) error {
	f := filepath.Join(dir, "fio-fsync")
	defer func() { _ = os.Remove(f) }()
	j, err := runFio(ctx, fio, "--name=fsync", "--filename="+f, "--rw=write", "--bs=4k", "--size=256m",
		"--fdatasync=1", "--runtime=10", "--time_based=0", "--ioengine=sync")
	if err != nil {
		return err
	}
	p := j.Sync.Lat.Percentile
	l.FsyncP50Ms, l.FsyncP99Ms = p["50.000000"]/1e6, p["99.000000"]/1e6
	l.FsyncIOPS = j.Write.IOPS
	if l.FsyncP50Ms == 0 {
		return fmt.Errorf("fio reported no sync latencies")
	}
	return nil
}

// seq: 1 MiB writes with fdatasync after each (durable sequential write),
// then direct 1 MiB sequential reads of the same file.
func seq(ctx context.Context, fio, dir string, l *report.Limits) error {
	f := filepath.Join(dir, "fio-seq")
	defer func() { _ = os.Remove(f) }()
	j, err := runFio(ctx, fio, "--name=seqwrite", "--filename="+f, "--rw=write", "--bs=1m", "--size=1g",
		"--fdatasync=1", "--runtime=15", "--ioengine=sync")
	if err != nil {
		return err
	}
	l.DurableSeqWriteMB = j.Write.BW / 1e6
	j, err = runFio(ctx, fio, "--name=seqread", "--filename="+f, "--rw=read", "--bs=1m", "--size=1g",
		"--direct=1", "--runtime=15", "--ioengine=sync")
	if err != nil {
		return err
	}
	l.SeqReadMB = j.Read.BW / 1e6
	return nil
}

// Loopback measures one TCP stream over 127.0.0.1 for d, in MB/s.
func Loopback(ctx context.Context, d time.Duration) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = ln.Close() }()
	got := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- 0
			return
		}
		defer func() { _ = c.Close() }()
		n, _ := io.Copy(io.Discard, c)
		got <- n
	}()
	var dl net.Dialer
	c, err := dl.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 1<<20)
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		if _, err := c.Write(buf); err != nil {
			_ = c.Close()
			return 0, err
		}
	}
	_ = c.Close()
	n := <-got
	return float64(n) / time.Since(start).Seconds() / 1e6, nil
}
