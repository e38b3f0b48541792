package controller_test

import (
	"slices"
	"testing"

	"google.golang.org/grpc/codes"

	pb "github.com/sluicestream/sluice/api/controller"
)

func TestStreamRPCs(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	create := func(cfg *pb.StreamConfig) pb.CreateStreamStatus_Status {
		t.Helper()
		r, err := h.c.CreateStream(c, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}
	if got := create(fixed("sc", "st", 1)); got != pb.CreateStreamStatus_SCOPE_NOT_FOUND {
		t.Fatal(got)
	}
	h.mustStream("sc", "st", 2)
	if got := create(fixed("sc", "st", 2)); got != pb.CreateStreamStatus_STREAM_EXISTS {
		t.Fatal(got)
	}
	if got := create(fixed("sc", "bad/name", 1)); got != pb.CreateStreamStatus_INVALID_STREAM_NAME {
		t.Fatal(got)
	}
	_, err := h.c.CreateStream(c, &pb.StreamConfig{StreamInfo: si("sc", "x")})
	wantCode(t, err, codes.InvalidArgument)
	_, err = h.c.CreateStream(c, fixed("sc", "x", 0))
	wantCode(t, err, codes.InvalidArgument)
	_, err = h.c.CreateStream(c, &pb.StreamConfig{})
	wantCode(t, err, codes.InvalidArgument)

	tagged := fixed("sc", "tagged", 1)
	tagged.Tags = &pb.Tags{Tag: []string{"t1", "t/2"}}
	tagged.RetentionPolicy = &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_SIZE, RetentionParam: 10, RetentionMax: 20}
	tagged.RolloverSizeBytes = 1 << 20
	if got := create(tagged); got != pb.CreateStreamStatus_SUCCESS {
		t.Fatal(got)
	}
	cfg, err := h.c.GetStreamConfiguration(c, si("sc", "tagged"))
	if err != nil || cfg.RetentionPolicy.GetRetentionMax() != 20 || len(cfg.Tags.GetTag()) != 2 ||
		cfg.RolloverSizeBytes != 1<<20 {
		t.Fatalf("config %v %v", cfg, err)
	}
	if cfg, _ := h.c.GetStreamConfiguration(c, si("sc", "st")); cfg.RetentionPolicy != nil || cfg.Tags == nil ||
		cfg.ScalingPolicy.GetMinNumSegments() != 2 {
		t.Fatalf("config %v", cfg)
	}
	_, err = h.c.GetStreamConfiguration(c, si("sc", "nope"))
	wantCode(t, err, codes.NotFound)

	if r, _ := h.c.CheckStreamExists(c, si("sc", "st")); !r.Exists {
		t.Fatal("missing")
	}
	if r, _ := h.c.CheckStreamExists(c, si("sc", "nope")); r.Exists {
		t.Fatal("exists")
	}

	// Listing includes internal streams; tag listing only user streams.
	l, err := h.c.ListStreamsInScope(c, &pb.StreamsInScopeRequest{Scope: &pb.ScopeInfo{Scope: "sc"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range l.Streams {
		names = append(names, s.Stream)
	}
	if !slices.Equal(names, []string{"_MARKst", "_MARKtagged", "st", "tagged"}) || l.ContinuationToken == nil {
		t.Fatalf("streams %v", names)
	}
	l, _ = h.c.ListStreamsInScope(c, &pb.StreamsInScopeRequest{Scope: &pb.ScopeInfo{Scope: "sc"},
		ContinuationToken: l.ContinuationToken})
	if len(l.Streams) != 0 || l.ContinuationToken.GetToken() != "tagged" {
		t.Fatalf("second page %v", l)
	}
	if l, _ := h.c.ListStreamsInScope(c, &pb.StreamsInScopeRequest{Scope: &pb.ScopeInfo{Scope: "nope"}}); l.Status != pb.StreamsInScopeResponse_SCOPE_NOT_FOUND {
		t.Fatal(l.Status)
	}
	byTag, _ := h.c.ListStreamsInScopeForTag(c, &pb.StreamsInScopeWithTagRequest{Scope: &pb.ScopeInfo{Scope: "sc"}, Tag: "t/2"})
	if len(byTag.Streams) != 1 || byTag.Streams[0].Stream != "tagged" {
		t.Fatalf("by tag %v", byTag)
	}

	// Update: tags move, the segment count resets.
	up := fixed("sc", "tagged", 3)
	up.Tags = &pb.Tags{Tag: []string{"t3"}}
	if r, err := h.c.UpdateStream(c, up); err != nil || r.Status != pb.UpdateStreamStatus_SUCCESS {
		t.Fatal(r, err)
	}
	if segs, _ := h.c.GetCurrentSegments(c, si("sc", "tagged")); len(segs.SegmentRanges) != 3 {
		t.Fatalf("segments after update %v", segs)
	}
	if byTag, _ := h.c.ListStreamsInScopeForTag(c, &pb.StreamsInScopeWithTagRequest{Scope: &pb.ScopeInfo{Scope: "sc"}, Tag: "t1"}); len(byTag.Streams) != 0 {
		t.Fatalf("old tag still indexed: %v", byTag)
	}
	if r, _ := h.c.UpdateStream(c, fixed("sc", "nope", 1)); r.Status != pb.UpdateStreamStatus_STREAM_NOT_FOUND {
		t.Fatal(r.Status)
	}

	// Seal, delete.
	if r, _ := h.c.DeleteStream(c, si("sc", "st")); r.Status != pb.DeleteStreamStatus_STREAM_NOT_SEALED {
		t.Fatal(r.Status)
	}
	for range 2 {
		if r, err := h.c.SealStream(c, si("sc", "st")); err != nil || r.Status != pb.UpdateStreamStatus_SUCCESS {
			t.Fatal(r, err)
		}
	}
	if r, _ := h.c.SealStream(c, si("sc", "nope")); r.Status != pb.UpdateStreamStatus_STREAM_NOT_FOUND {
		t.Fatal(r.Status)
	}
	if segs, err := h.c.GetCurrentSegments(c, si("sc", "st")); err != nil || len(segs.SegmentRanges) != 0 {
		t.Fatalf("sealed stream segments %v %v", segs, err)
	}
	if r, _ := h.c.UpdateStream(c, fixed("sc", "st", 1)); r.Status != pb.UpdateStreamStatus_STREAM_SEALED {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.TruncateStream(c, &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: map[int64]int64{0: 0, 1: 0}}); r.Status != pb.UpdateStreamStatus_STREAM_SEALED {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.DeleteStream(c, si("sc", "st")); r.Status != pb.DeleteStreamStatus_SUCCESS {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.DeleteStream(c, si("sc", "st")); r.Status != pb.DeleteStreamStatus_STREAM_NOT_FOUND {
		t.Fatal(r.Status)
	}
	_, err = h.c.SealStream(c, &pb.StreamInfo{})
	wantCode(t, err, codes.InvalidArgument)
}
