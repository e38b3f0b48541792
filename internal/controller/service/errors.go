package service

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// isNotFound reports whether err is a gRPC NOT_FOUND status.
func isNotFound(err error) bool { return status.Code(err) == codes.NotFound }
