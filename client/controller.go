package client

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
)

// controller is the gRPC connection to the controller service. Calls are
// retried with backoff on transient statuses, as the Java client does
// (it retries UNAVAILABLE, INTERNAL, UNKNOWN, ...; never NOT_FOUND,
// INVALID_ARGUMENT, ALREADY_EXISTS or auth failures).
type controller struct {
	cc  *grpc.ClientConn
	rpc pb.ControllerServiceClient
	log Logger
}

const (
	controllerAttempts = 6
	controllerBackoff  = 20 * time.Millisecond
)

func dialController(u controllerURI, cfg *config) (*controller, error) {
	opts := []grpc.DialOption{}
	switch {
	case cfg.tls != nil:
		opts = append(opts, grpc.WithTransportCredentials(credentials.NewTLS(cfg.tls)))
	case u.tls:
		opts = append(opts, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})))
	default:
		opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	if cfg.creds != nil {
		opts = append(opts, grpc.WithPerRPCCredentials(perRPC{creds: cfg.creds}))
	}
	target := "passthrough:///" + u.hosts[0]
	if len(u.hosts) > 1 {
		r := manual.NewBuilderWithScheme("sluice")
		addrs := make([]resolver.Address, len(u.hosts))
		for i, h := range u.hosts {
			addrs[i] = resolver.Address{Addr: h}
		}
		r.InitialState(resolver.State{Addresses: addrs})
		opts = append(opts, grpc.WithResolvers(r),
			grpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"round_robin":{}}]}`))
		target = "sluice:///controllers"
	}
	// gRPC waits 1 s, then longer, before reconnecting to a controller that
	// went away; a restarted node is back within a fraction of that, and
	// every writer and reader that needs the controller waits for it.
	opts = append(opts, grpc.WithConnectParams(grpc.ConnectParams{Backoff: backoff.Config{
		BaseDelay: 50 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second}}))
	cc, err := grpc.NewClient(target, opts...)
	if err != nil {
		return nil, err
	}
	return &controller{cc: cc, rpc: pb.NewControllerServiceClient(cc), log: cfg.log}, nil
}

func (c *controller) close() error { return c.cc.Close() }

// retriable reports whether a failed call may succeed when repeated.
func retriable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Unknown, codes.Internal, codes.Aborted, codes.ResourceExhausted:
		return true
	}
	return false
}

// call runs one RPC with retries; notFound is what NOT_FOUND means here.
func call[T any](ctx context.Context, c *controller, op string, notFound error, fn func(context.Context) (T, error)) (T, error) {
	backoff := controllerBackoff
	for attempt := 1; ; attempt++ {
		v, err := fn(ctx)
		if err == nil {
			return v, nil
		}
		if !retriable(err) || attempt == controllerAttempts || ctx.Err() != nil {
			var zero T
			return zero, controllerError(op, err, notFound)
		}
		c.log.Debug("controller call failed, retrying", "op", op, "attempt", attempt, "err", err)
		if serr := sleep(ctx, backoff); serr != nil {
			var zero T
			return zero, errors.Join(controllerError(op, err, notFound), serr)
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// jittered returns a duration between d/2 and d, so that clients that
// failed together do not retry together.
func jittered(d time.Duration) time.Duration {
	if d < 2 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func streamInfo(scope, stream string) *pb.StreamInfo {
	return &pb.StreamInfo{Scope: scope, Stream: stream}
}

// currentSegments returns the active segments (none for a sealed stream).
func (c *controller) currentSegments(ctx context.Context, scope, stream string) ([]SegmentRange, error) {
	r, err := call(ctx, c, "getCurrentSegments", ErrStreamNotFound, func(ctx context.Context) (*pb.SegmentRanges, error) {
		return c.rpc.GetCurrentSegments(ctx, &pb.StreamInfo{Scope: scope, Stream: stream,
			AccessOperation: pb.StreamInfo_NONE})
	})
	if err != nil {
		return nil, err
	}
	out := make([]SegmentRange, 0, len(r.GetSegmentRanges()))
	for _, sr := range r.GetSegmentRanges() {
		out = append(out, rangeOf(sr))
	}
	return out, nil
}

// successors returns the segments that replaced seg, with their
// predecessors. Empty means seg is still active or the stream was sealed.
func (c *controller) successors(ctx context.Context, seg Segment) ([]Successor, error) {
	r, err := call(ctx, c, "getSegmentsImmediatelyFollowing", ErrStreamNotFound,
		func(ctx context.Context) (*pb.SuccessorResponse, error) {
			return c.rpc.GetSegmentsImmediatelyFollowing(ctx, &pb.SegmentId{
				StreamInfo: streamInfo(seg.Scope, seg.Stream), SegmentId: seg.ID})
		})
	if err != nil {
		return nil, err
	}
	out := make([]Successor, 0, len(r.GetSegments()))
	for _, e := range r.GetSegments() {
		out = append(out, Successor{Range: rangeOf(e.GetSegment()), Predecessors: e.GetValue()})
	}
	return out, nil
}

// endpoint returns the host:port of the segment store owning seg.
func (c *controller) endpoint(ctx context.Context, seg Segment) (string, error) {
	r, err := call(ctx, c, "getURI", nil, func(ctx context.Context) (*pb.NodeUri, error) {
		return c.rpc.GetURI(ctx, &pb.SegmentId{StreamInfo: streamInfo(seg.Scope, seg.Stream), SegmentId: seg.ID})
	})
	if err != nil {
		return "", err
	}
	return joinHostPort(r.GetEndpoint(), r.GetPort()), nil
}

// delegationToken asks for a token for the stream's segments.
func (c *controller) delegationToken(ctx context.Context, scope, stream string, op pb.StreamInfo_AccessOperation) (string, error) {
	r, err := call(ctx, c, "getDelegationToken", ErrStreamNotFound, func(ctx context.Context) (*pb.DelegationToken, error) {
		return c.rpc.GetDelegationToken(ctx, &pb.StreamInfo{Scope: scope, Stream: stream, AccessOperation: op})
	})
	if err != nil {
		return "", err
	}
	return r.GetDelegationToken(), nil
}
