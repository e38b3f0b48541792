package service

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/store"
	"github.com/sluicestream/sluice/internal/controller/workflow"
	"github.com/sluicestream/sluice/internal/naming"
)

// Transactions: createTransaction, pingTransaction, commitTransaction,
// abortTransaction, checkTransactionState, listCompletedTransactions
// (controller-api §2.8).

func txnID(id *pb.TxnId) naming.UUID {
	return naming.UUIDFromInt64s(id.GetHighBits(), id.GetLowBits())
}

// CreateTransaction implements createTransaction. The reply's segments
// carry generalized ids (parent number, txn epoch).
func (s *Service) CreateTransaction(ctx context.Context, req *pb.CreateTxnRequest) (*pb.CreateTxnResponse, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	rec, segs, err := s.e.CreateTxn(ctx, scope, stream, time.Duration(req.GetLease())*time.Millisecond)
	switch {
	case errors.Is(err, workflow.ErrLeaseOutOfRange):
		return nil, invalid("lease %d ms: %v", req.GetLease(), err)
	case errors.Is(err, workflow.ErrStreamNotFound):
		return nil, notFound("stream %s/%s not found", scope, stream)
	case errors.Is(err, workflow.ErrStreamSealed):
		return nil, status.Errorf(codes.FailedPrecondition, "stream %s/%s is sealed", scope, stream)
	case err != nil:
		return nil, s.internal("create transaction", err)
	}
	out := &pb.CreateTxnResponse{TxnId: &pb.TxnId{HighBits: int64(rec.MSB), LowBits: int64(rec.LSB)}}
	for _, seg := range segs {
		out.ActiveSegments = append(out.ActiveSegments,
			segmentRange(scope, stream, seg, naming.SegmentID(rec.Epoch, seg.Number())))
	}
	if out.DelegationToken, err = s.token(scope, stream, true); err != nil {
		return nil, err
	}
	return out, nil
}

// PingTransaction implements pingTransaction.
func (s *Service) PingTransaction(ctx context.Context, req *pb.PingTxnRequest) (*pb.PingTxnStatus, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	if req.GetTxnId() == nil {
		return nil, invalid("txnId is required")
	}
	st, err := s.e.PingTxn(ctx, scope, stream, txnID(req.GetTxnId()), time.Duration(req.GetLease())*time.Millisecond)
	if err != nil {
		return nil, s.internal("ping transaction", err)
	}
	return &pb.PingTxnStatus{Status: pb.PingTxnStatus_Status(st)}, nil
}

func (s *Service) txnStatus(op string, err error) (*pb.TxnStatus, error) {
	switch {
	case err == nil:
		return &pb.TxnStatus{Status: pb.TxnStatus_SUCCESS}, nil
	case errors.Is(err, workflow.ErrTxnNotFound), errors.Is(err, workflow.ErrTxnWrongState):
		return &pb.TxnStatus{Status: pb.TxnStatus_FAILURE}, nil
	}
	return nil, s.internal(op, err)
}

// CommitTransaction implements commitTransaction: SUCCESS once the commit is
// recorded; the merge runs on.
func (s *Service) CommitTransaction(ctx context.Context, req *pb.TxnRequest) (*pb.TxnStatus, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	if req.GetTxnId() == nil {
		return nil, invalid("txnId is required")
	}
	return s.txnStatus("commit transaction",
		s.e.CommitTxn(ctx, scope, stream, txnID(req.GetTxnId()), req.GetWriterId(), req.GetTimestamp()))
}

// AbortTransaction implements abortTransaction.
func (s *Service) AbortTransaction(ctx context.Context, req *pb.TxnRequest) (*pb.TxnStatus, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	if req.GetTxnId() == nil {
		return nil, invalid("txnId is required")
	}
	return s.txnStatus("abort transaction", s.e.AbortTxn(ctx, scope, stream, txnID(req.GetTxnId())))
}

var txnStates = map[store.TxnState]pb.TxnState_State{
	store.TxnOpen: pb.TxnState_OPEN, store.TxnCommitting: pb.TxnState_COMMITTING,
	store.TxnCommitted: pb.TxnState_COMMITTED, store.TxnAborting: pb.TxnState_ABORTING,
	store.TxnAborted: pb.TxnState_ABORTED,
}

// CheckTransactionState implements checkTransactionState.
func (s *Service) CheckTransactionState(ctx context.Context, req *pb.TxnRequest) (*pb.TxnState, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	if req.GetTxnId() == nil {
		return nil, invalid("txnId is required")
	}
	st, err := s.e.TxnState(ctx, scope, stream, txnID(req.GetTxnId()))
	if err != nil {
		return nil, s.internal("check transaction", err)
	}
	return &pb.TxnState{State: txnStates[st]}, nil
}

// ListCompletedTransactions implements listCompletedTransactions.
func (s *Service) ListCompletedTransactions(ctx context.Context, req *pb.ListCompletedTxnRequest) (*pb.ListCompletedTxnResponse, error) {
	scope, stream, err := streamOf(req.GetStreamInfo())
	if err != nil {
		return nil, err
	}
	done, err := s.e.ListCompletedTxns(ctx, scope, stream)
	if err != nil {
		return nil, s.internal("list completed transactions", err)
	}
	out := &pb.ListCompletedTxnResponse{}
	for _, c := range done {
		st := pb.TxnResponse_COMMITTED
		if c.State == store.TxnAborted {
			st = pb.TxnResponse_ABORTED
		}
		out.Response = append(out.Response, &pb.TxnResponse{
			TxnId: &pb.TxnId{HighBits: int64(c.MSB), LowBits: int64(c.LSB)}, Status: st})
	}
	return out, nil
}
