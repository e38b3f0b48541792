package wire

import (
	"math"
	"strconv"
)

// Type is the code in the first four bytes of a frame header. Every code the
// protocol assigns lies in -127..127.
type Type int32

// Command type codes (spec §3.1). Codes not listed here, including the retired
// 72 (MergeTableSegments) and 73 (SealTableSegment), are unknown.
const (
	TypeHello                   Type = -127
	TypePadding                 Type = -1
	TypePartialEvent            Type = -2
	TypeFlushToStorage          Type = -3
	TypeStorageFlushed          Type = -4
	TypeListStorageChunks       Type = -5
	TypeStorageChunksListed     Type = -6
	TypeEvent                   Type = 0
	TypeSetupAppend             Type = 1
	TypeAppendSetup             Type = 2
	TypeAppendBlock             Type = 3
	TypeAppendBlockEnd          Type = 4
	TypeConditionalAppend       Type = 5
	TypeDataAppended            Type = 7
	TypeConditionalCheckFailed  Type = 8
	TypeReadSegment             Type = 9
	TypeSegmentRead             Type = 10
	TypeGetStreamSegmentInfo    Type = 11
	TypeStreamSegmentInfo       Type = 12
	TypeCreateSegment           Type = 20
	TypeSegmentCreated          Type = 21
	TypeSealSegment             Type = 28
	TypeSegmentSealed           Type = 29
	TypeDeleteSegment           Type = 30
	TypeSegmentDeleted          Type = 31
	TypeUpdateSegmentPolicy     Type = 32
	TypeSegmentPolicyUpdated    Type = 33
	TypeGetSegmentAttribute     Type = 34
	TypeSegmentAttribute        Type = 35
	TypeUpdateSegmentAttribute  Type = 36
	TypeSegmentAttributeUpdated Type = 37
	TypeTruncateSegment         Type = 38
	TypeSegmentTruncated        Type = 39
	TypeCreateTransientSegment  Type = 40
	TypeLocateOffset            Type = 41
	TypeOffsetLocated           Type = 42
	TypeWrongHost               Type = 50
	TypeSegmentIsSealed         Type = 51
	TypeSegmentAlreadyExists    Type = 52
	TypeNoSuchSegment           Type = 53
	TypeInvalidEventNumber      Type = 55
	TypeSegmentIsTruncated      Type = 56
	TypeOperationUnsupported    Type = 57
	TypeMergeSegments           Type = 58
	TypeSegmentsMerged          Type = 59
	TypeAuthTokenCheckFailed    Type = 60
	TypeErrorMessage            Type = 61
	TypeGetTableSegmentInfo     Type = 68
	TypeTableSegmentInfo        Type = 69
	TypeCreateTableSegment      Type = 70
	TypeDeleteTableSegment      Type = 71
	TypeUpdateTableEntries      Type = 74
	TypeTableEntriesUpdated     Type = 75
	TypeRemoveTableKeys         Type = 76
	TypeTableKeysRemoved        Type = 77
	TypeReadTable               Type = 78
	TypeTableRead               Type = 79
	TypeTableSegmentNotEmpty    Type = 80
	TypeTableKeyDoesNotExist    Type = 81
	TypeTableKeyBadVersion      Type = 82
	TypeReadTableKeys           Type = 83
	TypeTableKeysRead           Type = 84
	TypeReadTableEntries        Type = 85
	TypeTableEntriesRead        Type = 86
	TypeTableEntriesDeltaRead   Type = 87
	TypeReadTableEntriesDelta   Type = 88
	TypeConditionalBlockEnd     Type = 89
	TypeMergeSegmentsBatch      Type = 90
	TypeSegmentsBatchMerged     Type = 91
	TypeKeepAlive               Type = 100
)

