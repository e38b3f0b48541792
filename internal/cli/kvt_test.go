package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestKVTCommands: create, list, info, put (plain, --if-absent,
// --version), get (text and JSON), remove, entries and list-keys with
// filters, hex keys, delete, and the errors for bad keys.
func TestKVTCommands(t *testing.T) {
	n := startNode(t)
	ctl := "--controller=tcp://" + n.ControllerAddr().String()
	if _, err := run(t, "scope", "create", "k", ctl); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args []string
		want string // in the output or the error
	}{
		{[]string{"kvt", "create", "k/users", "--partitions", "3", "--key-length", "8", ctl}, "created key-value table k/users with 3 partitions"},
		{[]string{"kvt", "create", "k/orders", "--partitions", "2", "--key-length", "4", "--secondary-key-length", "4", ctl}, "created"},
		{[]string{"kvt", "create", "k/users", "--key-length", "8", ctl}, "already exists"},
		{[]string{"kvt", "create", "k/nokey", ctl}, "give --key-length"},
		{[]string{"kvt", "list", "k", ctl}, "k/orders\nk/users\n"},
		{[]string{"kvt", "list", "k", "-o", "json", ctl}, `"k/users"`},
		{[]string{"kvt", "put", "k/users", "alice", "30", ctl}, "put alice (version "},
		{[]string{"kvt", "put", "k/users", "bob", "40", ctl}, "put bob"},
		{[]string{"kvt", "put", "k/users", "bob", "41", "--if-absent", ctl}, "already has a value"},
		{[]string{"kvt", "put", "k/users", "much-too-long", "1", ctl}, `primary key "much-too-long" is 13 bytes; the table's primary keys are 8 bytes`},
		{[]string{"kvt", "put", "k/users", "alice", "1", "--secondary", "x", ctl}, "no secondary keys"},
		{[]string{"kvt", "put", "k/users", "alice", "1", "--version", "nonsense", ctl}, "not a key version"},
		{[]string{"kvt", "put", "k/users", "alice", "1", "--version", "0:999999", ctl}, "is not at version 0:999999"},
		{[]string{"kvt", "get", "k/users", "alice", ctl}, "30\n"},
		{[]string{"kvt", "get", "k/users", "carol", ctl}, `key carol not found in k/users`},
		{[]string{"kvt", "get", "k/users", "616c696365000000", "--hex", ctl}, "30\n"},
		{[]string{"kvt", "get", "k/users", "616c6963", "--hex", ctl}, "exactly 8 bytes"},
		{[]string{"kvt", "get", "k/users", "zz", "--hex", ctl}, "is not hex"},
		{[]string{"kvt", "info", "k/users", ctl}, "entries         2"},
		{[]string{"kvt", "info", "k/missing", ctl}, "key-value table not found"},
		{[]string{"kvt", "entries", "k/users", ctl}, "alice\t30\nbob\t40\n"},
		{[]string{"kvt", "list-keys", "k/users", "--prefix", "b", ctl}, "bob\n"},
		{[]string{"kvt", "remove", "k/users", "bob", ctl}, "removed bob"},
		{[]string{"kvt", "list-keys", "k/users", ctl}, "alice\n"},
		{[]string{"kvt", "put", "k/orders", "o1", "pending", "-s", "st", ctl}, "put o1/st"},
		{[]string{"kvt", "put", "k/orders", "o1", "alice", "-s", "who", ctl}, "put o1/who"},
		{[]string{"kvt", "put", "k/orders", "o2", "bob", "-s", "who", ctl}, "put o2/who"},
		{[]string{"kvt", "entries", "k/orders", "--key", "o1", ctl}, "o1/st\tpending\no1/who\talice\n"},
		{[]string{"kvt", "entries", "k/orders", "--max", "1", ctl}, "o1/st\tpending\n"},
		{[]string{"kvt", "delete", "k/orders", ctl}, "deleted key-value table k/orders"},
		{[]string{"kvt", "delete", "k/orders", ctl}, "key-value table not found"},
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

	// JSON output carries versions that work as --version conditions.
	out, err := run(t, "kvt", "get", "k/users", "alice", "-o", "json", ctl)
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Key, KeyHex, Value, Version string }
	if err := json.Unmarshal([]byte(out), &e); err != nil || e.Key != "alice" || e.KeyHex != "616c696365000000" ||
		e.Value != "30" || e.Version == "" {
		t.Fatalf("get -o json: %q %v", out, err)
	}
	if out, err := run(t, "kvt", "put", "k/users", "alice", "31", "--version", e.Version, ctl); err != nil {
		t.Fatalf("put at version %s: %q %v", e.Version, out, err)
	}
	if out, err := run(t, "kvt", "remove", "k/users", "alice", "--version", e.Version, ctl); err == nil {
		t.Fatalf("remove at a stale version: %q", out)
	}
	for i := range 30 {
		if _, err := run(t, "kvt", "put", "k/users", fmt.Sprintf("u%02d", i), fmt.Sprint(i), ctl); err != nil {
			t.Fatal(err)
		}
	}
	out, err = run(t, "kvt", "entries", "k/users", "-o", "json", ctl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 31 || json.Unmarshal([]byte(lines[1]), &e) != nil || e.Key != "u00" || e.Value != "0" {
		t.Fatalf("entries -o json: %d lines, second %q", len(lines), lines[min(1, len(lines)-1)])
	}
}
