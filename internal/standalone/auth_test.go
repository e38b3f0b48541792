package standalone_test

import (
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/segmentstore/sstest"
	"github.com/sluicestream/sluice/internal/standalone"
	"github.com/sluicestream/sluice/internal/wire"
)

// TestAuthTokens: with a signing key, the controller's own calls to the
// segment store carry its internal token, a request without a token is
// refused by the segment store, and a token from getDelegationToken works.
func TestAuthTokens(t *testing.T) {
	n, err := standalone.Start(t.Context(), standalone.Config{
		InMemory: true, ControllerAddress: "127.0.0.1:0", SegmentStoreAddress: "127.0.0.1:0",
		SigningKey: []byte("test-signing-key"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	conn, err := grpc.NewClient(n.ControllerAddr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctl := pb.NewControllerServiceClient(conn)
	ctx := t.Context()
	if r, err := ctl.CreateScope(ctx, &pb.ScopeInfo{Scope: "sec"}); err != nil || r.Status != pb.CreateScopeStatus_SUCCESS {
		t.Fatalf("createScope: %v %v", r, err)
	}
	stream := &pb.StreamInfo{Scope: "sec", Stream: "st"}
	r, err := ctl.CreateStream(ctx, &pb.StreamConfig{StreamInfo: stream,
		ScalingPolicy: &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_FIXED_NUM_SEGMENTS, MinNumSegments: 1}})
	if err != nil || r.Status != pb.CreateStreamStatus_SUCCESS {
		t.Fatalf("createStream with auth on (controller's internal token): %v %v", r, err)
	}
	tok, err := ctl.GetDelegationToken(ctx, &pb.StreamInfo{Scope: "sec", Stream: "st", AccessOperation: pb.StreamInfo_WRITE})
	if err != nil || tok.DelegationToken == "" {
		t.Fatalf("getDelegationToken: %v %v", tok, err)
	}

	c := sstest.Dial(t, n.SegmentStoreAddr().String())
	seg := "sec/st/0.#epoch.0"
	c.Send(&wire.GetStreamSegmentInfo{RequestID: 1, SegmentName: seg})
	if r := sstest.Expect[*wire.AuthTokenCheckFailed](c); r.RequestID != 1 || r.ErrorCode != wire.AuthErrorTokenCheckFailed {
		t.Fatalf("request without a token: %+v", r)
	}
	c.Send(&wire.GetStreamSegmentInfo{RequestID: 2, SegmentName: seg, Token: tok.DelegationToken})
	if r := sstest.Expect[*wire.StreamSegmentInfo](c); r.RequestID != 2 {
		t.Fatalf("request with a token: %+v", r)
	}
	c.Send(&wire.GetStreamSegmentInfo{RequestID: 3, SegmentName: "sec/other/0.#epoch.0", Token: tok.DelegationToken})
	sstest.Expect[*wire.AuthTokenCheckFailed](c)
}
