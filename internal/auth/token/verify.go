package token

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Verify failures. Every failure wraps exactly one of them.
var (
	ErrTokenInvalid = errors.New("delegation token invalid")
	ErrTokenExpired = errors.New("delegation token expired")
)

// registered are JWT claims that are not resource grants.
var registered = map[string]bool{
	"sub": true, "aud": true, "iat": true, "exp": true,
	"nbf": true, "iss": true, "jti": true,
}

// Verifier checks delegation tokens the way a segment store does. Key must
// equal the controller's signing key; Now is the clock (time.Now when nil).
// A Verifier is safe for concurrent use.
type Verifier struct {
	Key []byte
	Now func() time.Time
}

// Verify checks that token is validly signed, unexpired, and grants at
// least need on segment. It returns nil or an error wrapping
// ErrTokenInvalid or ErrTokenExpired.
func (v Verifier) Verify(token, segment string, need Permission) error {
	grants, err := v.parse(token)
	if err != nil {
		return err
	}
	for key, perm := range grants {
		if perm >= need && matches(normalise(key), segment) {
			return nil
		}
	}
	return invalidf("no claim grants %v on segment %q", need, segment)
}

// parse checks the token's header, signature and expiry and returns its
// resource claims.
func (v Verifier) parse(token string) (map[string]Permission, error) {
	if len(v.Key) == 0 {
		return nil, invalidf("no verification key")
	}
	h, rest, ok := strings.Cut(token, ".")
	p, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.Contains(sig, ".") {
		return nil, invalidf("not a compact JWS (want 3 parts)")
	}
	hdr, err := decode(h)
	if err != nil {
		return nil, invalidf("header: %v", err)
	}
	var alg struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(hdr, &alg); err != nil {
		return nil, invalidf("header: %v", err)
	}
	if alg.Alg != "HS512" {
		return nil, invalidf("algorithm %q, want HS512", alg.Alg)
	}
	mac, err := decode(sig)
	if err != nil {
		return nil, invalidf("signature: %v", err)
	}
	if !hmac.Equal(mac, sign(v.Key, token[:len(h)+1+len(p)])) {
		return nil, invalidf("bad signature")
	}
	body, err := decode(p)
	if err != nil {
		return nil, invalidf("payload: %v", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, invalidf("payload: %v", err)
	}
	if e, ok := raw["exp"]; ok {
		exp, err := seconds(e)
		if err != nil {
			return nil, invalidf("exp: %v", err)
		}
		now := time.Now
		if v.Now != nil {
			now = v.Now
		}
		if t := now(); t.After(exp) {
			return nil, fmt.Errorf("%w: expired at %s", ErrTokenExpired, exp.UTC().Format(time.RFC3339))
		}
	}
	grants := make(map[string]Permission, 1)
	for k, val := range raw {
		if registered[k] {
			continue
		}
		var s string
		if json.Unmarshal(val, &s) != nil {
			continue // not a permission: grants nothing
		}
		if perm, ok := ParsePermission(s); ok {
			grants[k] = perm
		}
	}
	return grants, nil
}

// decode decodes a base64url part; padding and the standard alphabet are
// tolerated.
func decode(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// seconds parses a NumericDate (Unix seconds, possibly fractional).
func seconds(raw json.RawMessage) (time.Time, error) {
	s := string(bytes.TrimSpace(raw))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, err
	}
	if math.IsNaN(f) || f > math.MaxInt64/2 || f < math.MinInt64/2 {
		return time.Time{}, errors.New("out of range")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), nil
}

// normalise turns a claim key into a segment-name prefix:
// prn::/scope:s/stream:t → s/t.
func normalise(key string) string {
	key = strings.ReplaceAll(key, "prn::", "")
	key = strings.ReplaceAll(key, "/scope:", "")
	return strings.ReplaceAll(key, "stream:", "")
}

// kvtSuffix ends the name of a Key-Value Table's segment container stream.
const kvtSuffix = "_kvtable"

// matches reports whether a normalised claim key covers segment.
func matches(key, segment string) bool {
	switch {
	case key == AllResources, segment == key:
		return true
	case strings.HasSuffix(key, "/") && strings.HasPrefix(segment, key):
		return true
	case strings.HasPrefix(segment, key+"/"):
		return true
	case key == "" || strings.HasSuffix(key, "/"):
		return false
	}
	// Sluice addition (doc.go): a KVT token covers the table's segments.
	return segment == key+kvtSuffix || strings.HasPrefix(segment, key+kvtSuffix+"/")
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrTokenInvalid}, args...)...)
}
