package wire

import (
	"bytes"
	"math"
	"reflect"
	"testing"
)

// Golden frames written by hand from the layouts in the spec (§1.1, §2, §3.2),
// not produced by the encoder. Each line is one field.
var goldenFrames = []struct {
	name string
	cmd  Command
	hex  string
}{
	{"Hello", &Hello{HighVersion: 17, LowVersion: 5}, `
		ffffff81          # type -127
		00000008          # payload length 8
		00000011          # highVersion 17
		00000005          # lowVersion 5`},
	{"SetupAppend", &SetupAppend{RequestID: 1, WriterID: w1, Segment: "s/t/0.#epoch.0", Token: ""}, `
		00000001                            # type 1
		0000002a                            # length 42
		0000000000000001                    # requestId 1
		00112233445566778899aabbccddeeff    # writerId (msb, lsb)
		000e 732f742f302e2365706f63682e30   # segment "s/t/0.#epoch.0"
		0000                                # token ""`},
	{"AppendSetup", &AppendSetup{RequestID: 1, Segment: "s/t/0.#epoch.0", WriterID: w1, LastEventNumber: math.MinInt64}, `
		00000002                            # type 2
		00000030                            # length 48
		0000000000000001                    # requestId 1
		000e 732f742f302e2365706f63682e30   # segment
		00112233445566778899aabbccddeeff    # writerId
		8000000000000000                    # lastEventNumber Long.MIN_VALUE`},
	{"AppendBlockEnd/3 events", &AppendBlockEnd{WriterID: w1, SizeOfWholeEvents: 0,
		Data:      []byte("\x00\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x02bc\x00\x00\x00\x00\x00\x00\x00\x00"),
		NumEvents: 3, LastEventNumber: 3, RequestID: 7}, `
		00000004                            # type 4
		00000047                            # length 71
		00112233445566778899aabbccddeeff    # writerId
		00000000                            # sizeOfWholeEvents 0 (no AppendBlock)
		0000001b                            # data length 27
		  00000000 00000001 61              #   event "a"
		  00000000 00000002 6263            #   event "bc"
		  00000000 00000000                 #   event ""
		00000003                            # numEvents 3
		0000000000000003                    # lastEventNumber 3
		0000000000000007                    # requestId 7`},
	{"DataAppended", &DataAppended{WriterID: w1, EventNumber: 3, PreviousEventNumber: 0, RequestID: 7, CurrentSegmentWriteOffset: 27}, `
		00000007                            # type 7
		00000030                            # length 48
		00112233445566778899aabbccddeeff    # writerId
		0000000000000003                    # eventNumber 3
		0000000000000000                    # previousEventNumber 0
		0000000000000007                    # requestId 7 (fourth field)
		000000000000001b                    # currentSegmentWriteOffset 27`},
	{"ReadSegment", &ReadSegment{Segment: "seg", Offset: 1024, SuggestedLength: 65536, Token: "tok", RequestID: 5}, `
		00000009                            # type 9
		0000001e                            # length 30
		0003 736567                         # segment "seg"
		0000000000000400                    # offset 1024
		00010000                            # suggestedLength 65536
		0003 746f6b                         # token "tok"
		0000000000000005                    # requestId 5 (last)`},
	{"SegmentRead", &SegmentRead{Segment: "seg", Offset: 1024, AtTail: true, EndOfSegment: false, Data: []byte("hi"), RequestID: 5}, `
		0000000a                            # type 10
		0000001d                            # length 29
		0003 736567                         # segment "seg"
		0000000000000400                    # offset 1024
		01                                  # atTail true
		00                                  # endOfSegment false
		00000002 6869                       # data "hi"
		0000000000000005                    # requestId 5`},
	{"CreateSegment", &CreateSegment{RequestID: 2, Segment: "seg", TargetRate: 100, ScaleType: ScaleThroughput, Token: "", RolloverSizeBytes: 1 << 20}, `
		00000014                            # type 20
		0000001c                            # length 28
		0000000000000002                    # requestId 2
		0003 736567                         # segment "seg"
		00000064                            # targetRate 100 (before scaleType)
		01                                  # scaleType 1 (throughput)
		0000                                # token ""
		0000000000100000                    # rolloverSizeBytes 1 MiB`},
	{"UpdateTableEntries", &UpdateTableEntries{RequestID: 3, Segment: "tbl", Token: "",
		Entries:            []TableEntry{{Key: TableKey{Key: []byte("k"), Version: NoVersion}, Value: []byte("v1")}},
		TableSegmentOffset: -1}, `
		0000004a                            # type 74
		00000036                            # length 54
		0000000000000003                    # requestId 3
		0003 74626c                         # segment "tbl"
		0000                                # token ""
		00000001                            # 1 entry
		  0000000d                          #   key payloadLen 4+1+8
		  00000001 6b                       #   key "k"
		  8000000000000000                  #   version NO_VERSION
		  00000006                          #   value payloadLen 4+2
		  00000002 7631                     #   value "v1"
		ffffffffffffffff                    # tableSegmentOffset -1`},
	{"TableRead", &TableRead{RequestID: 3, Segment: "tbl", Entries: []TableEntry{
		{Key: TableKey{Key: []byte("k"), Version: 42}, Value: []byte("v1")},
		{Key: TableKey{Key: []byte("x"), Version: NotExists}},
	}}, `
		0000004f                            # type 79
		00000045                            # length 69
		0000000000000003                    # requestId 3
		0003 74626c                         # segment "tbl"
		00000002                            # 2 entries
		  0000000d 00000001 6b              #   key "k"
		  000000000000002a                  #   version 42
		  00000006 00000002 7631            #   value "v1"
		  0000000d 00000001 78              #   key "x"
		  ffffffffffffffff                  #   version NOT_EXISTS
		  00000004 00000000                 #   empty value`},
	{"WrongHost", &WrongHost{RequestID: 4, Segment: "seg"}, `
		00000032                            # type 50
		00000011                            # length 17
		0000000000000004                    # requestId 4
		0003 736567                         # segment "seg"
		0000                                # correctHost ""
		0000                                # serverStackTrace ""`},
	{"ErrorMessage", &ErrorMessage{RequestID: 4, Segment: "seg", Message: "bad", ErrorCode: ErrorCodeIllegalArgument}, `
		0000003d                            # type 61
		00000016                            # length 22
		0000000000000004                    # requestId 4
		0003 736567                         # segment "seg"
		0003 626164                         # message "bad"
		00000000                            # errorCode 0 ILLEGAL_ARGUMENT`},
	{"KeepAlive", &KeepAlive{}, `
		00000064                            # type 100
		00000000                            # empty payload`},
	{"SegmentCreated/modified UTF-8", &SegmentCreated{RequestID: 1, Segment: "a\x00\U0001F600"}, `
		00000015                            # type 21
		00000013                            # length 19
		0000000000000001                    # requestId 1
		0009                                # 9 bytes of modified UTF-8:
		  61                                #   'a'
		  c080                              #   U+0000 as C0 80
		  eda0bd edb880                     #   U+1F600 as surrogates D83D DE00`},
	{"ConditionalAppend", &ConditionalAppend{WriterID: w2, EventNumber: 1, ExpectedOffset: 0, Data: []byte("x"), RequestID: 9}, `
		00000005                            # type 5
		00000031                            # length 49 = 16+8+8+9+8
		00000000000000010000000000000002    # writerId
		0000000000000001                    # eventNumber 1
		0000000000000000                    # expectedOffset 0
		00000000 00000001 78                # event record type 0, len 1, "x"
		0000000000000009                    # requestId 9`},
	{"MergeSegments", &MergeSegments{RequestID: 1, Target: "t", Source: "s", AttributeUpdates: []ConditionalAttributeUpdate{
		{AttributeID: w2, UpdateType: AttributeUpdateReplaceIfEquals, NewValue: 2, OldValue: 1}}}, `
		0000003a                            # type 58
		00000035                            # length 53 = 8+3+3+2+4+33
		0000000000000001                    # requestId 1
		0001 74                             # target "t"
		0001 73                             # source "s"
		0000                                # token ""
		00000001                            # 1 attribute update
		  00000000000000010000000000000002  #   attributeId
		  04                                #   ReplaceIfEquals
		  0000000000000002                  #   newValue
		  0000000000000001                  #   oldValue`},
}

func TestGoldenFrames(t *testing.T) {
	for _, g := range goldenFrames {
		t.Run(g.name, func(t *testing.T) {
			want := unhex(t, g.hex)
			got, err := AppendFrame(nil, g.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("encode:\n got %x\nwant %x", got, want)
			}
			c, err := NewFrameReader(bytes.NewReader(want), 0).ReadCommand()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c, g.cmd) {
				t.Fatalf("decode:\n got %#v\nwant %#v", c, g.cmd)
			}
		})
	}
}
