package rest_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
)

type streamProperty struct {
	ScopeName     string `json:"scopeName"`
	StreamName    string `json:"streamName"`
	ScalingPolicy struct {
		Type        string `json:"type"`
		TargetRate  int32  `json:"targetRate"`
		ScaleFactor int32  `json:"scaleFactor"`
		MinSegments int32  `json:"minSegments"`
	} `json:"scalingPolicy"`
	RetentionPolicy *struct {
		Type               string `json:"type"`
		Value              int64  `json:"value"`
		TimeBasedRetention *struct {
			Days, Hours, Minutes int64
		} `json:"timeBasedRetention"`
	} `json:"retentionPolicy"`
	Tags                        []string `json:"tags"`
	TimestampAggregationTimeout int64    `json:"timestampAggregationTimeout"`
	RolloverSizeBytes           int64    `json:"rolloverSizeBytes"`
}

type streamsList struct {
	Streams []streamProperty `json:"streams"`
}

func (l streamsList) names() []string {
	out := []string{}
	for _, s := range l.Streams {
		out = append(out, s.StreamName)
	}
	return out
}

func TestCreateAndGetStream(t *testing.T) {
	e := newEnv(t)
	e.mustScope("sc")
	var got streamProperty
	e.expect("POST", "/scopes/sc/streams", `{"streamName":"orders",
		"scalingPolicy":{"type":"BY_RATE_IN_EVENTS_PER_SEC","targetRate":100,"scaleFactor":2,"minSegments":3},
		"retentionPolicy":{"type":"LIMITED_DAYS","value":2},
		"streamTags":["red","blue"],"timestampAggregationTimeout":1000,"rolloverSizeBytes":4096}`,
		http.StatusCreated, &got)
	if got.ScopeName != "sc" || got.StreamName != "orders" || got.ScalingPolicy.Type != "BY_RATE_IN_EVENTS_PER_SEC" ||
		got.ScalingPolicy.TargetRate != 100 || got.ScalingPolicy.ScaleFactor != 2 || got.ScalingPolicy.MinSegments != 3 ||
		got.RetentionPolicy == nil || got.RetentionPolicy.Type != "LIMITED_DAYS" || got.RetentionPolicy.Value != 2 ||
		!slices.Equal(got.Tags, []string{"red", "blue"}) || got.TimestampAggregationTimeout != 1000 ||
		got.RolloverSizeBytes != 4096 {
		t.Fatalf("created %+v", got)
	}

	// The stream exists for gRPC clients, in gRPC's units.
	cfg, err := e.grpc.GetStreamConfiguration(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ScalingPolicy.ScaleType != pb.ScalingPolicy_BY_RATE_IN_EVENTS_PER_SEC || cfg.ScalingPolicy.MinNumSegments != 3 ||
		cfg.RetentionPolicy.RetentionType != pb.RetentionPolicy_TIME ||
		cfg.RetentionPolicy.RetentionParam != (48*time.Hour).Milliseconds() {
		t.Fatalf("over gRPC: %v", cfg)
	}
	segs, err := e.grpc.GetCurrentSegments(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "orders"})
	if err != nil || len(segs.SegmentRanges) != 3 {
		t.Fatalf("segments %v %v", segs, err)
	}

	var again streamProperty
	e.expect("GET", "/scopes/sc/streams/orders", "", http.StatusOK, &again)
	if again.StreamName != "orders" || again.RetentionPolicy.Value != 2 || again.ScalingPolicy.MinSegments != 3 {
		t.Fatalf("get %+v", again)
	}
	e.expectError("GET", "/scopes/sc/streams/nope", "", http.StatusNotFound, "stream sc/nope not found")
	e.expectError("GET", "/scopes/nope/streams/orders", "", http.StatusNotFound, "not found")
	e.expectError("POST", "/scopes/sc/streams", `{"streamName":"orders","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1}}`,
		http.StatusConflict, "stream sc/orders already exists")
	e.expectError("POST", "/scopes/nope/streams", `{"streamName":"x","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1}}`,
		http.StatusNotFound, `scope "nope" not found`)

	// Size retention, and a time span that is not whole days.
	e.expect("POST", "/scopes/sc/streams", `{"streamName":"sized","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1},
		"retentionPolicy":{"type":"LIMITED_SIZE_MB","value":5}}`, http.StatusCreated, &got)
	cfg, _ = e.grpc.GetStreamConfiguration(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "sized"})
	if got.RetentionPolicy.Type != "LIMITED_SIZE_MB" || got.RetentionPolicy.Value != 5 ||
		cfg.GetRetentionPolicy().GetRetentionParam() != 5<<20 {
		t.Fatalf("size retention: %+v, over gRPC %v", got.RetentionPolicy, cfg.GetRetentionPolicy())
	}
	e.expect("POST", "/scopes/sc/streams", `{"streamName":"spanned","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1},
		"retentionPolicy":{"type":"LIMITED_DAYS","value":0,"timeBasedRetention":{"days":1,"hours":2,"minutes":3}}}`,
		http.StatusCreated, &got)
	if tb := got.RetentionPolicy.TimeBasedRetention; got.RetentionPolicy.Value != 0 || tb == nil || *tb != (struct {
		Days, Hours, Minutes int64
	}{1, 2, 3}) {
		t.Fatalf("span retention: %+v", got.RetentionPolicy)
	}
}

