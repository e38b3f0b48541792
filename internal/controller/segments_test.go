package controller_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

func TestScaleAndSegmentQueries(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	_, err := h.c.GetCurrentSegments(c, si("sc", "st"))
	wantCode(t, err, codes.NotFound)
	h.mustStream("sc", "st", 1)

	// getURI is pure: any stream, existing or not.
	for _, s := range []string{"st", "never-created"} {
		uri, err := h.c.GetURI(c, &pb.SegmentId{StreamInfo: si("sc", s), SegmentId: 7})
		if err != nil || uri.Endpoint != "127.0.0.1" || uri.Port == 0 {
			t.Fatalf("getURI %v %v", uri, err)
		}
	}
	_, err = h.c.GetURI(c, &pb.SegmentId{})
	wantCode(t, err, codes.InvalidArgument)

	req := &pb.ScaleRequest{StreamInfo: si("sc", "st"), SealedSegments: []int64{0},
		NewKeyRanges: []*pb.ScaleRequest_KeyRangeEntry{{Start: 0, End: .5}, {Start: .5, End: 1}}}
	if r, _ := h.c.Scale(c, &pb.ScaleRequest{StreamInfo: si("sc", "st"), SealedSegments: []int64{5},
		NewKeyRanges: req.NewKeyRanges}); r.Status != pb.ScaleResponse_PRECONDITION_FAILED {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.Scale(c, &pb.ScaleRequest{StreamInfo: si("sc", "st"), SealedSegments: []int64{0},
		NewKeyRanges: []*pb.ScaleRequest_KeyRangeEntry{{Start: 0, End: .5}}}); r.Status != pb.ScaleResponse_FAILURE {
		t.Fatal(r.Status)
	}
	r, err := h.c.Scale(c, req)
	if err != nil || r.Status != pb.ScaleResponse_STARTED || r.Epoch != 0 || len(r.Segments) != 2 {
		t.Fatalf("scale %v %v", r, err)
	}
	s1, s2 := naming.SegmentID(1, 1), naming.SegmentID(1, 2)
	if r.Segments[0].SegmentId.SegmentId != s1 || r.Segments[1].SegmentId.SegmentId != s2 {
		t.Fatalf("new segments %v", r.Segments)
	}
	waitUntil(t, "scale", func() bool {
		st, err := h.c.CheckScale(c, &pb.ScaleStatusRequest{StreamInfo: si("sc", "st"), Epoch: 0})
		return err == nil && st.Status == pb.ScaleStatusResponse_SUCCESS
	})
	if st, _ := h.c.CheckScale(c, &pb.ScaleStatusRequest{StreamInfo: si("sc", "st"), Epoch: 5}); st.Status != pb.ScaleStatusResponse_INVALID_INPUT {
		t.Fatal(st.Status)
	}
	if st, _ := h.c.CheckScale(c, &pb.ScaleStatusRequest{StreamInfo: si("sc", "nope")}); st.Status != pb.ScaleStatusResponse_INVALID_INPUT {
		t.Fatal(st.Status)
	}

	cur, _ := h.c.GetCurrentSegments(c, si("sc", "st"))
	if len(cur.SegmentRanges) != 2 || cur.SegmentRanges[0].MaxKey != .5 || cur.SegmentRanges[1].MaxKey != 1 {
		t.Fatalf("current %v", cur)
	}
	succ, err := h.c.GetSegmentsImmediatelyFollowing(c, &pb.SegmentId{StreamInfo: si("sc", "st"), SegmentId: 0})
	if err != nil || len(succ.Segments) != 2 || succ.Segments[0].Value[0] != 0 {
		t.Fatalf("successors %v %v", succ, err)
	}
	alias, _ := h.c.GetSegmentsImmediatlyFollowing(c, &pb.SegmentId{StreamInfo: si("sc", "st"), SegmentId: s1})
	if len(alias.Segments) != 0 {
		t.Fatalf("successors of active %v", alias)
	}
	_, err = h.c.GetSegmentsImmediatelyFollowing(c, &pb.SegmentId{StreamInfo: si("sc", "st"), SegmentId: 99})
	wantCode(t, err, codes.NotFound)

	ep, err := h.c.GetEpochSegments(c, &pb.GetEpochSegmentsRequest{StreamInfo: si("sc", "st"), Epoch: 0})
	if err != nil || len(ep.SegmentRanges) != 1 {
		t.Fatalf("epoch 0 %v %v", ep, err)
	}
	_, err = h.c.GetEpochSegments(c, &pb.GetEpochSegmentsRequest{StreamInfo: si("sc", "st"), Epoch: -1})
	wantCode(t, err, codes.InvalidArgument)
	_, err = h.c.GetEpochSegments(c, &pb.GetEpochSegmentsRequest{StreamInfo: si("sc", "st"), Epoch: 9})
	wantCode(t, err, codes.InvalidArgument)

	head, _ := h.c.GetSegments(c, &pb.GetSegmentsRequest{StreamInfo: si("sc", "st")})
	if len(head.Segments) != 1 || head.Segments[0].SegmentId.SegmentId != 0 || head.Segments[0].Offset != 0 {
		t.Fatalf("head %v", head)
	}
	btw, err := h.c.GetSegmentsBetween(c, &pb.StreamCutRange{StreamInfo: si("sc", "st"), From: map[int64]int64{0: 0}})
	if err != nil || len(btw.Segments) != 3 {
		t.Fatalf("between %v %v", btw, err)
	}
	_, err = h.c.GetSegmentsBetween(c, &pb.StreamCutRange{StreamInfo: si("sc", "st")})
	wantCode(t, err, codes.InvalidArgument)

	if v, _ := h.c.IsSegmentValid(c, &pb.SegmentId{StreamInfo: si("sc", "st"), SegmentId: s1}); !v.Response {
		t.Fatal("active segment invalid")
	}
	if v, _ := h.c.IsSegmentValid(c, &pb.SegmentId{StreamInfo: si("sc", "st"), SegmentId: 0}); v.Response {
		t.Fatal("sealed segment valid")
	}
	if v, err := h.c.IsSegmentValid(c, &pb.SegmentId{StreamInfo: si("sc", "nope"), SegmentId: 0}); err != nil || v.Response {
		t.Fatal(v, err)
	}
	if v, _ := h.c.IsStreamCutValid(c, &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: map[int64]int64{s1: 0, s2: 3}}); !v.Response {
		t.Fatal("valid cut refused")
	}
	if v, _ := h.c.IsStreamCutValid(c, &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: map[int64]int64{s1: 0}}); v.Response {
		t.Fatal("partial cut accepted")
	}

	// Truncate to the new epoch: the old segment goes, the head moves.
	if r, _ := h.c.TruncateStream(c, &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: map[int64]int64{s1: 0, s2: 0}}); r.Status != pb.UpdateStreamStatus_SUCCESS {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.TruncateStream(c, &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: map[int64]int64{s1: 0}}); r.Status != pb.UpdateStreamStatus_FAILURE {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.TruncateStream(c, &pb.StreamCut{StreamInfo: si("sc", "nope"), Cut: map[int64]int64{0: 0}}); r.Status != pb.UpdateStreamStatus_STREAM_NOT_FOUND {
		t.Fatal(r.Status)
	}
	head, _ = h.c.GetSegments(c, &pb.GetSegmentsRequest{StreamInfo: si("sc", "st")})
	if len(head.Segments) != 2 || head.Segments[0].SegmentId.SegmentId != s1 {
		t.Fatalf("head after truncation %v", head)
	}
	if _, err := h.ss.GetStreamSegmentInfo(c, "sc/st/0.#epoch.0"); err == nil {
		t.Fatal("truncated segment still exists")
	}
}
