package rest

import (
	"math"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
)

// The JSON stream configuration and its conversion to and from the gRPC
// StreamConfig. Only the shape and the units are handled here (scaling
// type names, retention in days/MiB ↔ ms/bytes); the service checks the
// values.

type scalingConfig struct {
	Type        *string `json:"type"`
	TargetRate  int32   `json:"targetRate"`
	ScaleFactor int32   `json:"scaleFactor"`
	MinSegments *int32  `json:"minSegments"`
}

type timeBasedRetention struct {
	Days    int64 `json:"days"`
	Hours   int64 `json:"hours"`
	Minutes int64 `json:"minutes"`
}

type retentionConfig struct {
	Type                  *string             `json:"type"`
	Value                 int64               `json:"value"`
	TimeBasedRetention    *timeBasedRetention `json:"timeBasedRetention,omitempty"`
	MaxValue              int64               `json:"maxValue,omitempty"`
	MaxTimeBasedRetention *timeBasedRetention `json:"maxTimeBasedRetention,omitempty"`
}

// streamConfigBody is the body of createStream (with StreamName) and
// updateStream.
type streamConfigBody struct {
	StreamName                  *string          `json:"streamName"`
	ScalingPolicy               *scalingConfig   `json:"scalingPolicy"`
	RetentionPolicy             *retentionConfig `json:"retentionPolicy"`
	StreamTags                  []*string        `json:"streamTags"` // pointers: a null tag is refused
	TimestampAggregationTimeout int64            `json:"timestampAggregationTimeout"`
	RolloverSizeBytes           int64            `json:"rolloverSizeBytes"`
}

type streamProperty struct {
	ScopeName                   string           `json:"scopeName"`
	StreamName                  string           `json:"streamName"`
	ScalingPolicy               scalingConfig    `json:"scalingPolicy"`
	RetentionPolicy             *retentionConfig `json:"retentionPolicy,omitempty"`
	Tags                        []string         `json:"tags"`
	TimestampAggregationTimeout int64            `json:"timestampAggregationTimeout"`
	RolloverSizeBytes           int64            `json:"rolloverSizeBytes"`
}

const (
	retentionDays = "LIMITED_DAYS"
	retentionMiB  = "LIMITED_SIZE_MB"
	bytesPerMiB   = 1 << 20
)

// scaleTypes are the JSON names of the gRPC scaling types (the same words).
var scaleTypes = map[string]pb.ScalingPolicy_ScalingPolicyType{
	"FIXED_NUM_SEGMENTS":        pb.ScalingPolicy_FIXED_NUM_SEGMENTS,
	"BY_RATE_IN_KBYTES_PER_SEC": pb.ScalingPolicy_BY_RATE_IN_KBYTES_PER_SEC,
	"BY_RATE_IN_EVENTS_PER_SEC": pb.ScalingPolicy_BY_RATE_IN_EVENTS_PER_SEC,
}

// toStreamConfig builds the gRPC configuration of scope/stream.
func (b *streamConfigBody) toStreamConfig(scope, stream string) (*pb.StreamConfig, error) {
	sp := b.ScalingPolicy
	if sp == nil {
		return nil, badRequest("scalingPolicy is required")
	}
	if sp.Type == nil {
		return nil, badRequest("scalingPolicy.type is required (FIXED_NUM_SEGMENTS, BY_RATE_IN_KBYTES_PER_SEC or BY_RATE_IN_EVENTS_PER_SEC)")
	}
	st, ok := scaleTypes[*sp.Type]
	if !ok {
		return nil, badRequest("scalingPolicy.type %q is not FIXED_NUM_SEGMENTS, BY_RATE_IN_KBYTES_PER_SEC or BY_RATE_IN_EVENTS_PER_SEC", *sp.Type)
	}
	if sp.MinSegments == nil {
		return nil, badRequest("scalingPolicy.minSegments is required")
	}
	tags := make([]string, len(b.StreamTags))
	for i, t := range b.StreamTags {
		if t == nil {
			return nil, badRequest("streamTags[%d] is null; tags are strings", i)
		}
		tags[i] = *t
	}
	cfg := &pb.StreamConfig{
		StreamInfo: &pb.StreamInfo{Scope: scope, Stream: stream},
		ScalingPolicy: &pb.ScalingPolicy{ScaleType: st, TargetRate: sp.TargetRate, ScaleFactor: sp.ScaleFactor,
			MinNumSegments: *sp.MinSegments},
		Tags:                        &pb.Tags{Tag: tags},
		TimestampAggregationTimeout: b.TimestampAggregationTimeout,
		RolloverSizeBytes:           b.RolloverSizeBytes,
	}
	if b.RetentionPolicy != nil {
		rp, err := b.RetentionPolicy.toRetentionPolicy()
		if err != nil {
			return nil, err
		}
		cfg.RetentionPolicy = rp
	}
	return cfg, nil
}

