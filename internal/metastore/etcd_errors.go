package metastore

import (
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// etcdErr translates the etcd client errors callers branch on into this
// package's sentinels, keeping the original in the chain. Others (context
// errors, unavailability) pass through unchanged.
func etcdErr(err error) error {
	switch {
	case errors.Is(err, rpctypes.ErrLeaseNotFound):
		return fmt.Errorf("%w: %w", ErrLeaseNotFound, err)
	case errors.Is(err, rpctypes.ErrCompacted):
		return fmt.Errorf("%w: %w", ErrCompacted, err)
	case errors.Is(err, rpctypes.ErrEmptyKey),
		errors.Is(err, rpctypes.ErrTooManyOps),
		errors.Is(err, rpctypes.ErrDuplicateKey):
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return err
}
