package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/segments"
	"github.com/sluicestream/sluice/internal/controller/workflow"
)

// PageSize is the number of items per listing page (Java's limit).
const PageSize = 1000

// Tokens issues delegation tokens; nil means auth is off (every token "").
type Tokens interface {
	// Issue returns a token granting READ (readUpdate false) or
	// READ_UPDATE on the stream's resource.
	Issue(scope, stream string, readUpdate bool) (string, error)
}

// Config configures a Service.
type Config struct {
	Engine *workflow.Engine
	// Resolver and ContainerCount place segments for getURI.
	Resolver       segments.Resolver
	ContainerCount int
	// Controllers are the published "host:port" gRPC endpoints of all
	// controllers (getControllerServerList).
	Controllers []string
	Tokens      Tokens
	Logger      *slog.Logger
}

// Service implements pb.ControllerServiceServer.
type Service struct {
	pb.UnimplementedControllerServiceServer
	cfg Config
	e   *workflow.Engine
	log *slog.Logger
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.ContainerCount <= 0 {
		cfg.ContainerCount = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, e: cfg.Engine, log: cfg.Logger}
}

// internal translates an unexpected error into a gRPC status.
func (s *Service) internal(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err).Err()
	}
	if _, ok := status.FromError(err); ok && status.Code(err) != codes.Unknown {
		return err
	}
	s.log.Warn("controller request failed", "op", op, "err", err)
	return status.Errorf(codes.Internal, "%s: %v", op, err)
}

func invalid(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, format, args...)
}

func notFound(format string, args ...any) error {
	return status.Errorf(codes.NotFound, format, args...)
}

// streamOf checks a StreamInfo.
func streamOf(si *pb.StreamInfo) (scope, stream string, err error) {
	if si == nil {
		return "", "", invalid("streamInfo is required")
	}
	if si.GetScope() == "" || si.GetStream() == "" {
		return "", "", invalid("scope and stream names are required")
	}
	return si.GetScope(), si.GetStream(), nil
}

// token issues a delegation token for a stream ("" with auth off).
func (s *Service) token(scope, stream string, readUpdate bool) (string, error) {
	if s.cfg.Tokens == nil {
		return "", nil
	}
	t, err := s.cfg.Tokens.Issue(scope, stream, readUpdate)
	if err != nil {
		return "", s.internal("issue token", err)
	}
	return t, nil
}

// nodeURI splits "host:port".
func nodeURI(addr string) (*pb.NodeUri, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", addr, err)
	}
	p, err := strconv.ParseInt(port, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", addr, err)
	}
	return &pb.NodeUri{Endpoint: host, Port: int32(p)}, nil
}

// page returns the continuation token for a page of names: the last name,
// or the incoming token when the page is empty (never restart a listing).
func page(names []string, in string) *pb.ContinuationToken {
	if len(names) == 0 {
		return &pb.ContinuationToken{Token: in}
	}
	return &pb.ContinuationToken{Token: names[len(names)-1]}
}
