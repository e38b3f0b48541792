package controller_test

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
)

func TestTransactionRPCs(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	_, err := h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 30000})
	wantCode(t, err, codes.NotFound)
	h.mustStream("sc", "st", 2)
	_, err = h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 5})
	wantCode(t, err, codes.InvalidArgument)

	// Move to epoch 1 so that generalized ids are visible.
	if r, _ := h.c.Scale(c, &pb.ScaleRequest{StreamInfo: si("sc", "st"), SealedSegments: []int64{1},
		NewKeyRanges: []*pb.ScaleRequest_KeyRangeEntry{{Start: .5, End: 1}}}); r.Status != pb.ScaleResponse_STARTED {
		t.Fatal(r.Status)
	}
	waitUntil(t, "scale", func() bool {
		st, _ := h.c.CheckScale(c, &pb.ScaleStatusRequest{StreamInfo: si("sc", "st"), Epoch: 0})
		return st.GetStatus() == pb.ScaleStatusResponse_SUCCESS
	})
	r, err := h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 30000})
	if err != nil {
		t.Fatal(err)
	}
	if int32(r.TxnId.HighBits>>32) != 1 {
		t.Fatalf("txn epoch %d", r.TxnId.HighBits>>32)
	}
	want := []int64{naming.SegmentID(1, 0), naming.SegmentID(1, 2)}
	for i, s := range r.ActiveSegments {
		if s.SegmentId.SegmentId != want[i] {
			t.Fatalf("active segment %d id %x, want %x", i, s.SegmentId.SegmentId, want[i])
		}
		id := naming.UUIDFromInt64s(r.TxnId.HighBits, r.TxnId.LowBits)
		name := naming.TransactionName(naming.QualifiedName("sc", "st", s.SegmentId.SegmentId), id)
		if _, err := h.ss.GetStreamSegmentInfo(c, name); err != nil {
			t.Fatalf("txn segment %s: %v", name, err)
		}
	}
	req := &pb.TxnRequest{StreamInfo: si("sc", "st"), TxnId: r.TxnId}
	state := func() pb.TxnState_State {
		s, err := h.c.CheckTransactionState(c, req)
		if err != nil {
			t.Fatal(err)
		}
		return s.State
	}
	if state() != pb.TxnState_OPEN {
		t.Fatal(state())
	}
	ping := func(lease int64) pb.PingTxnStatus_Status {
		p, err := h.c.PingTransaction(c, &pb.PingTxnRequest{StreamInfo: si("sc", "st"), TxnId: r.TxnId, Lease: lease})
		if err != nil {
			t.Fatal(err)
		}
		return p.Status
	}
	if ping(20000) != pb.PingTxnStatus_OK || ping(700000) != pb.PingTxnStatus_LEASE_TOO_LARGE {
		t.Fatal("ping")
	}
	if p, _ := h.c.PingTransaction(c, &pb.PingTxnRequest{StreamInfo: si("sc", "st"), TxnId: &pb.TxnId{LowBits: 999}, Lease: 20000}); p.Status != pb.PingTxnStatus_UNKNOWN {
		t.Fatal(p.Status)
	}
	if s, _ := h.c.CommitTransaction(c, req); s.Status != pb.TxnStatus_SUCCESS {
		t.Fatal(s.Status)
	}
	waitUntil(t, "commit", func() bool { return state() == pb.TxnState_COMMITTED })
	if s, _ := h.c.CommitTransaction(c, req); s.Status != pb.TxnStatus_SUCCESS {
		t.Fatal("commit again", s.Status)
	}
	if s, _ := h.c.AbortTransaction(c, req); s.Status != pb.TxnStatus_FAILURE {
		t.Fatal("abort committed", s.Status)
	}
	if ping(20000) != pb.PingTxnStatus_COMMITTED {
		t.Fatal("ping committed")
	}

	r2, _ := h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 30000})
	req2 := &pb.TxnRequest{StreamInfo: si("sc", "st"), TxnId: r2.TxnId}
	for range 2 {
		if s, _ := h.c.AbortTransaction(c, req2); s.Status != pb.TxnStatus_SUCCESS {
			t.Fatal(s.Status)
		}
	}
	if s, _ := h.c.CommitTransaction(c, req2); s.Status != pb.TxnStatus_FAILURE {
		t.Fatal("commit aborting", s.Status)
	}
	unknown := &pb.TxnRequest{StreamInfo: si("sc", "st"), TxnId: &pb.TxnId{LowBits: 12345}}
	if s, _ := h.c.CommitTransaction(c, unknown); s.Status != pb.TxnStatus_FAILURE {
		t.Fatal(s.Status)
	}
	if s, _ := h.c.CheckTransactionState(c, unknown); s.State != pb.TxnState_UNKNOWN {
		t.Fatal(s.State)
	}
	waitUntil(t, "abort", func() bool {
		s, _ := h.c.CheckTransactionState(c, req2)
		return s.GetState() == pb.TxnState_ABORTED
	})
	done, err := h.c.ListCompletedTransactions(c, &pb.ListCompletedTxnRequest{StreamInfo: si("sc", "st")})
	if err != nil || len(done.Response) != 2 {
		t.Fatalf("completed %v %v", done, err)
	}
	_, err = h.c.CommitTransaction(c, &pb.TxnRequest{StreamInfo: si("sc", "st")})
	wantCode(t, err, codes.InvalidArgument)

	// Sealing aborts open transactions; creating on a sealed stream fails.
	r3, _ := h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 30000})
	if s, _ := h.c.SealStream(c, si("sc", "st")); s.Status != pb.UpdateStreamStatus_SUCCESS {
		t.Fatal(s.Status)
	}
	if s, _ := h.c.CheckTransactionState(c, &pb.TxnRequest{StreamInfo: si("sc", "st"), TxnId: r3.TxnId}); s.State != pb.TxnState_ABORTED {
		t.Fatal(s.State)
	}
	_, err = h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 30000})
	wantCode(t, err, codes.FailedPrecondition)
}

// TestCommitSurvivesControllerRestart crashes the controller after the
// first merge of a commit and restarts it on the same store.
func TestCommitSurvivesControllerRestart(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	h.mustStream("sc", "st", 3)
	_ = h.srv.Close()
	crashed := make(chan struct{})
	h.start(func(p string) error {
		if p == "commit.merged" {
			close(crashed)
			return workflow.ErrCrash
		}
		return nil
	})
	r, err := h.c.CreateTransaction(c, &pb.CreateTxnRequest{StreamInfo: si("sc", "st"), Lease: 30000})
	if err != nil {
		t.Fatal(err)
	}
	req := &pb.TxnRequest{StreamInfo: si("sc", "st"), TxnId: r.TxnId}
	if s, _ := h.c.CommitTransaction(c, req); s.Status != pb.TxnStatus_SUCCESS {
		t.Fatal(s.Status)
	}
	<-crashed
	_ = h.srv.Close()
	h.start(nil)
	waitUntil(t, "commit after restart", func() bool {
		s, err := h.c.CheckTransactionState(c, req)
		return err == nil && s.State == pb.TxnState_COMMITTED
	})
	id := naming.UUIDFromInt64s(r.TxnId.HighBits, r.TxnId.LowBits)
	for _, s := range r.ActiveSegments {
		name := naming.TransactionName(naming.QualifiedName("sc", "st", s.SegmentId.SegmentId), id)
		if _, err := h.ss.GetStreamSegmentInfo(c, name); !errors.Is(err, segments.ErrNoSuchSegment) {
			t.Fatalf("txn segment %s survived the commit", name)
		}
	}
}
