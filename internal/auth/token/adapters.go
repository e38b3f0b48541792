package token

import (
	"errors"
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/server"
)

// ControllerTokens adapts a Signer to the controller's service.Tokens:
// tokens for prn::/scope:<scope>/stream:<stream>.
type ControllerTokens struct {
	Signer *Signer
}

// Issue returns a READ (readUpdate false) or READ_UPDATE token on the
// stream's resource.
func (c ControllerTokens) Issue(scope, stream string, readUpdate bool) (string, error) {
	if c.Signer == nil {
		return "", ErrNoKey
	}
	perm := Read
	if readUpdate {
		perm = ReadUpdate
	}
	return c.Signer.Issue(Resource(scope, stream), perm)
}

// SegmentStoreVerifier adapts a Verifier to the segment store's
// server.TokenVerifier; its errors wrap server.ErrTokenInvalid or
// server.ErrTokenExpired (and this package's sentinel of the same kind).
type SegmentStoreVerifier struct {
	Verifier *Verifier
}

// Verify checks token for access need on segment.
func (s SegmentStoreVerifier) Verify(token, segment string, need server.Access) error {
	if s.Verifier == nil {
		return fmt.Errorf("%w: no verifier", server.ErrTokenInvalid)
	}
	perm := ReadUpdate
	if need == server.AccessRead {
		perm = Read
	}
	err := s.Verifier.Verify(token, segment, perm)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrTokenExpired):
		return fmt.Errorf("%w: %w", server.ErrTokenExpired, err)
	default:
		return fmt.Errorf("%w: %w", server.ErrTokenInvalid, err)
	}
}

var _ server.TokenVerifier = SegmentStoreVerifier{}
