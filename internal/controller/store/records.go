package store

import (
	"github.com/sluicestream/sluice/internal/controller/streammodel"
)

// ScopeState is the life-cycle state of a scope.
type ScopeState string

// Scope states.
const (
	ScopeActive ScopeState = "ACTIVE"
	// ScopeDeleting: deleteScopeRecursive is removing the scope's content;
	// creation of new streams, tables and groups reports SCOPE_NOT_FOUND.
	ScopeDeleting ScopeState = "DELETING"
)

// ScopeRecord is stored under ScopeKey.
type ScopeRecord struct {
	State     ScopeState `json:"state"`
	CreatedAt int64      `json:"createdAt"`
}

// StreamState is the life-cycle state of a stream. Every state other than
// Active and Sealed has a workflow marker and is resumed after a crash.
type StreamState string

// Stream states.
const (
	StreamCreating   StreamState = "CREATING"
	StreamActive     StreamState = "ACTIVE"
	StreamScaling    StreamState = "SCALING"
	StreamUpdating   StreamState = "UPDATING"
	StreamTruncating StreamState = "TRUNCATING"
	StreamSealing    StreamState = "SEALING"
	StreamSealed     StreamState = "SEALED"
	StreamDeleting   StreamState = "DELETING"
)

// StreamConfig is a stream's configuration, in the controller's terms.
type StreamConfig struct {
	ScaleType      int32 `json:"scaleType"` // 0 fixed, 1 KiB/s, 2 events/s
	TargetRate     int32 `json:"targetRate,omitempty"`
	ScaleFactor    int32 `json:"scaleFactor,omitempty"`
	MinSegments    int32 `json:"minSegments"`
	RetentionType  int32 `json:"retentionType,omitempty"` // 0 none, 1 time, 2 size
	RetentionParam int64 `json:"retentionParam,omitempty"`
	RetentionMax   int64 `json:"retentionMax,omitempty"`
	// HasRetention records whether the client sent a retention policy at
	// all (getStreamConfiguration echoes it only then).
	HasRetention       bool     `json:"hasRetention,omitempty"`
	Tags               []string `json:"tags,omitempty"`
	TimestampAggTimeMs int64    `json:"timestampAggregationTimeout,omitempty"`
	RolloverSizeBytes  int64    `json:"rolloverSizeBytes,omitempty"`
}

// ScaleOp is a scale in flight. Steps: create the new segments, apply the
// plan to the model (Applied; the new epoch becomes active), wait until no
// transaction of an older epoch is open, seal the old segments, back to
// Active.
type ScaleOp struct {
	Plan      streammodel.ScalePlan `json:"plan"`
	Timestamp int64                 `json:"ts"`
	Applied   bool                  `json:"applied,omitempty"`
}

// StreamRecord is stored under StreamKey.
type StreamRecord struct {
	Config    StreamConfig        `json:"config"`
	State     StreamState         `json:"state"`
	Model     *streammodel.Stream `json:"model"`
	CreatedAt int64               `json:"createdAt"`
	// Scale is set while State is Scaling (or Updating with a reset).
	Scale *ScaleOp `json:"scale,omitempty"`
	// Truncation is set while State is Truncating.
	Truncation *streammodel.TruncationPlan `json:"truncation,omitempty"`
	// OldTags holds the tags before an update, to fix the tag index.
	OldTags []string `json:"oldTags,omitempty"`
	// PolicyUpdated records that an update sent UpdateSegmentPolicy to the
	// active segments.
	PolicyUpdated bool `json:"policyUpdated,omitempty"`
}

// DeletedRecord remembers a deleted stream's next segment number.
type DeletedRecord struct {
	NextNumber int32 `json:"next"`
}

// TxnState is a transaction's state (values as TxnState.State in the API).
type TxnState string

// Transaction states.
const (
	TxnOpen       TxnState = "OPEN"
	TxnCommitting TxnState = "COMMITTING"
	TxnCommitted  TxnState = "COMMITTED"
	TxnAborting   TxnState = "ABORTING"
	TxnAborted    TxnState = "ABORTED"
)

// TxnRecord is stored under TxnKey while a transaction is open, committing
// or aborting.
type TxnRecord struct {
	MSB   uint64   `json:"msb"`
	LSB   uint64   `json:"lsb"`
	Epoch int32    `json:"epoch"`
	State TxnState `json:"state"`
	// Segments are the real ids of the txn epoch's segments: the parents.
	Segments    []int64 `json:"segments"`
	LeaseMs     int64   `json:"leaseMs"`
	LeaseExpiry int64   `json:"leaseExpiry"` // unix ms
	MaxExpiry   int64   `json:"maxExpiry"`   // unix ms
	CreatedAt   int64   `json:"createdAt"`
	WriterID    string  `json:"writerId,omitempty"`
	CommitTime  int64   `json:"commitTime,omitempty"` // writer's timestamp
}

// CompletedTxn is stored under CompletedTxnKey.
type CompletedTxn struct {
	MSB   uint64   `json:"msb"`
	LSB   uint64   `json:"lsb"`
	State TxnState `json:"state"` // Committed or Aborted
	Time  int64    `json:"time"`
}

// CounterRecord is a monotonic counter.
type CounterRecord struct {
	Next uint64 `json:"next"`
}

// ObjectState is the state of a reader group or key-value table.
type ObjectState string

// Object states.
const (
	ObjectCreating ObjectState = "CREATING"
	ObjectActive   ObjectState = "ACTIVE"
	ObjectDeleting ObjectState = "DELETING"
)

// ReaderGroupRecord is stored under ReaderGroupKey. Config is the
// ReaderGroupConfiguration message as the client sent it (protobuf bytes),
// with the assigned readerGroupId and the current generation, so that it
// can be echoed field for field.
type ReaderGroupRecord struct {
	State      ObjectState `json:"state"`
	ID         string      `json:"id"`
	Generation int64       `json:"generation"`
	Config     []byte      `json:"config"`
	// Streams are the "<scope>/<stream>" names the group subscribes to
	// (retention type not NONE).
	Subscribed []string `json:"subscribed,omitempty"`
}

// SubscriberRecord is stored under SubscriberKey.
type SubscriberRecord struct {
	Subscriber string          `json:"subscriber"`
	GroupID    string          `json:"groupId"`
	Generation int64           `json:"generation"`
	Cut        map[int64]int64 `json:"cut,omitempty"`
}

// WriterRecord is a writer's last mark (noteTimestampFromWriter).
type WriterRecord struct {
	Timestamp int64           `json:"ts"`
	Position  map[int64]int64 `json:"position"`
	// NotedAt is the controller time (unix ms) of the mark.
	NotedAt int64 `json:"notedAt"`
	// Shutdown is set by removeWriter; the watermarking pass drops the
	// mark once it no longer counts (see package watermark).
	Shutdown bool `json:"shutdown,omitempty"`
}

// KVTRecord is stored under KVTKey.
type KVTRecord struct {
	State              ObjectState         `json:"state"`
	PartitionCount     int32               `json:"partitions"`
	PrimaryKeyLength   int32               `json:"primaryKeyLength"`
	SecondaryKeyLength int32               `json:"secondaryKeyLength"`
	RolloverSizeBytes  int64               `json:"rolloverSizeBytes,omitempty"`
	Model              *streammodel.Stream `json:"model"`
	CreatedAt          int64               `json:"createdAt"`
}

// WorkflowMarker is the value of a workflow marker key.
type WorkflowMarker struct {
	Op string `json:"op"`
}