// typeNames maps every known code to its command name. It is the single list
// of known codes: Known and String read it.
var typeNames = map[Type]string{
	TypeHello:                   "Hello",
	TypePadding:                 "Padding",
	TypePartialEvent:            "PartialEvent",
	TypeFlushToStorage:          "FlushToStorage",
	TypeStorageFlushed:          "StorageFlushed",
	TypeListStorageChunks:       "ListStorageChunks",
	TypeStorageChunksListed:     "StorageChunksListed",
	TypeEvent:                   "Event",
	TypeSetupAppend:             "SetupAppend",
	TypeAppendSetup:             "AppendSetup",
	TypeAppendBlock:             "AppendBlock",
	TypeAppendBlockEnd:          "AppendBlockEnd",
	TypeConditionalAppend:       "ConditionalAppend",
	TypeDataAppended:            "DataAppended",
	TypeConditionalCheckFailed:  "ConditionalCheckFailed",
	TypeReadSegment:             "ReadSegment",
	TypeSegmentRead:             "SegmentRead",
	TypeGetStreamSegmentInfo:    "GetStreamSegmentInfo",
	TypeStreamSegmentInfo:       "StreamSegmentInfo",
	TypeCreateSegment:           "CreateSegment",
	TypeSegmentCreated:          "SegmentCreated",
	TypeSealSegment:             "SealSegment",
	TypeSegmentSealed:           "SegmentSealed",
	TypeDeleteSegment:           "DeleteSegment",
	TypeSegmentDeleted:          "SegmentDeleted",
	TypeUpdateSegmentPolicy:     "UpdateSegmentPolicy",
	TypeSegmentPolicyUpdated:    "SegmentPolicyUpdated",
	TypeGetSegmentAttribute:     "GetSegmentAttribute",
	TypeSegmentAttribute:        "SegmentAttribute",
	TypeUpdateSegmentAttribute:  "UpdateSegmentAttribute",
	TypeSegmentAttributeUpdated: "SegmentAttributeUpdated",
	TypeTruncateSegment:         "TruncateSegment",
	TypeSegmentTruncated:        "SegmentTruncated",
	TypeCreateTransientSegment:  "CreateTransientSegment",
	TypeLocateOffset:            "LocateOffset",
	TypeOffsetLocated:           "OffsetLocated",
	TypeWrongHost:               "WrongHost",
	TypeSegmentIsSealed:         "SegmentIsSealed",
	TypeSegmentAlreadyExists:    "SegmentAlreadyExists",
	TypeNoSuchSegment:           "NoSuchSegment",
	TypeInvalidEventNumber:      "InvalidEventNumber",
	TypeSegmentIsTruncated:      "SegmentIsTruncated",
	TypeOperationUnsupported:    "OperationUnsupported",
	TypeMergeSegments:           "MergeSegments",
	TypeSegmentsMerged:          "SegmentsMerged",
	TypeAuthTokenCheckFailed:    "AuthTokenCheckFailed",
	TypeErrorMessage:            "ErrorMessage",
	TypeGetTableSegmentInfo:     "GetTableSegmentInfo",
	TypeTableSegmentInfo:        "TableSegmentInfo",
	TypeCreateTableSegment:      "CreateTableSegment",
	TypeDeleteTableSegment:      "DeleteTableSegment",
	TypeUpdateTableEntries:      "UpdateTableEntries",
	TypeTableEntriesUpdated:     "TableEntriesUpdated",
	TypeRemoveTableKeys:         "RemoveTableKeys",
	TypeTableKeysRemoved:        "TableKeysRemoved",
	TypeReadTable:               "ReadTable",
	TypeTableRead:               "TableRead",
	TypeTableSegmentNotEmpty:    "TableSegmentNotEmpty",
	TypeTableKeyDoesNotExist:    "TableKeyDoesNotExist",
	TypeTableKeyBadVersion:      "TableKeyBadVersion",
	TypeReadTableKeys:           "ReadTableKeys",
	TypeTableKeysRead:           "TableKeysRead",
	TypeReadTableEntries:        "ReadTableEntries",
	TypeTableEntriesRead:        "TableEntriesRead",
	TypeTableEntriesDeltaRead:   "TableEntriesDeltaRead",
	TypeReadTableEntriesDelta:   "ReadTableEntriesDelta",
	TypeConditionalBlockEnd:     "ConditionalBlockEnd",
	TypeMergeSegmentsBatch:      "MergeSegmentsBatch",
	TypeSegmentsBatchMerged:     "SegmentsBatchMerged",
	TypeKeepAlive:               "KeepAlive",
}

// Known reports whether t is a code the protocol assigns.
func (t Type) Known() bool {
	_, ok := typeNames[t]
	return ok
}

// String returns the command name, or "Type(n)" for an unknown code.
func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Reserved values shared by several commands.
const (
	// NullAttributeValue is the value of an unset segment attribute, the
	// lastEventNumber of a writer that never appended, and the expected value
	// meaning "must be unset" in UpdateSegmentAttribute.
	NullAttributeValue int64 = math.MinInt64
	// NoVersion makes a table key update or removal unconditional.
	NoVersion int64 = math.MinInt64
	// NotExists as a table key version means "the key must not exist"; TableRead
	// reports it for missing keys.
	NotExists int64 = -1
	// NoOffset is the default of the optional offset / requestId / event number
	// fields that older layouts omit (and of tableSegmentOffset: no condition).
	NoOffset int64 = -1
)

// ScaleType is the scaling policy byte of CreateSegment and UpdateSegmentPolicy.
type ScaleType int8

// Scale policies.
const (
	ScaleNoScaling  ScaleType = 0 // fixed number of segments
	ScaleThroughput ScaleType = 1 // targetRate in KiB/s
	ScaleEventRate  ScaleType = 2 // targetRate in events/s
)

// AttributeUpdateType is the update kind of a ConditionalAttributeUpdate.
// The wire carries Replace or ReplaceIfEquals; the others complete the
// server's enumeration.
type AttributeUpdateType int8

// Attribute update kinds.
const (
	AttributeUpdateNone             AttributeUpdateType = 0
	AttributeUpdateReplace          AttributeUpdateType = 1
	AttributeUpdateReplaceIfGreater AttributeUpdateType = 2
	AttributeUpdateAccumulate       AttributeUpdateType = 3
	AttributeUpdateReplaceIfEquals  AttributeUpdateType = 4
)

// AuthErrorCode is the errorCode of AuthTokenCheckFailed.
type AuthErrorCode int32

// AuthTokenCheckFailed codes. The Rust client panics on any other value.
const (
	AuthErrorUnspecified      AuthErrorCode = -1
	AuthErrorTokenCheckFailed AuthErrorCode = 0
	AuthErrorTokenExpired     AuthErrorCode = 1
)

// ErrorCode is the errorCode of ErrorMessage.
type ErrorCode int32

// ErrorMessage codes.
const (
	ErrorCodeUnspecified     ErrorCode = -1 // any runtime failure
	ErrorCodeIllegalArgument ErrorCode = 0  // a plain illegal-argument failure
)
