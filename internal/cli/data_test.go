package cli_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sluicestream/sluice/client"
	"github.com/sluicestream/sluice/internal/cli"
)

// TestWriteAndRead: events written with `sluice write` (arguments, keyed
// lines) read back with `sluice read`, as text and JSON, with --max.
func TestWriteAndRead(t *testing.T) {
	n := startNode(t)
	ctl := "--controller=tcp://" + n.ControllerAddr().String()
	out, err := run(t, "write", "demo/events", "--create", "--segments", "3", "--key", "k", "one", "two", "three", ctl)
	if err != nil || !strings.Contains(out, "wrote 3 events to demo/events") {
		t.Fatalf("write: %q %v", out, err)
	}
	out, err = run(t, "read", "demo/events", ctl)
	if err != nil || out != "one\ntwo\nthree\n" {
		t.Fatalf("read: %q %v (want the events in order: one routing key)", out, err)
	}
	out, err = run(t, "read", "demo/events", "--max", "2", "--output", "json", ctl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var ev struct {
		Segment string
		Offset  int64
		Event   string
	}
	if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &ev) != nil || ev.Event != "two" ||
		!strings.HasPrefix(ev.Segment, "demo/events/") {
		t.Fatalf("read --max 2 --output json: %q", out)
	}
	out, err = run(t, "write", "demo/events", "--output", "json", "four", ctl)
	if err != nil || !strings.Contains(out, `"events": 1`) {
		t.Fatalf("write --output json: %q %v", out, err)
	}
	if _, err := run(t, "write", "demo/missing", "x", ctl); err == nil {
		t.Fatal("write to a missing stream succeeded")
	}
	if _, err := run(t, "read", "demo/events", "--from", "middle", ctl); err == nil {
		t.Fatal("--from middle accepted")
	}
}

// TestReadFollowAcrossScale: `sluice read --follow` prints events as they
// come, continues into the successors after a scale, and exits once the
// stream is sealed and read.
func TestReadFollowAcrossScale(t *testing.T) {
	n := startNode(t)
	ctl := "--controller=tcp://" + n.ControllerAddr().String()
	if out, err := run(t, "write", "f/s", "--create", "--key", "k", "e1", ctl); err != nil {
		t.Fatalf("write: %q %v", out, err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		root := cli.NewRoot()
		root.SetOut(pw)
		root.SetErr(pw)
		root.SetArgs([]string{"read", "f/s", "--follow", ctl})
		done <- root.ExecuteContext(t.Context())
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || lines.Text() != want {
			t.Fatalf("follow printed %q (%v), want %q", lines.Text(), lines.Err(), want)
		}
	}
	expect("e1")
	if out, err := run(t, "write", "f/s", "--key", "k", "e2", ctl); err != nil {
		t.Fatalf("write: %q %v", out, err)
	}
	expect("e2")
	c, err := client.New(t.Context(), "tcp://"+n.ControllerAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	segs, err := c.StreamManager().CurrentSegments(t.Context(), "f", "s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StreamManager().Scale(t.Context(), "f", "s", []int64{segs[0].ID},
		[]client.KeyRange{{Low: 0, High: 0.5}, {Low: 0.5, High: 1}}); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "write", "f/s", "--key", "k", "e3", ctl); err != nil {
		t.Fatalf("write after the scale: %q %v", out, err)
	}
	expect("e3")
	if out, err := run(t, "stream", "seal", "f/s", ctl); err != nil {
		t.Fatalf("seal: %q %v", out, err)
	}
	if err := <-done; err != nil {
		t.Fatalf("follow after the seal: %v", err)
	}
	if lines.Scan() {
		t.Fatalf("unexpected output %q", lines.Text())
	}
}

// TestStreamScaleCutTruncate: manual split and merge, the scaling
// history, printing a stream cut and truncating at it.
func TestStreamScaleCutTruncate(t *testing.T) {
	n := startNode(t)
	ctl := "--controller=tcp://" + n.ControllerAddr().String()
	rest := "--rest=http://" + n.RESTAddr().String()
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"scope", "create", "sc", ctl}, "created scope sc"},
		{[]string{"stream", "create", "sc/auto", "--events-per-sec", "500", ctl}, "auto-scaling at 500 events/s"},
		{[]string{"stream", "create", "sc/s", ctl}, "with 1 segments"},
		{[]string{"write", "sc/s", "--key", "a", "old1", "old2", ctl}, "wrote 2 events"},
		{[]string{"stream", "scale", "sc/s", "--split", "0", "--into", "3", ctl}, "3 active segments"},
		{[]string{"stream", "scale", "sc/s", "--merge", "2,3", ctl}, "2 active segments"},
		{[]string{"stream", "scaling", "sc/s", rest}, "splits 0  merges 1"},
		{[]string{"stream", "scale", "sc/s", "--merge", "1,4", ctl}, "1 active segments"},
		{[]string{"stream", "scale", "sc/s", "--merge", "1,2", ctl}, "not an active segment"},
		{[]string{"cluster", "info", ctl, rest}, "segment stores  " + n.SegmentStoreAddr().String()},
		{[]string{"cluster", "info", ctl, rest, "-o", "json"}, `"restHealth": "UP"`},
		{[]string{"stream", "list", "sc", "-o", "json", ctl}, `"sc/auto"`},
		{[]string{"stream", "info", "sc/auto", "-o", "json", ctl}, `"keyHigh": 1`},
		{[]string{"scope", "list", "-o", "json", ctl}, `"sc"`},
	}
	for _, s := range steps {
		out, err := run(t, s.args...)
		if err != nil {
			out += err.Error()
		}
		if !strings.Contains(out, s.want) {
			t.Fatalf("sluice %s: %q (want %q)", strings.Join(s.args, " "), out, s.want)
		}
	}
	cut, err := run(t, "stream", "cut", "sc/s", ctl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "write", "sc/s", "--key", "a", "new", ctl); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "stream", "truncate", "sc/s", "--cut", strings.TrimSpace(cut), ctl); err != nil ||
		!strings.Contains(out, "truncated sc/s") {
		t.Fatalf("truncate at %q: %q %v", cut, out, err)
	}
	if out, err := run(t, "read", "sc/s", ctl); err != nil || out != "new\n" {
		t.Fatalf("read after truncation: %q %v (want only the event after the cut)", out, err)
	}
	if _, err := run(t, "stream", "truncate", "sc/s", "--cut", "bogus", ctl); err == nil {
		t.Fatal("a bogus cut was accepted")
	}
}

