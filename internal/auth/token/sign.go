package token

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Claim values every token carries.
const (
	Subject  = "segmentstoreresource"
	Audience = "segmentstore"
)

// DefaultTTL is the token lifetime when Signer.TTL is not positive (Java's
// controller.security.auth.delegationToken.ttl.seconds default).
const DefaultTTL = 600 * time.Second

// InternalTTL is the lifetime of internal tokens: long enough never to
// expire in practice, short enough for exp to stay a sane number.
const InternalTTL = 100 * 365 * 24 * time.Hour

// header is the encoded JWS header {"alg":"HS512"}.
var header = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS512"}`))

// Issue failures.
var (
	ErrNoKey           = errors.New("delegation token: no signing key")
	ErrBadPermission   = errors.New("delegation token: permission must be READ or READ_UPDATE")
	ErrReservedClaim   = errors.New("delegation token: resource collides with a registered claim")
	ErrUnsafeEncoding  = errors.New("delegation token: payload is not standard-base64 safe")
	ErrBadResource     = errors.New("delegation token: resource is not valid UTF-8")
	errResourceMissing = errors.New("delegation token: empty resource")
)

// Signer issues delegation tokens. Key is the HMAC-SHA512 key (the raw
// bytes of the signing-key basis shared with the segment stores); TTL is the
// token lifetime (DefaultTTL when not positive); Now is the clock (time.Now
// when nil). A Signer is safe for concurrent use.
type Signer struct {
	Key []byte
	TTL time.Duration
	Now func() time.Time
}

// Issue returns a token granting perm on resource (see Resource), valid for
// the Signer's TTL.
func (s Signer) Issue(resource string, perm Permission) (string, error) {
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return s.issue(resource, perm, ttl)
}

// IssueInternal returns a READ_UPDATE token on every segment ("*") for the
// controller's own segment-store calls; it expires after InternalTTL.
func (s Signer) IssueInternal() (string, error) {
	return s.issue(AllResources, ReadUpdate, InternalTTL)
}

func (s Signer) issue(resource string, perm Permission, ttl time.Duration) (string, error) {
	if len(s.Key) == 0 {
		return "", ErrNoKey
	}
	if perm != Read && perm != ReadUpdate {
		return "", fmt.Errorf("issue token for %q with %v: %w", resource, perm, ErrBadPermission)
	}
	if resource == "" {
		return "", errResourceMissing
	}
	if !utf8.ValidString(resource) {
		return "", fmt.Errorf("issue token for %q: %w", resource, ErrBadResource)
	}
	if registered[resource] {
		return "", fmt.Errorf("issue token for %q: %w", resource, ErrReservedClaim)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	iat := now().Unix()
	exp := iat + int64(ttl/time.Second)

	payload := base64.RawURLEncoding.EncodeToString(claims(resource, perm, iat, exp))
	if strings.ContainsAny(payload, "-_") {
		// Unreachable by construction (see doc.go); refuse rather than
		// issue a token the clients cannot decode.
		return "", fmt.Errorf("issue token for %q: %w", resource, ErrUnsafeEncoding)
	}
	signed := header + "." + payload
	return signed + "." + base64.RawURLEncoding.EncodeToString(sign(s.Key, signed)), nil
}

// sign returns HMAC-SHA512(key, signed).
func sign(key []byte, signed string) []byte {
	m := hmac.New(sha512.New, key)
	m.Write([]byte(signed))
	return m.Sum(nil)
}

// claims writes the payload JSON; every string goes through appendString
// so the result is standard-base64 safe.
func claims(resource string, perm Permission, iat, exp int64) []byte {
	b := make([]byte, 0, 128+len(resource))
	b = append(b, `{"sub":"`+Subject+`","aud":"`+Audience+`","iat":`...)
	b = strconv.AppendInt(b, iat, 10)
	b = append(b, `,"exp":`...)
	b = strconv.AppendInt(b, exp, 10)
	b = append(b, ',')
	b = appendString(b, resource)
	b = append(b, ':')
	b = appendString(b, perm.String())
	return append(b, '}')
}

// appendString appends s as a JSON string, escaping every character that
// could put '-' or '_' into the base64url encoding at some offset: control
// and non-ASCII characters and '>', '?', '~', DEL. The output is ASCII and
// contains none of those four bytes. Invalid UTF-8 becomes U+FFFD (Issue
// rejects it beforehand).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r == '>' || r == '?' || r == '~' || r == 0x7f:
			b = u(b, r)
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			b = u(u(b, r1), r2)
		default:
			b = u(b, r)
		}
	}
	return append(b, '"')
}
