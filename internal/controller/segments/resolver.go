package segments

// Resolver maps a segment container to the "host:port" of the segment
// store that owns it.
type Resolver interface {
	Endpoint(container int) (string, error)
}

// Static is the single-node Resolver: every container lives at one address.
type Static string

// Endpoint returns the address for every container.
func (s Static) Endpoint(int) (string, error) { return string(s), nil }
