package naming

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSegmentID(t *testing.T) {
	for _, tc := range []struct {
		epoch, number int32
		id            int64
	}{
		{0, 0, 0},
		{0, 5, 5},
		{1, 0, 1 << 32},
		{3, 7, 3<<32 | 7},
		{math.MaxInt32, math.MaxInt32, 0x7FFFFFFF_7FFFFFFF},
	} {
		if got := SegmentID(tc.epoch, tc.number); got != tc.id {
			t.Errorf("SegmentID(%d, %d) = %d, want %d", tc.epoch, tc.number, got, tc.id)
		}
		if EpochOf(tc.id) != tc.epoch || NumberOf(tc.id) != tc.number {
			t.Errorf("id %d splits into (%d, %d), want (%d, %d)", tc.id, EpochOf(tc.id), NumberOf(tc.id), tc.epoch, tc.number)
		}
	}
}

func TestQualifiedName(t *testing.T) {
	if got := QualifiedName("s", "st", 0); got != "s/st/0.#epoch.0" {
		t.Errorf("got %q", got)
	}
	if got := QualifiedName("scope", "stream", SegmentID(4, 12)); got != "scope/stream/12.#epoch.4" {
		t.Errorf("got %q", got)
	}
	if got := KVTableSegmentName("scope", "kvt", SegmentID(0, 3)); got != "scope/kvt_kvtable/3.#epoch.0" {
		t.Errorf("got %q", got)
	}
}

