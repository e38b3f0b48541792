// Package driver is the harness's view of a system under test: start the
// server as its own process (so its CPU and memory can be read from /proc),
// create streams, write events and be told when each is acknowledged, and
// read them back. One file per system implements it with that system's own
// client.
package driver

import (
	"context"
	"encoding/binary"
	"errors"
	"time"
)

// ErrUnsupported is returned for a feature a system (or its client) lacks,
// such as transactions in the Sluice Go client.
var ErrUnsupported = errors.New("not supported by this system's driver")

// System is a configured system: Sluice, a peer, and its durability mode.
type System interface {
	// Name identifies the system and mode in reports, e.g. "nats-sync-always".
	Name() string
	// Durability says when the system acknowledges a write, e.g. "fsync before ack".
	Durability() string
	// Start runs a fresh server with its data under dir.
	Start(ctx context.Context, dir string) (Server, error)
}

// Server is a running server process.
type Server interface {
	// PID is the server process whose CPU and RSS are measured.
	PID() int
	// Connect opens a client.
	Connect(ctx context.Context) (Client, error)
	// Kill sends SIGKILL and waits for the process to end.
	Kill() error
	// Restart starts the server again on the same data after Kill.
	Restart(ctx context.Context) error
	// Stop ends the server and frees its resources.
	Stop(ctx context.Context) error
}

// MultiProcess is implemented by servers made of several processes (real
// Pravega with ZooKeeper and BookKeeper). The harness then counts the CPU
// time and RSS of all of them as the server's; PID stays the one process
// it waits on to settle.
type MultiProcess interface {
	PIDs() []int
}

// Client is one connection of an application to the system.
type Client interface {
	// CreateStream creates a stream of the given number of segments
	// (partitions, subjects).
	CreateStream(ctx context.Context, name string, segments int) error
	// NewWriter opens a writer on a stream.
	NewWriter(ctx context.Context, stream string, o WriterOptions) (Writer, error)
	// NewReaders opens a group of n readers that share the stream's
	// segments, reading from the beginning.
	NewReaders(ctx context.Context, stream string, n int) ([]Reader, error)
	Close() error
}

// WriterOptions configures a writer.
type WriterOptions struct {
	// ExactlyOnce asks for idempotent (deduplicated) writes; drivers whose
	// protocol is always idempotent ignore false and say so in Notes.
	ExactlyOnce bool
	// Segments is the stream's segment count (drivers that route keys
	// themselves need it).
	Segments int
	// TxnEvents > 0 groups every TxnEvents writes into a transaction.
	TxnEvents int
	// OnAck is called once per event when the system acknowledged it (err
	// nil) or failed it, from any goroutine.
	OnAck func(m Meta, err error)
}

// Writer writes events. Write may block (flow control); the caller measures
// latency from the intended send time, so blocking shows as latency.
type Writer interface {
	Write(ctx context.Context, key string, payload []byte) error
	// Close waits for outstanding acknowledgements (until ctx ends) and
	// closes the writer.
	Close(ctx context.Context) error
}

// Reader reads events until ctx ends, calling fn with each payload.
type Reader interface {
	Run(ctx context.Context, fn func(payload []byte)) error
}

// Meta is what each payload carries in its first MetaSize bytes: the time
// the event was meant to be sent (Unix nanoseconds) and its sequence number.
type Meta struct {
	Intended int64
	Seq      uint64
}

// MetaSize is the size of the header every payload starts with.
const MetaSize = 16

// PutMeta writes m into the start of payload (len >= MetaSize).
func PutMeta(payload []byte, m Meta) {
	binary.BigEndian.PutUint64(payload[0:8], uint64(m.Intended))
	binary.BigEndian.PutUint64(payload[8:16], m.Seq)
}

// ParseMeta reads the header of payload; ok is false when it is too short.
func ParseMeta(payload []byte) (m Meta, ok bool) {
	if len(payload) < MetaSize {
		return Meta{}, false
	}
	return Meta{Intended: int64(binary.BigEndian.Uint64(payload[0:8])), Seq: binary.BigEndian.Uint64(payload[8:16])}, true
}

// IntendedTime is m.Intended as a time.
func (m Meta) IntendedTime() time.Time { return time.Unix(0, m.Intended) }

// Notes is implemented by systems that have caveats a report must print.
type Notes interface {
	Notes() []string
}