func TestCreateStreamBadInput(t *testing.T) {
	e := newEnv(t)
	e.mustScope("sc")
	fixed := `"scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1}`
	for _, c := range []struct{ body, want string }{
		{`{` + fixed + `}`, "streamName is required"},
		{`{"streamName":"_mine",` + fixed + `}`, "outside [A-Za-z0-9.-]"},
		{`{"streamName":"a b",` + fixed + `}`, "outside [A-Za-z0-9.-]"},
		{`{"streamName":".",` + fixed + `}`, "only dots"},
		{`{"streamName":"s"}`, "scalingPolicy is required"},
		{`{"streamName":"s","scalingPolicy":{"minSegments":1}}`, "scalingPolicy.type is required"},
		{`{"streamName":"s","scalingPolicy":{"type":"BY_MAGIC","minSegments":1}}`, `scalingPolicy.type "BY_MAGIC"`},
		{`{"streamName":"s","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS"}}`, "scalingPolicy.minSegments is required"},
		{`{"streamName":"s","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":0}}`, "minNumSegments must be between 1 and 1000"},
		{`{"streamName":"s","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":2147483647}}`, "minNumSegments must be between 1 and 1000"},
		{`{"streamName":"s","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":2147483648}}`, "expected an integer in range"},
		{`{"streamName":"s",` + fixed + `,"rolloverSizeBytes":-1}`, "rolloverSizeBytes must not be negative"},
		{`{"streamName":"s",` + fixed + `,"timestampAggregationTimeout":-1}`, "timestampAggregationTimeout must not be negative"},
		{`{"streamName":"s",` + fixed + `,"streamTags":["a",null]}`, "streamTags[1] is null"},
		{`{"streamName":"s",` + fixed + `,"streamTags":"a"}`, "field streamTags: expected an array"},
		{`{"streamName":"s",` + fixed + `,"retentionPolicy":{}}`, "retentionPolicy.type is required"},
		{`{"streamName":"s",` + fixed + `,"retentionPolicy":{"type":"FOREVER"}}`, `retentionPolicy.type "FOREVER"`},
		{`{"streamName":"s",` + fixed + `,"retentionPolicy":{"type":"LIMITED_SIZE_MB","value":-1}}`, "must not be negative"},
		{`{"streamName":"s",` + fixed + `,"retentionPolicy":{"type":"LIMITED_DAYS","timeBasedRetention":{"hours":-1}}}`,
			"must not be negative"},
	} {
		e.expectError("POST", "/scopes/sc/streams", c.body, http.StatusBadRequest, c.want)
	}
	// Null optional fields are as good as absent.
	e.expect("POST", "/scopes/sc/streams", `{"streamName":"nulls",`+fixed+`,"retentionPolicy":null,"streamTags":null,
		"rolloverSizeBytes":null}`, http.StatusCreated, nil)
	// A span past the int64 range of milliseconds is unlimited retention.
	var got streamProperty
	e.expect("POST", "/scopes/sc/streams", `{"streamName":"forever",`+fixed+`,
		"retentionPolicy":{"type":"LIMITED_DAYS","value":9223372036854775807}}`, http.StatusCreated, &got)
	cfg, _ := e.grpc.GetStreamConfiguration(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "forever"})
	if cfg.GetRetentionPolicy().GetRetentionParam() != 1<<63-1 {
		t.Fatalf("saturated retention %v", cfg.GetRetentionPolicy())
	}
}

