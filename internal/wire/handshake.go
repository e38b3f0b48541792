package wire

import "fmt"

// Handshake and liveness: Hello (-127) and KeepAlive (100), all versions.
// Hello is the first frame in each direction on every connection; KeepAlive is
// echoed by the server.

// Hello announces the range of protocol versions a peer speaks. It carries no
// requestId (treated as 0).
type Hello struct {
	HighVersion int32 // the peer's own version
	LowVersion  int32 // the oldest version the peer accepts
}

// Type implements Command.
func (*Hello) Type() Type { return TypeHello }

// AppendPayload implements Command.
func (c *Hello) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *Hello) encode(e enc) enc { return e.i32(c.HighVersion).i32(c.LowVersion) }

func (c *Hello) decode(d *dec) {
	c.HighVersion = d.i32("highVersion")
	c.LowVersion = d.i32("lowVersion")
}

// OurHello is the Hello this implementation sends: Hello(Version,
// OldestCompatibleVersion).
func OurHello() *Hello {
	return &Hello{HighVersion: Version, LowVersion: OldestCompatibleVersion}
}

// Negotiate decides whether we can talk to a peer that sent peer. The peer is
// incompatible when the oldest version it accepts is newer than ours or its own
// version is older than the oldest we accept; the error then wraps
// ErrIncompatibleVersion. Otherwise it returns the version in use,
// min(peer.HighVersion, Version). Layouts do not depend on it: we always write
// the latest layouts, as the Java server does.
func Negotiate(peer Hello) (int32, error) {
	if peer.LowVersion > Version || peer.HighVersion < OldestCompatibleVersion {
		return 0, fmt.Errorf("%w: peer speaks %d..%d, we speak %d..%d", ErrIncompatibleVersion,
			peer.LowVersion, peer.HighVersion, OldestCompatibleVersion, Version)
	}
	return min(peer.HighVersion, Version), nil
}

// KeepAlive has an empty payload; its requestId is treated as -1.
type KeepAlive struct{}

// Type implements Command.
func (*KeepAlive) Type() Type { return TypeKeepAlive }

// AppendPayload implements Command.
func (c *KeepAlive) AppendPayload(b []byte) []byte { return b }

func (c *KeepAlive) encode(e enc) enc { return e }
