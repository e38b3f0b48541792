package client

import (
	"fmt"
	"net"
	"strings"
)

// controllerURI is a parsed controller URI.
type controllerURI struct {
	hosts []string // host:port
	tls   bool
}

// parseControllerURI accepts what the Java and Rust clients accept:
// tcp://host:port (plain), tls://, ssl:// and tcps:// (TLS), pravega:// and
// pravegas:// (the same, plain or TLS; discovery through
// getControllerServerList is not done), and a bare host:port (plain).
// Several hosts may be given separated by commas; the port defaults to 9090.
func parseControllerURI(s string) (controllerURI, error) {
	var u controllerURI
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "tcp", s
	}
	switch strings.ToLower(scheme) {
	case "tcp", "pravega":
	case "tls", "ssl", "tcps", "pravegas":
		u.tls = true
	default:
		return u, fmt.Errorf("%w: controller URI %q: unknown scheme %q", ErrInvalidArgument, s, scheme)
	}
	rest = strings.TrimSuffix(rest, "/")
	for h := range strings.SplitSeq(rest, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(strings.Trim(h, "[]"), "9090")
		}
		u.hosts = append(u.hosts, h)
	}
	if len(u.hosts) == 0 {
		return u, fmt.Errorf("%w: controller URI %q has no host", ErrInvalidArgument, s)
	}
	return u, nil
}
