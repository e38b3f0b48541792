package streammodel

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestEncodingRoundTrip(t *testing.T) {
	s := cutStream(t)
	if _, err := s.Truncate(Cut{c0: 3, c2: -1, c3: -1}); err != nil {
		t.Fatal(err)
	}
	s.Seal()
	data, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(data)
	if err != nil {
		t.Fatalf("Unmarshal(%s): %v", data, err)
	}
	if !reflect.DeepEqual(s, back) {
		t.Fatalf("round trip differs:\n%#v\n%#v", s, back)
	}
	again, _ := Marshal(back)
	if !bytes.Equal(data, again) {
		t.Fatalf("encoding not deterministic:\n%s\n%s", data, again)
	}
}

func TestEncodingGolden(t *testing.T) {
	s := mustNew(t, 1, 0)
	mustScale(t, s, []int64{id(0, 0)}, []KeyRange{{0, 0.5}, {0.5, 1}})
	data, _ := Marshal(s)
	want := `{"v":1,"next":3,"segments":[{"id":0,"lo":0,"hi":1,"sealedIn":1},` +
		`{"id":4294967297,"lo":0,"hi":0.5},{"id":4294967298,"lo":0.5,"hi":1}],` +
		`"epochs":[{"t":100,"ids":[0]},{"t":0,"ids":[4294967297,4294967298]}]}`
	if string(data) != want {
		t.Fatalf("Marshal =\n%s\nwant\n%s", data, want)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	for _, tc := range []struct {
		data string
		err  error
	}{
		{`{"v":2,"next":1,"segments":[{"id":0,"lo":0,"hi":1}],"epochs":[{"t":0,"ids":[0]}]}`, ErrUnsupportedVersion},
		{`not json`, ErrCorrupt},
		{`{"v":1,"next":1,"segments":[],"epochs":[]}`, ErrCorrupt},
		{`{"v":1,"next":1,"segments":[{"id":0,"lo":0,"hi":0.5}],"epochs":[{"t":0,"ids":[0]}]}`, ErrCorrupt},
		{`{"v":1,"next":0,"segments":[{"id":0,"lo":0,"hi":1}],"epochs":[{"t":0,"ids":[0]}]}`, ErrCorrupt},
		{`{"v":1,"next":1,"segments":[{"id":0,"lo":0,"hi":1}],"epochs":[{"t":0,"ids":[7]}]}`, ErrCorrupt},
		{`{"v":1,"next":1,"segments":[{"id":0,"lo":0,"hi":1,"sealedIn":1}],"epochs":[{"t":0,"ids":[0]}]}`, ErrCorrupt},
		{`{"v":1,"next":1,"segments":[{"id":0,"lo":0,"hi":1}],"epochs":[{"t":0,"ids":[0]}],"head":{"5":0}}`, ErrCorrupt},
		// Segment 0 sealed in epoch 1 but still listed there.
		{`{"v":1,"next":2,"segments":[{"id":0,"lo":0,"hi":1,"sealedIn":1},{"id":4294967297,"lo":0,"hi":1}],` +
			`"epochs":[{"t":0,"ids":[0]},{"t":0,"ids":[0]}]}`, ErrCorrupt},
	} {
		if _, err := Unmarshal([]byte(tc.data)); !errors.Is(err, tc.err) {
			t.Errorf("Unmarshal(%s) = %v, want %v", tc.data, err, tc.err)
		}
	}
}
