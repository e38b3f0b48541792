package wire

// Command is one protocol message. Every command of the protocol is a pointer
// to one of this package's structs (*Hello, *SetupAppend, ...).
type Command interface {
	// Type is the frame type code.
	Type() Type
	// AppendPayload appends the payload (no frame header) in the latest
	// layout. A string longer than 65,535 encoded bytes is cut short here;
	// AppendFrame reports it as an error instead.
	AppendPayload(b []byte) []byte
}

// encoder is implemented by every command of this package; it is AppendPayload
// with the string-length error kept.
type encoder interface {
	encode(e enc) enc
}

// Decode decodes one frame's payload as a command of type t. []byte fields of
// the result alias payload (no copy), so they are valid only as long as the
// payload is. Shorter layouts sent by older peers are accepted (missing
// optional trailing fields take their documented defaults) and unread
// trailing bytes are ignored. Errors are *FrameError wrapping ErrUnknownType
// or ErrMalformed.
func Decode(t Type, payload []byte) (Command, error) {
	d := dec{b: payload}
	var cmd Command
	switch t {
	case TypeHello:
		c := new(Hello)
		c.decode(&d)
		cmd = c
	case TypeKeepAlive:
		cmd = new(KeepAlive)
	case TypePadding:
		cmd = &Padding{Length: len(payload)}
	case TypePartialEvent:
		c := new(PartialEvent)
		c.decode(&d)
		cmd = c
	case TypeEvent:
		c := new(Event)
		c.decode(&d)
		cmd = c
	case TypeSetupAppend:
		c := new(SetupAppend)
		c.decode(&d)
		cmd = c
	case TypeAppendSetup:
		c := new(AppendSetup)
		c.decode(&d)
		cmd = c
	case TypeAppendBlock:
		c := new(AppendBlock)
		c.decode(&d)
		cmd = c
	case TypeAppendBlockEnd:
		c := new(AppendBlockEnd)
		c.decode(&d)
		cmd = c
	case TypeConditionalAppend:
		c := new(ConditionalAppend)
		c.decode(&d)
		cmd = c
	case TypeConditionalBlockEnd:
		c := new(ConditionalBlockEnd)
		c.decode(&d)
		cmd = c
	case TypeDataAppended:
		c := new(DataAppended)
		c.decode(&d)
		cmd = c
	case TypeConditionalCheckFailed:
		c := new(ConditionalCheckFailed)
		c.decode(&d)
		cmd = c
	case TypeReadSegment:
		c := new(ReadSegment)
		c.decode(&d)
		cmd = c
	case TypeSegmentRead:
		c := new(SegmentRead)
		c.decode(&d)
		cmd = c
	case TypeGetStreamSegmentInfo:
		c := new(GetStreamSegmentInfo)
		c.decode(&d)
		cmd = c
	case TypeStreamSegmentInfo:
		c := new(StreamSegmentInfo)
		c.decode(&d)
		cmd = c
	case TypeLocateOffset:
		c := new(LocateOffset)
		c.decode(&d)
		cmd = c
	case TypeOffsetLocated:
		c := new(OffsetLocated)
		c.decode(&d)
		cmd = c
	case TypeCreateSegment:
		c := new(CreateSegment)
		c.decode(&d)
		cmd = c
	case TypeSegmentCreated:
		c := new(SegmentCreated)
		c.decode(&d)
		cmd = c
	case TypeCreateTransientSegment:
		c := new(CreateTransientSegment)
		c.decode(&d)
		cmd = c
	case TypeSealSegment:
		c := new(SealSegment)
		c.decode(&d)
		cmd = c
	case TypeSegmentSealed:
		c := new(SegmentSealed)
		c.decode(&d)
		cmd = c
	case TypeDeleteSegment:
		c := new(DeleteSegment)
		c.decode(&d)
		cmd = c
	case TypeSegmentDeleted:
		c := new(SegmentDeleted)
		c.decode(&d)
		cmd = c
	case TypeUpdateSegmentPolicy:
		c := new(UpdateSegmentPolicy)
		c.decode(&d)
		cmd = c
	case TypeSegmentPolicyUpdated:
		c := new(SegmentPolicyUpdated)
		c.decode(&d)
		cmd = c
	case TypeGetSegmentAttribute:
		c := new(GetSegmentAttribute)
		c.decode(&d)
		cmd = c
	case TypeSegmentAttribute:
		c := new(SegmentAttribute)
		c.decode(&d)
		cmd = c
	case TypeUpdateSegmentAttribute:
		c := new(UpdateSegmentAttribute)
		c.decode(&d)
		cmd = c
	case TypeSegmentAttributeUpdated:
		c := new(SegmentAttributeUpdated)
		c.decode(&d)
		cmd = c
	case TypeTruncateSegment:
		c := new(TruncateSegment)
		c.decode(&d)
		cmd = c
	case TypeSegmentTruncated:
		c := new(SegmentTruncated)
		c.decode(&d)
		cmd = c
	case TypeMergeSegments:
		c := new(MergeSegments)
		c.decode(&d)
		cmd = c
	case TypeSegmentsMerged:
		c := new(SegmentsMerged)
		c.decode(&d)
		cmd = c
	case TypeMergeSegmentsBatch:
		c := new(MergeSegmentsBatch)
		c.decode(&d)
		cmd = c
	case TypeSegmentsBatchMerged:
		c := new(SegmentsBatchMerged)
		c.decode(&d)
		cmd = c
	case TypeWrongHost:
		c := new(WrongHost)
		c.decode(&d)
		cmd = c
	case TypeSegmentIsSealed:
		c := new(SegmentIsSealed)
		c.decode(&d)
		cmd = c
	case TypeSegmentAlreadyExists:
		c := new(SegmentAlreadyExists)
		c.decode(&d)
		cmd = c
	case TypeNoSuchSegment:
		c := new(NoSuchSegment)
		c.decode(&d)
		cmd = c
	case TypeInvalidEventNumber:
		c := new(InvalidEventNumber)
		c.decode(&d)
		cmd = c
	case TypeSegmentIsTruncated:
		c := new(SegmentIsTruncated)
		c.decode(&d)
		cmd = c
	case TypeOperationUnsupported:
		c := new(OperationUnsupported)
		c.decode(&d)
		cmd = c
	case TypeAuthTokenCheckFailed:
		c := new(AuthTokenCheckFailed)
		c.decode(&d)
		cmd = c
	case TypeErrorMessage:
		c := new(ErrorMessage)
		c.decode(&d)
		cmd = c
	case TypeTableSegmentNotEmpty:
		c := new(TableSegmentNotEmpty)
		c.decode(&d)
		cmd = c
	case TypeTableKeyDoesNotExist:
		c := new(TableKeyDoesNotExist)
		c.decode(&d)
		cmd = c
	case TypeTableKeyBadVersion:
		c := new(TableKeyBadVersion)
		c.decode(&d)
		cmd = c
	case TypeGetTableSegmentInfo:
		c := new(GetTableSegmentInfo)
		c.decode(&d)
		cmd = c
	case TypeTableSegmentInfo:
		c := new(TableSegmentInfo)
		c.decode(&d)
		cmd = c
	case TypeCreateTableSegment:
		c := new(CreateTableSegment)
		c.decode(&d)
		cmd = c
	case TypeDeleteTableSegment:
		c := new(DeleteTableSegment)
		c.decode(&d)
		cmd = c
	case TypeUpdateTableEntries:
		c := new(UpdateTableEntries)
		c.decode(&d)
		cmd = c
	case TypeTableEntriesUpdated:
		c := new(TableEntriesUpdated)
		c.decode(&d)
		cmd = c
	case TypeRemoveTableKeys:
		c := new(RemoveTableKeys)
		c.decode(&d)
		cmd = c
	case TypeTableKeysRemoved:
		c := new(TableKeysRemoved)
		c.decode(&d)
		cmd = c
	case TypeReadTable:
		c := new(ReadTable)
		c.decode(&d)
		cmd = c
	case TypeTableRead:
		c := new(TableRead)
		c.decode(&d)
		cmd = c
	case TypeReadTableKeys:
		c := new(ReadTableKeys)
		c.decode(&d)
		cmd = c
	case TypeTableKeysRead:
		c := new(TableKeysRead)
		c.decode(&d)
		cmd = c
	case TypeReadTableEntries:
		c := new(ReadTableEntries)
		c.decode(&d)
		cmd = c
	case TypeTableEntriesRead:
		c := new(TableEntriesRead)
		c.decode(&d)
		cmd = c
	case TypeReadTableEntriesDelta:
		c := new(ReadTableEntriesDelta)
		c.decode(&d)
		cmd = c
	case TypeTableEntriesDeltaRead:
		c := new(TableEntriesDeltaRead)
		c.decode(&d)
		cmd = c
	case TypeFlushToStorage:
		c := new(FlushToStorage)
		c.decode(&d)
		cmd = c
	case TypeStorageFlushed:
		c := new(StorageFlushed)
		c.decode(&d)
		cmd = c
	case TypeListStorageChunks:
		c := new(ListStorageChunks)
		c.decode(&d)
		cmd = c
	case TypeStorageChunksListed:
		c := new(StorageChunksListed)
		c.decode(&d)
		cmd = c
	default:
		return nil, &FrameError{Type: t, Err: ErrUnknownType}
	}
	if d.err != nil {
		return nil, &FrameError{Type: t, Err: d.err}
	}
	return cmd, nil
}

// RequestIDOf returns the requestId a command carries: the field itself, 0 for
// Hello and -1 for KeepAlive (spec §4.2). It reports false for commands that
// have none (AppendBlock, Padding, PartialEvent, Event).
func RequestIDOf(c Command) (int64, bool) {
	switch c := c.(type) {
	case *Hello:
		return 0, true
	case *KeepAlive:
		return -1, true
	case *AppendBlock, *Padding, *PartialEvent, *Event:
		return 0, false
	case interface{ requestID() int64 }:
		return c.requestID(), true
	}
	return 0, false
}
