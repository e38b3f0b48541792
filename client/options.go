package client

import (
	"crypto/tls"
	"log/slog"
	"time"
)

// Logger is what the client logs through; *slog.Logger satisfies it. The
// client logs reconnects and recoveries at Warn and protocol detail at Debug.
type Logger interface {
	Debug(msg string, args ...any)
	Warn(msg string, args ...any)
}

// Option configures a Client.
type Option func(*config)

type config struct {
	tls         *tls.Config
	creds       Credentials
	log         Logger
	dialTimeout time.Duration
}

func defaultConfig() config {
	return config{log: slog.New(slog.DiscardHandler), dialTimeout: 5 * time.Second}
}

// WithTLS makes every connection (controller and segment stores) use TLS
// with cfg. A tls:// controller URI without this option uses the system
// roots. The server name defaults to each endpoint's host.
func WithTLS(cfg *tls.Config) Option {
	return func(c *config) { c.tls = cfg.Clone() }
}

// WithCredentials sends creds with every controller call (gRPC header
// "authorization: <method> <token>", as the Java client does).
func WithCredentials(creds Credentials) Option {
	return func(c *config) { c.creds = creds }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l Logger) Option {
	return func(c *config) {
		if l != nil {
			c.log = l
		}
	}
}

// WithDialTimeout bounds connecting to a segment store, including the TLS
// and Hello handshakes (default 5 s, the Java client's connect timeout).
func WithDialTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.dialTimeout = d
		}
	}
}
