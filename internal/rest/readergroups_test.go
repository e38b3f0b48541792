package rest_test

import (
	"net/http"
	"slices"
	"testing"

	pb "github.com/sluicestream/sluice/api/controller"
)

func TestReaderGroups(t *testing.T) {
	e := newEnv(t)
	e.mustScope("sc")
	e.mustStream("sc", "in", 1)
	var list struct {
		ReaderGroups []struct {
			ReaderGroupName string `json:"readerGroupName"`
		} `json:"readerGroups"`
	}
	e.expect("GET", "/scopes/sc/readergroups", "", http.StatusOK, &list)
	if list.ReaderGroups == nil || len(list.ReaderGroups) != 0 {
		t.Fatalf("no groups yet: %+v", list)
	}

	// What a client does to make a group: its state stream, then the group.
	ctx := e.ctx()
	if r, err := e.grpc.CreateStream(ctx, &pb.StreamConfig{StreamInfo: &pb.StreamInfo{Scope: "sc", Stream: "_RGgroup1"},
		ScalingPolicy: &pb.ScalingPolicy{MinNumSegments: 1}}); err != nil || r.Status != pb.CreateStreamStatus_SUCCESS {
		t.Fatalf("create state stream: %v %v", r, err)
	}
	in := &pb.StreamInfo{Scope: "sc", Stream: "in"}
	rg, err := e.grpc.CreateReaderGroup(ctx, &pb.ReaderGroupConfiguration{Scope: "sc", ReaderGroupName: "group1",
		StartingStreamCuts: []*pb.StreamCut{{StreamInfo: in}}, EndingStreamCuts: []*pb.StreamCut{{StreamInfo: in}}})
	if err != nil || rg.Status != pb.CreateReaderGroupResponse_SUCCESS {
		t.Fatalf("create reader group: %v %v", rg, err)
	}

	e.expect("GET", "/scopes/sc/readergroups", "", http.StatusOK, &list)
	if len(list.ReaderGroups) != 1 || list.ReaderGroups[0].ReaderGroupName != "group1" {
		t.Fatalf("groups %+v", list)
	}
	var got struct {
		ScopeName       string   `json:"scopeName"`
		ReaderGroupName string   `json:"readerGroupName"`
		ReaderGroupID   string   `json:"readerGroupId"`
		StreamList      []string `json:"streamList"`
		OnlineReaderIDs []string `json:"onlineReaderIds"`
	}
	e.expect("GET", "/scopes/sc/readergroups/group1", "", http.StatusOK, &got)
	if got.ScopeName != "sc" || got.ReaderGroupName != "group1" || got.ReaderGroupID != rg.Config.ReaderGroupId ||
		!slices.Equal(got.StreamList, []string{"sc/in"}) || got.OnlineReaderIDs == nil {
		t.Fatalf("group %+v", got)
	}
	e.expectError("GET", "/scopes/sc/readergroups/nope", "", http.StatusNotFound, "reader group sc/nope not found")
	e.expectError("GET", "/scopes/nope/readergroups", "", http.StatusNotFound, `scope "nope" not found`)
}
