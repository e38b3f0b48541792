package client

import (
	"context"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
)

// tokens caches delegation tokens per stream and access mode. The segment
// store checks them on every request; the controller issues them. Like the
// Java and Rust clients we read "exp" from the JWT payload (standard base64,
// searched with a regular expression, no signature check) and fetch a new
// token 5 s before it expires or after the segment store reports it expired.
type tokens struct {
	ctl *controller
	mu  sync.Mutex
	m   map[tokenKey]tokenEntry
}

type tokenKey struct {
	scope, stream string
	op            pb.StreamInfo_AccessOperation
}

type tokenEntry struct {
	token   string
	refresh time.Time // zero: never expires
}

func newTokens(ctl *controller) *tokens {
	return &tokens{ctl: ctl, m: make(map[tokenKey]tokenEntry)}
}

func (t *tokens) get(ctx context.Context, scope, stream string, write bool) (string, error) {
	op := pb.StreamInfo_READ
	if write {
		op = pb.StreamInfo_WRITE
	}
	return t.getOp(ctx, scope, stream, op)
}

// getOp returns a token for the access operation op: READ and WRITE for
// stream data, UNSPECIFIED (READ_UPDATE, as the Rust client asks) for the
// table segments of reader groups.
func (t *tokens) getOp(ctx context.Context, scope, stream string, op pb.StreamInfo_AccessOperation) (string, error) {
	k := tokenKey{scope, stream, op}
	t.mu.Lock()
	e, ok := t.m[k]
	t.mu.Unlock()
	if ok && (e.refresh.IsZero() || time.Now().Before(e.refresh)) {
		return e.token, nil
	}
	tok, err := t.ctl.delegationToken(ctx, scope, stream, op)
	if err != nil {
		return "", err
	}
	e = tokenEntry{token: tok}
	if exp, ok := tokenExpiry(tok); ok {
		e.refresh = exp.Add(-5 * time.Second)
	}
	t.mu.Lock()
	t.m[k] = e
	t.mu.Unlock()
	return tok, nil
}

// invalidate drops a token the segment store refused.
func (t *tokens) invalidate(scope, stream string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.m {
		if k.scope == scope && k.stream == stream {
			delete(t.m, k)
		}
	}
}

var expClaim = regexp.MustCompile(`"exp":\s?(\d+)`)

// tokenExpiry reads the exp claim of a JWT ("" and opaque tokens: none).
func tokenExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil {
		if payload, err = base64.RawStdEncoding.DecodeString(parts[1]); err != nil {
			if payload, err = base64.RawURLEncoding.DecodeString(parts[1]); err != nil {
				return time.Time{}, false
			}
		}
	}
	m := expClaim.FindSubmatch(payload)
	if m == nil {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, 0), true
}