func TestListStreams(t *testing.T) {
	e := newEnv(t)
	e.mustScope("sc")
	e.expect("POST", "/scopes/sc/streams", `{"streamName":"a","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1},
		"streamTags":["hot"]}`, http.StatusCreated, nil)
	e.mustStream("sc", "b", 1)
	var list streamsList
	e.expect("GET", "/scopes/sc/streams", "", http.StatusOK, &list)
	if got := list.names(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("user streams %v", got)
	}
	// Every user stream has its watermark stream, an internal one.
	e.expect("GET", "/scopes/sc/streams?filter_type=showInternalStreams", "", http.StatusOK, &list)
	if got := list.names(); !slices.Equal(got, []string{"_MARKa", "_MARKb"}) {
		t.Fatalf("internal streams %v", got)
	}
	e.expect("GET", "/scopes/sc/streams?filter_type=tag&filter_value=hot", "", http.StatusOK, &list)
	if got := list.names(); !slices.Equal(got, []string{"a"}) || list.Streams[0].Tags[0] != "hot" {
		t.Fatalf("tagged streams %+v", list)
	}
	e.expect("GET", "/scopes/sc/streams?filter_type=tag&filter_value=cold", "", http.StatusOK, &list)
	if len(list.Streams) != 0 {
		t.Fatalf("no stream is tagged cold: %v", list.names())
	}
	e.expect("GET", "/scopes/sc/streams?filter_type=tag", "", http.StatusOK, &list)
	if got := list.names(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("tag filter without a value lists as no filter: %v", got)
	}
	e.expectError("GET", "/scopes/sc/streams?filter_type=bogus", "", http.StatusBadRequest, `filter_type "bogus"`)
	e.expectError("GET", "/scopes/sc/streams?filter_type=", "", http.StatusBadRequest, `filter_type ""`)
	e.expectError("GET", "/scopes/nope/streams", "", http.StatusNotFound, `scope "nope" not found`)
	e.mustScope("empty")
	e.expect("GET", "/scopes/empty/streams", "", http.StatusOK, &list)
	if list.Streams == nil || len(list.Streams) != 0 {
		t.Fatalf("empty scope: %+v", list)
	}
}

func TestUpdateSealDeleteStream(t *testing.T) {
	e := newEnv(t)
	e.mustScope("sc")
	e.mustStream("sc", "s", 1)
	var got streamProperty
	e.expect("PUT", "/scopes/sc/streams/s", `{"scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1},
		"retentionPolicy":{"type":"LIMITED_SIZE_MB","value":10},"streamTags":["new"]}`, http.StatusOK, &got)
	if got.RetentionPolicy == nil || got.RetentionPolicy.Value != 10 || !slices.Equal(got.Tags, []string{"new"}) {
		t.Fatalf("updated %+v", got)
	}
	cfg, _ := e.grpc.GetStreamConfiguration(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "s"})
	if cfg.GetRetentionPolicy().GetRetentionParam() != 10<<20 || !slices.Equal(cfg.GetTags().GetTag(), []string{"new"}) {
		t.Fatalf("update not visible over gRPC: %v", cfg)
	}
	fixed := `{"scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1}}`
	e.expectError("PUT", "/scopes/sc/streams/nope", fixed, http.StatusNotFound, "stream sc/nope not found")
	e.expectError("PUT", "/scopes/sc/streams/s", `{"streamName":"other","scalingPolicy":{"type":"FIXED_NUM_SEGMENTS","minSegments":1}}`,
		http.StatusBadRequest, "differs from the stream in the path")
	e.expectError("PUT", "/scopes/sc/streams/s", `{}`, http.StatusBadRequest, "scalingPolicy is required")

	e.expectError("DELETE", "/scopes/sc/streams/s", "", http.StatusPreconditionFailed, "is not sealed")
	for _, bad := range []string{`{}`, `{"streamState":"ACTIVE"}`, `{"streamState":null}`} {
		e.expectError("PUT", "/scopes/sc/streams/s/state", bad, http.StatusBadRequest, `streamState must be "SEALED"`)
	}
	e.expectError("PUT", "/scopes/sc/streams/nope/state", `{"streamState":"SEALED"}`, http.StatusNotFound,
		"stream sc/nope not found")
	var state struct {
		StreamState string `json:"streamState"`
	}
	for range 2 { // sealing a sealed stream succeeds
		e.expect("PUT", "/scopes/sc/streams/s/state", `{"streamState":"SEALED"}`, http.StatusOK, &state)
		if state.StreamState != "SEALED" {
			t.Fatalf("state %+v", state)
		}
	}
	if segs, err := e.grpc.GetCurrentSegments(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "s"}); err != nil ||
		len(segs.SegmentRanges) != 0 {
		t.Fatalf("a sealed stream has no current segments: %v %v", segs, err)
	}
	e.expectError("PUT", "/scopes/sc/streams/s", fixed, http.StatusPreconditionFailed, "the stream is sealed")

	e.expect("DELETE", "/scopes/sc/streams/s", "", http.StatusNoContent, nil)
	e.expectError("DELETE", "/scopes/sc/streams/s", "", http.StatusNotFound, "stream sc/s not found")
	if r, _ := e.grpc.CheckStreamExists(e.ctx(), &pb.StreamInfo{Scope: "sc", Stream: "s"}); r.GetExists() {
		t.Fatal("stream deleted over REST still exists over gRPC")
	}
	e.expect("DELETE", "/scopes/sc", "", http.StatusNoContent, nil) // the watermark stream went with it
}
