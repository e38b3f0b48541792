package wire

import (
	"reflect"
	"testing"
)

// Older, shorter layouts (spec §2.3, §3.2, §6): each case drops trailing
// bytes of the latest layout and expects the documented defaults.
func TestOlderLayouts(t *testing.T) {
	tests := []struct {
		name string
		full Command
		drop int // bytes removed from the end of the latest layout
		want Command
	}{
		{"AppendBlockEnd without requestId (<v8)",
			&AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: 1, Data: []byte("d"), NumEvents: 2, LastEventNumber: 3, RequestID: 4}, 8,
			&AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: 1, Data: []byte("d"), NumEvents: 2, LastEventNumber: 3, RequestID: -1}},
		{"ConditionalAppend without requestId",
			&ConditionalAppend{WriterID: w1, EventNumber: 1, ExpectedOffset: 2, Data: []byte("e"), RequestID: 3}, 8,
			&ConditionalAppend{WriterID: w1, EventNumber: 1, ExpectedOffset: 2, Data: []byte("e"), RequestID: -1}},
		{"DataAppended without currentSegmentWriteOffset",
			&DataAppended{WriterID: w1, EventNumber: 5, PreviousEventNumber: 4, RequestID: 3, CurrentSegmentWriteOffset: 2}, 8,
			&DataAppended{WriterID: w1, EventNumber: 5, PreviousEventNumber: 4, RequestID: 3, CurrentSegmentWriteOffset: -1}},
		{"DataAppended without requestId (<v8)",
			&DataAppended{WriterID: w1, EventNumber: 5, PreviousEventNumber: 4, RequestID: 3, CurrentSegmentWriteOffset: 2}, 16,
			&DataAppended{WriterID: w1, EventNumber: 5, PreviousEventNumber: 4, RequestID: -1, CurrentSegmentWriteOffset: -1}},
		{"DataAppended without previousEventNumber (<v3)",
			&DataAppended{WriterID: w1, EventNumber: 5, PreviousEventNumber: 4, RequestID: 3, CurrentSegmentWriteOffset: 2}, 24,
			&DataAppended{WriterID: w1, EventNumber: 5, PreviousEventNumber: -1, RequestID: -1, CurrentSegmentWriteOffset: -1}},
		{"ConditionalCheckFailed without requestId",
			&ConditionalCheckFailed{WriterID: w1, EventNumber: 5, RequestID: 3}, 8,
			&ConditionalCheckFailed{WriterID: w1, EventNumber: 5, RequestID: -1}},
		{"ReadSegment without requestId",
			&ReadSegment{Segment: "s", Offset: 1, SuggestedLength: 2, Token: "t", RequestID: 3}, 8,
			&ReadSegment{Segment: "s", Offset: 1, SuggestedLength: 2, Token: "t", RequestID: -1}},
		{"SegmentRead without requestId",
			&SegmentRead{Segment: "s", Offset: 1, AtTail: true, Data: []byte("x"), RequestID: 3}, 8,
			&SegmentRead{Segment: "s", Offset: 1, AtTail: true, Data: []byte("x"), RequestID: -1}},
		{"StreamSegmentInfo without startOffset (<v2)",
			&StreamSegmentInfo{RequestID: 1, SegmentName: "s", Exists: true, LastModified: 2, WriteOffset: 3, StartOffset: 4}, 8,
			&StreamSegmentInfo{RequestID: 1, SegmentName: "s", Exists: true, LastModified: 2, WriteOffset: 3, StartOffset: 0}},
		{"CreateSegment without rolloverSizeBytes (<v14, Rust)",
			&CreateSegment{RequestID: 1, Segment: "s", TargetRate: 2, ScaleType: 1, Token: "t", RolloverSizeBytes: 9}, 8,
			&CreateSegment{RequestID: 1, Segment: "s", TargetRate: 2, ScaleType: 1, Token: "t"}},
		{"CreateTableSegment with sorted and keyLength (<v14)",
			&CreateTableSegment{RequestID: 1, Segment: "s", Token: "t", SortedDeprecated: true, KeyLength: 8, RolloverSizeBytes: 9}, 8,
			&CreateTableSegment{RequestID: 1, Segment: "s", Token: "t", SortedDeprecated: true, KeyLength: 8}},
		{"CreateTableSegment with sorted only (<v12)",
			&CreateTableSegment{RequestID: 1, Segment: "s", Token: "t", SortedDeprecated: true, KeyLength: 8, RolloverSizeBytes: 9}, 12,
			&CreateTableSegment{RequestID: 1, Segment: "s", Token: "t", SortedDeprecated: true}},
		{"CreateTableSegment with requestId, segment, token only (Rust)",
			&CreateTableSegment{RequestID: 1, Segment: "s", Token: "t", SortedDeprecated: true, KeyLength: 8, RolloverSizeBytes: 9}, 13,
			&CreateTableSegment{RequestID: 1, Segment: "s", Token: "t"}},
		{"MergeSegments without attribute list (<v13, Rust)",
			&MergeSegments{RequestID: 1, Target: "a", Source: "b", Token: "t",
				AttributeUpdates: []ConditionalAttributeUpdate{{AttributeID: w1, UpdateType: 1, NewValue: 2, OldValue: 3}}}, 4 + 33,
			&MergeSegments{RequestID: 1, Target: "a", Source: "b", Token: "t"}},
		{"SegmentsMerged without newTargetWriteOffset",
			&SegmentsMerged{RequestID: 1, Target: "a", Source: "b", NewTargetWriteOffset: 5}, 8,
			&SegmentsMerged{RequestID: 1, Target: "a", Source: "b", NewTargetWriteOffset: -1}},
		{"ReadTableKeys with only a continuation token (Rust)",
			&ReadTableKeys{RequestID: 1, Segment: "s", Token: "t", SuggestedKeyCount: 3,
				Args: TableIteratorArgs{ContinuationToken: []byte("ct"), FromKey: []byte("f"), ToKey: []byte("to")}}, 4 + 5 + 6,
			&ReadTableKeys{RequestID: 1, Segment: "s", Token: "t", SuggestedKeyCount: 3,
				Args: TableIteratorArgs{ContinuationToken: []byte("ct")}}},
		{"ReadTableEntries with only a continuation token (Rust)",
			&ReadTableEntries{RequestID: 1, Segment: "s", Token: "t", SuggestedEntryCount: 3,
				Args: TableIteratorArgs{ContinuationToken: []byte("ct"), FromKey: []byte("f"), ToKey: []byte("to")}}, 4 + 5 + 6,
			&ReadTableEntries{RequestID: 1, Segment: "s", Token: "t", SuggestedEntryCount: 3,
				Args: TableIteratorArgs{ContinuationToken: []byte("ct")}}},
		{"ReadTableEntries without iterator args at all",
			&ReadTableEntries{RequestID: 1, Segment: "s", Token: "t", SuggestedEntryCount: 3,
				Args: TableIteratorArgs{ContinuationToken: []byte("ct")}}, 4 + 2 + 4 + 4 + 4,
			&ReadTableEntries{RequestID: 1, Segment: "s", Token: "t", SuggestedEntryCount: 3}},
		{"UpdateTableEntries without tableSegmentOffset (<v10)",
			&UpdateTableEntries{RequestID: 1, Segment: "s", Token: "t", TableSegmentOffset: 5}, 8,
			&UpdateTableEntries{RequestID: 1, Segment: "s", Token: "t", TableSegmentOffset: -1}},
		{"RemoveTableKeys without tableSegmentOffset (<v10)",
			&RemoveTableKeys{RequestID: 1, Segment: "s", Token: "t", TableSegmentOffset: 5}, 8,
			&RemoveTableKeys{RequestID: 1, Segment: "s", Token: "t", TableSegmentOffset: -1}},
		{"InvalidEventNumber v16 layout without eventNumber",
			&InvalidEventNumber{WriterID: w1, RequestID: 2, ServerStackTrace: "st", EventNumber: 3}, 8,
			&InvalidEventNumber{WriterID: w1, RequestID: 2, ServerStackTrace: "st", EventNumber: -1}},
		{"InvalidEventNumber without stack",
			&InvalidEventNumber{WriterID: w1, RequestID: 2, ServerStackTrace: "st", EventNumber: 3}, 8 + 4,
			&InvalidEventNumber{WriterID: w1, RequestID: 2, EventNumber: -1}},
		{"SegmentIsSealed without offset (<v8)",
			&SegmentIsSealed{RequestID: 1, Segment: "s", ServerStackTrace: "st", Offset: 5}, 8,
			&SegmentIsSealed{RequestID: 1, Segment: "s", ServerStackTrace: "st", Offset: -1}},
		{"SegmentIsSealed without stack and offset (<v6)",
			&SegmentIsSealed{RequestID: 1, Segment: "s", ServerStackTrace: "st", Offset: 5}, 8 + 4,
			&SegmentIsSealed{RequestID: 1, Segment: "s", Offset: -1}},
		{"NoSuchSegment without offset (<v8)",
			&NoSuchSegment{RequestID: 1, Segment: "s", ServerStackTrace: "st", Offset: 5}, 8,
			&NoSuchSegment{RequestID: 1, Segment: "s", ServerStackTrace: "st", Offset: -1}},
		{"NoSuchSegment without stack and offset (<v6)",
			&NoSuchSegment{RequestID: 1, Segment: "s", ServerStackTrace: "st", Offset: 5}, 8 + 4,
			&NoSuchSegment{RequestID: 1, Segment: "s", Offset: -1}},
		{"SegmentIsTruncated without stack and offset",
			&SegmentIsTruncated{RequestID: 1, Segment: "s", StartOffset: 2, ServerStackTrace: "st", Offset: 5}, 8 + 4,
			&SegmentIsTruncated{RequestID: 1, Segment: "s", StartOffset: 2, Offset: -1}},
		{"WrongHost without stack (<v6)",
			&WrongHost{RequestID: 1, Segment: "s", CorrectHost: "h", ServerStackTrace: "st"}, 4,
			&WrongHost{RequestID: 1, Segment: "s", CorrectHost: "h"}},
		{"SegmentAlreadyExists without stack",
			&SegmentAlreadyExists{RequestID: 1, Segment: "s", ServerStackTrace: "st"}, 4,
			&SegmentAlreadyExists{RequestID: 1, Segment: "s"}},
		{"OperationUnsupported without stack",
			&OperationUnsupported{RequestID: 1, OperationName: "op", ServerStackTrace: "st"}, 4,
			&OperationUnsupported{RequestID: 1, OperationName: "op"}},
		{"AuthTokenCheckFailed without errorCode (<v9)",
			&AuthTokenCheckFailed{RequestID: 1, ServerStackTrace: "st", ErrorCode: 1}, 4,
			&AuthTokenCheckFailed{RequestID: 1, ServerStackTrace: "st", ErrorCode: AuthErrorUnspecified}},
		{"AuthTokenCheckFailed without stack and errorCode",
			&AuthTokenCheckFailed{RequestID: 1, ServerStackTrace: "st", ErrorCode: 1}, 4 + 4,
			&AuthTokenCheckFailed{RequestID: 1, ErrorCode: AuthErrorUnspecified}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.full.AppendPayload(nil)
			got, err := Decode(tc.full.Type(), p[:len(p)-tc.drop])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("\n got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// Required fields stay required: dropping them is malformed.
func TestRequiredTrailingFields(t *testing.T) {
	for _, c := range []Command{
		&ConditionalBlockEnd{WriterID: w1, Data: []byte("x"), RequestID: 1},
		&ErrorMessage{RequestID: 1, Segment: "s", Message: "m", ErrorCode: 0},
		&TableKeyBadVersion{RequestID: 1, Segment: "s", ServerStackTrace: ""},
		&TableKeysRead{RequestID: 1, Segment: "s"},
	} {
		p := c.AppendPayload(nil)
		drop := 1
		if _, err := Decode(c.Type(), p[:len(p)-drop]); !isMalformed(err) {
			t.Errorf("%v without its last byte: err = %v, want ErrMalformed", c.Type(), err)
		}
	}
}

// Java writes an empty TableKey as [i32 12][i32 0] with no version, and reads
// it back without reading a version (spec §2.2).
func TestEmptyTableKeyJavaQuirk(t *testing.T) {
	p := unhex(t, `
		0000000000000007      # requestId 7
		0001 74               # segment "t"
		0000                  # token ""
		00000002              # 2 keys
		  0000000c 00000000   #   empty key: payloadLen 12, len 0, NO version
		  0000000d 00000001 6b 0000000000000005  # key "k" version 5`)
	got, err := Decode(TypeReadTable, p)
	if err != nil {
		t.Fatal(err)
	}
	want := &ReadTable{RequestID: 7, Segment: "t", Keys: []TableKey{
		{Key: nil, Version: NoVersion},
		{Key: []byte("k"), Version: 5},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %#v\nwant %#v", got, want)
	}
	if re := want.AppendPayload(nil); string(re) != string(p) {
		t.Fatalf("re-encoded as\n%x\nwant\n%x", re, p)
	}
}

func TestInvalidEventNumberV15(t *testing.T) {
	p := unhex(t, `
		00112233445566778899aabbccddeeff   # writerId
		0000000000000009                   # eventNumber 9 (v15 position)
		0002 7374                          # stack "st"`)
	got, err := DecodeInvalidEventNumberV15(p)
	if err != nil {
		t.Fatal(err)
	}
	want := &InvalidEventNumber{WriterID: w1, RequestID: -1, ServerStackTrace: "st", EventNumber: 9}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %#v\nwant %#v", got, want)
	}
	// The same bytes read as v16+: the i64 is the requestId.
	c, err := Decode(TypeInvalidEventNumber, p)
	if err != nil {
		t.Fatal(err)
	}
	if c.(*InvalidEventNumber).RequestID != 9 || c.(*InvalidEventNumber).EventNumber != -1 {
		t.Fatalf("v16 reading: %#v", c)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		peer Hello
		want int32
		ok   bool
	}{
		{Hello{17, 5}, 17, true},
		{Hello{16, 5}, 16, true}, // Java 0.13
		{Hello{15, 5}, 15, true}, // Rust / Python
		{Hello{20, 10}, 17, true},
		{Hello{5, 1}, 5, true},
		{Hello{4, 1}, 0, false},
		{Hello{30, 18}, 0, false},
	}
	for _, tc := range tests {
		v, err := Negotiate(tc.peer)
		if tc.ok != (err == nil) || v != tc.want {
			t.Errorf("Negotiate(%+v) = %d, %v", tc.peer, v, err)
		}
		if err != nil && !errorsIs(err, ErrIncompatibleVersion) {
			t.Errorf("error %v does not wrap ErrIncompatibleVersion", err)
		}
	}
	if h := OurHello(); h.HighVersion != 17 || h.LowVersion != 5 {
		t.Errorf("OurHello = %+v", h)
	}
}
