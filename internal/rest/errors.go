package rest

import (
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The boundary's one translation table: every error an endpoint returns is
// a gRPC status, either straight from the controller service or made from a
// reply's status enum next to the call (the outcome functions below), and
// this table alone turns its code into the HTTP status.
var httpStatusOf = map[codes.Code]int{
	codes.InvalidArgument:    http.StatusBadRequest,
	codes.OutOfRange:         http.StatusBadRequest,
	codes.NotFound:           http.StatusNotFound,
	codes.AlreadyExists:      http.StatusConflict,
	codes.Aborted:            http.StatusConflict,
	codes.FailedPrecondition: http.StatusPreconditionFailed,
	codes.Unauthenticated:    http.StatusUnauthorized,
	codes.PermissionDenied:   http.StatusForbidden,
	codes.ResourceExhausted:  http.StatusTooManyRequests,
	codes.Unimplemented:      http.StatusNotImplemented,
	codes.Unavailable:        http.StatusServiceUnavailable,
	codes.Canceled:           http.StatusServiceUnavailable,
	codes.DeadlineExceeded:   http.StatusGatewayTimeout,
	// Internal, Unknown, DataLoss and anything new: 500.
}

func httpStatus(c codes.Code) int {
	if s, ok := httpStatusOf[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Errors made from reply status enums, named for what they mean to a REST
// client; the code picks the HTTP status through the table above.

func notFound(format string, args ...any) error {
	return status.Errorf(codes.NotFound, format, args...)
}

func exists(format string, args ...any) error {
	return status.Errorf(codes.AlreadyExists, format, args...)
}

func precondition(format string, args ...any) error {
	return status.Errorf(codes.FailedPrecondition, format, args...)
}

func busy(format string, args ...any) error {
	return status.Errorf(codes.Aborted, format, args...)
}

func unexpected(format string, args ...any) error {
	return status.Errorf(codes.Internal, format, args...)
}