// TestReaderGroupCommands: two `sluice rg read` runs on one group read
// every event exactly once between them; info and list show the group.
func TestReaderGroupCommands(t *testing.T) {
	n := startNode(t)
	ctl := "--controller=tcp://" + n.ControllerAddr().String()
	rest := "--rest=http://" + n.RESTAddr().String()
	steps := [][]string{
		{"stream", "create", "g/events", "--segments", "3", ctl},
	}
	if _, err := run(t, "scope", "create", "g", ctl); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if out, err := run(t, s...); err != nil {
			t.Fatalf("%v: %q %v", s, out, err)
		}
	}
	events := make([]string, 0, 100)
	for i := range 100 {
		events = append(events, fmt.Sprintf("ev-%03d", i))
	}
	if out, err := run(t, append([]string{"write", "g/events", ctl}, events...)...); err != nil {
		t.Fatalf("write: %q %v", out, err)
	}
	if out, err := run(t, "rg", "create", "g/workers", "--stream", "g/events", ctl); err != nil ||
		!strings.Contains(out, "created reader group g/workers") {
		t.Fatalf("rg create: %q %v", out, err)
	}
	first, err := run(t, "rg", "read", "g/workers", "--reader", "a", "--max", "30", ctl)
	if err != nil {
		t.Fatal(err)
	}
	rest2, err := run(t, "rg", "read", "g/workers", "--reader", "b", "--idle", "3s", ctl)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, l := range strings.Fields(first + rest2) {
		seen[l]++
	}
	if len(strings.Fields(first)) != 30 || len(seen) != 100 {
		t.Fatalf("first reader %d events, both %d distinct of 100", len(strings.Fields(first)), len(seen))
	}
	for e, c := range seen {
		if c != 1 {
			t.Fatalf("%s read %d times", e, c)
		}
	}
	if out, err := run(t, "rg", "info", "g/workers", "-o", "json", ctl); err != nil || !strings.Contains(out, `"g/events"`) {
		t.Fatalf("rg info: %q %v", out, err)
	}
	if out, err := run(t, "rg", "list", "g", rest); err != nil || !strings.Contains(out, "g/workers") {
		t.Fatalf("rg list: %q %v", out, err)
	}
	if out, err := run(t, "rg", "delete", "g/workers", ctl); err != nil || !strings.Contains(out, "deleted reader group") {
		t.Fatalf("rg delete: %q %v", out, err)
	}
}
