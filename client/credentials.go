package client

import (
	"context"
	"encoding/base64"
)

// Credentials authenticate the client to the controller. Every controller
// call carries the gRPC header "authorization: <Method()> <Token()>"; the
// controller matches Method against its auth handlers ("Basic" is the
// default password handler). The segment store is authorised by the
// delegation tokens the controller hands out, not by these.
type Credentials interface {
	// Method is the authentication scheme, e.g. "Basic" or "Bearer".
	Method() string
	// Token returns the current token. It is called for every controller
	// call, so a provider can refresh tokens as they expire.
	Token(ctx context.Context) (string, error)
}

// BasicCredentials are a user name and password, sent as
// "Basic base64(user:password)" like the Java DefaultCredentials.
func BasicCredentials(user, password string) Credentials {
	return basic(base64.StdEncoding.EncodeToString([]byte(user + ":" + password)))
}

type basic string

func (basic) Method() string                          { return "Basic" }
func (b basic) Token(context.Context) (string, error) { return string(b), nil }

// TokenCredentials wraps a token provider hook, e.g. one that fetches
// OAuth/Keycloak tokens: method is the scheme ("Bearer").
func TokenCredentials(method string, token func(ctx context.Context) (string, error)) Credentials {
	return hookCreds{method: method, token: token}
}

type hookCreds struct {
	method string
	token  func(ctx context.Context) (string, error)
}

func (h hookCreds) Method() string                            { return h.method }
func (h hookCreds) Token(ctx context.Context) (string, error) { return h.token(ctx) }

// perRPC adapts Credentials to grpc.PerRPCCredentials.
type perRPC struct {
	creds Credentials
}

func (p perRPC) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	tok, err := p.creds.Token(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]string{"authorization": p.creds.Method() + " " + tok}, nil
}

// RequireTransportSecurity is false so that credentials also work over
// plain tcp:// (as with the Java client); use TLS in production.
func (p perRPC) RequireTransportSecurity() bool { return false }