// toRetentionPolicy converts days or MiB to the gRPC milliseconds or bytes.
func (rc *retentionConfig) toRetentionPolicy() (*pb.RetentionPolicy, error) {
	if rc.Type == nil {
		return nil, badRequest("retentionPolicy.type is required (LIMITED_DAYS or LIMITED_SIZE_MB)")
	}
	if rc.Value < 0 || rc.MaxValue < 0 {
		return nil, badRequest("retentionPolicy.value and maxValue must not be negative")
	}
	switch *rc.Type {
	case retentionMiB:
		return &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_SIZE, RetentionParam: mul(rc.Value, bytesPerMiB),
			RetentionMax: mul(rc.MaxValue, bytesPerMiB)}, nil
	case retentionDays:
		param, err := retentionMillis("retentionPolicy", rc.Value, rc.TimeBasedRetention)
		if err != nil {
			return nil, err
		}
		maxMs, err := retentionMillis("retentionPolicy maximum", rc.MaxValue, rc.MaxTimeBasedRetention)
		if err != nil {
			return nil, err
		}
		return &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_TIME, RetentionParam: param, RetentionMax: maxMs}, nil
	}
	return nil, badRequest("retentionPolicy.type %q is not LIMITED_DAYS or LIMITED_SIZE_MB", *rc.Type)
}

// retentionMillis is days when non-zero, else the days+hours+minutes of
// span (Pravega's rule), in milliseconds. Spans past the int64 range
// saturate: that is unlimited retention, as Java's Long.MAX_VALUE.
func retentionMillis(what string, days int64, span *timeBasedRetention) (int64, error) {
	day, hour, minute := (24 * time.Hour).Milliseconds(), time.Hour.Milliseconds(), time.Minute.Milliseconds()
	terms := [][2]int64{{days, day}}
	if days == 0 && span != nil {
		terms = [][2]int64{{span.Days, day}, {span.Hours, hour}, {span.Minutes, minute}}
	}
	var total int64
	for _, t := range terms {
		if t[0] < 0 {
			return 0, badRequest("%s: days, hours and minutes must not be negative", what)
		}
		total = add(total, mul(t[0], t[1]))
	}
	return total, nil
}

// mul multiplies non-negative a and b, saturating at math.MaxInt64.
func mul(a, b int64) int64 {
	if a != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// add adds non-negative a and b, saturating at math.MaxInt64.
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// fromStreamConfig renders a gRPC configuration as JSON.
func fromStreamConfig(c *pb.StreamConfig) streamProperty {
	sp := c.GetScalingPolicy()
	st := sp.GetScaleType().String()
	out := streamProperty{
		ScopeName:  c.GetStreamInfo().GetScope(),
		StreamName: c.GetStreamInfo().GetStream(),
		ScalingPolicy: scalingConfig{Type: &st, TargetRate: sp.GetTargetRate(), ScaleFactor: sp.GetScaleFactor(),
			MinSegments: ptr(sp.GetMinNumSegments())},
		Tags:                        c.GetTags().GetTag(),
		TimestampAggregationTimeout: c.GetTimestampAggregationTimeout(),
		RolloverSizeBytes:           c.GetRolloverSizeBytes(),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	rp := c.GetRetentionPolicy()
	switch rp.GetRetentionType() {
	case pb.RetentionPolicy_SIZE:
		out.RetentionPolicy = &retentionConfig{Type: ptr(retentionMiB), Value: rp.GetRetentionParam() / bytesPerMiB,
			MaxValue: rp.GetRetentionMax() / bytesPerMiB}
	case pb.RetentionPolicy_TIME:
		out.RetentionPolicy = &retentionConfig{Type: ptr(retentionDays), TimeBasedRetention: spanOf(rp.GetRetentionParam())}
		if whole := rp.GetRetentionParam(); whole%(24*time.Hour).Milliseconds() == 0 {
			out.RetentionPolicy.Value = whole / (24 * time.Hour).Milliseconds()
		}
		if rp.GetRetentionMax() > 0 {
			out.RetentionPolicy.MaxTimeBasedRetention = spanOf(rp.GetRetentionMax())
		}
	}
	return out
}

// spanOf splits milliseconds into whole days, hours and minutes.
func spanOf(ms int64) *timeBasedRetention {
	if ms < 0 {
		ms = 0
	}
	day, hour, minute := (24 * time.Hour).Milliseconds(), time.Hour.Milliseconds(), time.Minute.Milliseconds()
	return &timeBasedRetention{Days: ms / day, Hours: ms % day / hour, Minutes: ms % hour / minute}
}

func ptr[T any](v T) *T { return &v }
