package token

import "fmt"

// Permission is the access a delegation-token claim grants on a resource.
type Permission int

// Permissions, in increasing order of access (Java AuthHandler.Permissions).
const (
	None Permission = iota
	Read
	ReadUpdate
)

// String returns the claim value: "NONE", "READ" or "READ_UPDATE".
func (p Permission) String() string {
	switch p {
	case None:
		return "NONE"
	case Read:
		return "READ"
	case ReadUpdate:
		return "READ_UPDATE"
	}
	return fmt.Sprintf("Permission(%d)", int(p))
}

// ParsePermission parses a claim value; ok is false for anything but
// "NONE", "READ" and "READ_UPDATE".
func ParsePermission(s string) (p Permission, ok bool) {
	switch s {
	case "NONE":
		return None, true
	case "READ":
		return Read, true
	case "READ_UPDATE":
		return ReadUpdate, true
	}
	return None, false
}

// Resource returns the claim key for a stream: prn::/scope:<scope>/stream:<stream>.
func Resource(scope, stream string) string {
	return "prn::/scope:" + scope + "/stream:" + stream
}

// AllResources is the claim key of internal tokens; it matches every segment.
const AllResources = "*"
