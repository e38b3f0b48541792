package rest_test

import (
	"fmt"
	"net/http"
	"testing"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

type scalingEvents struct {
	ScalingEvents []struct {
		Timestamp   int64 `json:"timestamp"`
		SegmentList []struct {
			Number    int32   `json:"number"`
			StartTime int64   `json:"startTime"`
			KeyStart  float64 `json:"keyStart"`
			KeyEnd    float64 `json:"keyEnd"`
		} `json:"segmentList"`
		Splits int64 `json:"splits"`
		Merges int64 `json:"merges"`
	} `json:"scalingEvents"`
}

// scale runs a gRPC scale of sc/s and waits until it is done.
func (e *env) scale(sealed []int64, ranges [][2]float64, fromEpoch int32) {
	e.t.Helper()
	req := &pb.ScaleRequest{StreamInfo: &pb.StreamInfo{Scope: "sc", Stream: "s"}, SealedSegments: sealed}
	for _, r := range ranges {
		req.NewKeyRanges = append(req.NewKeyRanges, &pb.ScaleRequest_KeyRangeEntry{Start: r[0], End: r[1]})
	}
	r, err := e.grpc.Scale(e.ctx(), req)
	if err != nil || r.Status != pb.ScaleResponse_STARTED {
		e.t.Fatalf("scale %v %v", r, err)
	}
	waitUntil(e.t, "scale", func() bool {
		st, err := e.grpc.CheckScale(e.ctx(), &pb.ScaleStatusRequest{StreamInfo: req.StreamInfo, Epoch: fromEpoch})
		return err == nil && st.Status == pb.ScaleStatusResponse_SUCCESS
	})
}

func TestScalingEvents(t *testing.T) {
	e := newEnv(t)
	e.mustScope("sc")
	e.mustStream("sc", "s", 2)
	// Epoch 1 splits segment 0 ([0, .5)) in two; epoch 2 merges them back.
	e.scale([]int64{0}, [][2]float64{{0, .25}, {.25, .5}}, 0)
	e.scale([]int64{naming.SegmentID(1, 2), naming.SegmentID(1, 3)}, [][2]float64{{0, .5}}, 1)

	var all scalingEvents
	e.expect("GET", "/scopes/sc/streams/s/scaling-events?from=0&to=9223372036854775807", "", http.StatusOK, &all)
	evs := all.ScalingEvents
	if len(evs) != 3 {
		t.Fatalf("%d events, want 3: %+v", len(evs), all)
	}
	if len(evs[0].SegmentList) != 2 || evs[0].Splits != 0 || evs[0].Merges != 0 {
		t.Fatalf("epoch 0: %+v", evs[0])
	}
	if s := evs[1].SegmentList; len(s) != 3 || s[0].Number != 2 || s[0].KeyEnd != .25 || s[2].Number != 1 ||
		evs[1].Splits != 1 || evs[1].Merges != 0 {
		t.Fatalf("epoch 1 (split): %+v", evs[1])
	}
	if s := evs[2].SegmentList; len(s) != 2 || s[0].Number != 4 || s[0].StartTime != evs[2].Timestamp ||
		s[1].StartTime != evs[0].Timestamp || evs[2].Splits != 0 || evs[2].Merges != 1 {
		t.Fatalf("epoch 2 (merge): %+v", evs[2])
	}

	// A window opening after epoch 1 began: first the last epoch before the
	// window (in force when it opens), then the epochs inside it.
	var win scalingEvents
	from := evs[1].Timestamp + 1
	e.expect("GET", fmt.Sprintf("/scopes/sc/streams/s/scaling-events?from=%d&to=%d", from, from+1e9), "",
		http.StatusOK, &win)
	want := []int64{evs[1].Timestamp, evs[2].Timestamp}
	if evs[2].Timestamp < from { // both epochs began in the same millisecond
		want = want[1:]
	}
	if len(win.ScalingEvents) != len(want) || win.ScalingEvents[0].Timestamp != want[0] {
		t.Fatalf("window from %d: %+v, want timestamps %v", from, win, want)
	}
	// Before the stream existed: nothing.
	e.expect("GET", "/scopes/sc/streams/s/scaling-events?from=0&to=1", "", http.StatusOK, &win)
	if win.ScalingEvents == nil || len(win.ScalingEvents) != 0 {
		t.Fatalf("empty window: %+v", win)
	}

	for _, c := range []struct{ query, want string }{
		{"to=5", "query parameter from"},
		{"from=5", "query parameter to"},
		{"from=x&to=5", `from="x" is not an integer`},
		{"from=-1&to=5", "from must not be negative"},
		{"from=6&to=5", "from (6) is after to (5)"},
	} {
		e.expectError("GET", "/scopes/sc/streams/s/scaling-events?"+c.query, "", http.StatusBadRequest, c.want)
	}
	e.expectError("GET", "/scopes/sc/streams/nope/scaling-events?from=0&to=1", "", http.StatusNotFound,
		"stream sc/nope not found")
}