func TestParseQualifiedName(t *testing.T) {
	txn := UUID{MSB: 2 << 32, LSB: 0xabc}
	for _, tc := range []struct {
		in   string
		want StreamSegment
	}{
		{"s/st/0.#epoch.0", StreamSegment{"s", "st", 0, 0}},
		{"scope/stream/12.#epoch.4", StreamSegment{"scope", "stream", 12, 4}},
		{"scope/stream/12", StreamSegment{"scope", "stream", 12, 0}},
		{"stream/7.#epoch.2", StreamSegment{"", "stream", 7, 2}},
		{"stream/7", StreamSegment{"", "stream", 7, 0}},
		{"s/_RGg/0.#epoch.0", StreamSegment{"s", "_RGg", 0, 0}},
		{"s/st/1.#epoch.2#transaction." + txn.Hex(), StreamSegment{"s", "st", 1, 2}},
		{"s/st/1.#epoch.2#transient." + txn.Hex() + "." + txn.Hex(), StreamSegment{"s", "st", 1, 2}},
		{"s/st/2147483647.#epoch.2147483647", StreamSegment{"s", "st", math.MaxInt32, math.MaxInt32}},
	} {
		got, err := ParseQualifiedName(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseQualifiedName(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{
		"", "x", "a/b/c/d", "s/st/", "s/st/x", "s/st/-1", "s/st/+1", "s/st/1.#epoch.", "s/st/1.#epoch.x",
		"s/st/2147483648", "/st/1", "s//1", "/1", "s/st/99999999999",
	} {
		if _, err := ParseQualifiedName(bad); !errors.Is(err, ErrBadSegmentName) {
			t.Errorf("ParseQualifiedName(%q) error = %v, want ErrBadSegmentName", bad, err)
		}
	}
}

func TestNameRoundTrip(t *testing.T) {
	for _, seg := range []StreamSegment{{"a", "b", 0, 0}, {"scope", "my.stream-1", 99, 12}} {
		got, err := ParseQualifiedName(seg.Name())
		if err != nil || got != seg {
			t.Errorf("round trip of %+v: %+v, %v", seg, got, err)
		}
		if got.ID() != SegmentID(seg.Epoch, seg.Number) {
			t.Errorf("ID mismatch")
		}
	}
}

func TestTransactionName(t *testing.T) {
	// Java formats the signed halves as two's complement with %016x.
	txn := UUIDFromInt64s(5<<32|1, -2)
	name := TransactionName("s/st/3.#epoch.5", txn)
	want := "s/st/3.#epoch.5#transaction.0000000500000001fffffffffffffffe"
	if name != want {
		t.Fatalf("TransactionName = %q, want %q", name, want)
	}
	parent, got, err := ParseTransactionName(name)
	if err != nil || parent != "s/st/3.#epoch.5" || got != txn {
		t.Fatalf("ParseTransactionName = %q, %v, %v", parent, got, err)
	}
	if txn.TxnEpoch() != 5 {
		t.Errorf("TxnEpoch = %d", txn.TxnEpoch())
	}
	if !IsTransactionName(name) || IsTransactionName("s/st/3.#epoch.5") || IsTransientName(name) {
		t.Error("Is* misclassifies")
	}
	if ParentName(name) != "s/st/3.#epoch.5" || PrimaryName(name) != "s/st/3" {
		t.Errorf("ParentName/PrimaryName = %q/%q", ParentName(name), PrimaryName(name))
	}
	for _, bad := range []string{
		"s/st/3.#epoch.5#transaction.", "s/st/3.#epoch.5#transaction.123",
		"s/st/3.#epoch.5#transaction.0000000500000001fffffffffffffffg",
		"#transaction.0000000500000001fffffffffffffffe", "plain",
	} {
		if _, _, err := ParseTransactionName(bad); !errors.Is(err, ErrBadSegmentName) {
			t.Errorf("ParseTransactionName(%q) = %v", bad, err)
		}
	}
}

func TestTransientName(t *testing.T) {
	w := UUID{MSB: 0x0123456789abcdef, LSB: 0xfedcba9876543210}
	r := UUID{MSB: 1, LSB: 2}
	name := TransientName("s/st/0.#epoch.0", w, r)
	want := "s/st/0.#epoch.0#transient.0123456789abcdeffedcba9876543210.00000000000000010000000000000002"
	if name != want {
		t.Fatalf("TransientName = %q, want %q", name, want)
	}
	parent, gw, gr, err := ParseTransientName(name)
	if err != nil || parent != "s/st/0.#epoch.0" || gw != w || gr != r {
		t.Fatalf("ParseTransientName = %q %v %v %v", parent, gw, gr, err)
	}
	if !IsTransientName(name) || IsTransactionName(name) || PrimaryName(name) != "s/st/0" {
		t.Error("transient classification")
	}
	for _, bad := range []string{"s/st/0#transient.00", "#transient." + w.Hex() + "." + r.Hex(), "s/st/0#transient." + w.Hex() + "-" + r.Hex()} {
		if _, _, _, err := ParseTransientName(bad); !errors.Is(err, ErrBadSegmentName) {
			t.Errorf("ParseTransientName(%q) = %v", bad, err)
		}
	}
}

func TestPrimaryName(t *testing.T) {
	for in, want := range map[string]string{
		"s/st/0.#epoch.0":         "s/st/0",
		"s/st/10.#epoch.3":        "s/st/10",
		"s/st/10":                 "s/st/10",
		"_system/_tables/scopes":  "_system/_tables/scopes",
		"s/a.#epoch.1/2.#epoch.3": "s/a.#epoch.1/2",
	} {
		if got := PrimaryName(in); got != want {
			t.Errorf("PrimaryName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUUID(t *testing.T) {
	u := UUID{MSB: 0x123e4567e89b12d3, LSB: 0xa456426614174000}
	if got := u.String(); got != "123e4567-e89b-12d3-a456-426614174000" {
		t.Errorf("String = %q", got)
	}
	back, err := ParseUUIDHex(strings.ToUpper(u.Hex()))
	if err != nil || back != u {
		t.Errorf("ParseUUIDHex = %v, %v", back, err)
	}
	if _, err := ParseUUIDHex("xyz"); !errors.Is(err, ErrBadUUID) {
		t.Errorf("ParseUUIDHex(xyz) = %v", err)
	}
}

func TestInternalNames(t *testing.T) {
	if ReaderGroupStreamName("g") != "_RGg" || MarkStreamName("st") != "_MARKst" || KVTableStreamName("t") != "t_kvtable" {
		t.Error("builders")
	}
	if g, ok := ReaderGroupOfStream("_RGg"); !ok || g != "g" {
		t.Error("ReaderGroupOfStream")
	}
	if _, ok := ReaderGroupOfStream("_RG"); ok {
		t.Error("empty group accepted")
	}
	if s, ok := StreamOfMarkStream("_MARKst"); !ok || s != "st" {
		t.Error("StreamOfMarkStream")
	}
	if k, ok := KVTableOfStream("t_kvtable"); !ok || k != "t" {
		t.Error("KVTableOfStream")
	}
	if _, ok := KVTableOfStream("plain"); ok {
		t.Error("KVTableOfStream(plain)")
	}
	if !IsInternalName(SystemScope) || IsInternalName("user") || InternalStreamName("x") != "_x" {
		t.Error("internal")
	}
	if got := MetadataTableName(SystemScope, "scopes"); got != "_system/_tables/scopes" || !IsMetadataTableName(got) {
		t.Errorf("MetadataTableName = %q", got)
	}
	if IsMetadataTableName("s/st/0.#epoch.0") {
		t.Error("IsMetadataTableName on a stream segment")
	}
}

func TestValidateNames(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	type check func(string) error
	user := func(n string) error { return ValidateUserName(KindReaderGroup, n) }
	for _, tc := range []struct {
		fn     check
		name   string
		reason error // nil = valid
	}{
		{ValidateUserStreamName, "stream-1.x", nil},
		{ValidateUserStreamName, long(250), nil},
		{ValidateUserStreamName, long(251), ErrNameTooLong},
		{ValidateUserStreamName, "", ErrNameEmpty},
		{ValidateUserStreamName, "_RGg", ErrNameCharacter},
		{ValidateUserStreamName, "a/b", ErrNameCharacter},
		{ValidateUserStreamName, "a b", ErrNameCharacter},
		{ValidateUserStreamName, "ü", ErrNameCharacter},
		{ValidateStreamName, "_RGgroup", nil},
		{ValidateStreamName, "_MARKst", nil},
		{ValidateStreamName, "plain", nil},
		{ValidateStreamName, "_", ErrNameEmpty},
		{ValidateStreamName, "__x", ErrNameCharacter},
		{ValidateStreamName, "a_b", ErrNameCharacter},
		{ValidateStreamName, "_" + long(254), nil},
		{ValidateStreamName, "_" + long(255), ErrNameTooLong},
		{ValidateScopeName, "_system", nil},
		{ValidateScopeName, long(255), nil},
		{ValidateScopeName, long(256), ErrNameTooLong},
		{ValidateUserScopeName, long(255), nil},
		{ValidateUserScopeName, "_system", ErrNameCharacter},
		{user, "group.1", nil},
		{user, long(251), ErrNameTooLong},
		{user, "_g", ErrNameCharacter},
	} {
		err := tc.fn(tc.name)
		if tc.reason == nil {
			if err != nil {
				t.Errorf("%.20q: unexpected %v", tc.name, err)
			}
			continue
		}
		var ne *NameError
		if !errors.Is(err, ErrInvalidName) || !errors.Is(err, tc.reason) || !errors.As(err, &ne) {
			t.Errorf("%.20q: error %v, want %v", tc.name, err, tc.reason)
		}
	}
}
