// Package sstub is a scriptable fake segment store for controller tests: it
// speaks Hello and answers each request with whatever a handler returns, so
// tests can inject WrongHost, dropped connections or table-segment replies
// that the real segment store does not produce yet.
package sstub

import (
	"net"
	"sync"
	"testing"

	"github.com/sluicestream/sluice/internal/wire"
)

// Handler answers one request; a nil reply closes the connection.
type Handler func(req wire.Command) wire.Command

// Server is a running stub.
type Server struct {
	ln      net.Listener
	handler Handler
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
}

// Start listens on 127.0.0.1:0; the test's cleanup stops it.
func Start(t testing.TB, h Handler) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, handler: h, conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// Addr is the listen address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the listener and all connections.
func (s *Server) Close() {
	_ = s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[nc] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(nc)
	}
}

func (s *Server) serve(nc net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
		_ = nc.Close()
	}()
	fr := wire.NewFrameReader(nc, 4096)
	var buf []byte
	for {
		cmd, err := fr.ReadCommand()
		if err != nil {
			return
		}
		var reply wire.Command
		if _, ok := cmd.(*wire.Hello); ok {
			reply = wire.OurHello()
		} else {
			reply = s.handler(cmd)
		}
		if reply == nil {
			return
		}
		buf, err = wire.AppendFrame(buf[:0], reply)
		if err != nil {
			return
		}
		if _, err := nc.Write(buf); err != nil {
			return
		}
	}
}

// OK answers every segment request with its success reply, tracking nothing.
func OK(req wire.Command) wire.Command {
	id, _ := wire.RequestIDOf(req)
	switch m := req.(type) {
	case *wire.CreateSegment:
		return &wire.SegmentCreated{RequestID: id, Segment: m.Segment}
	case *wire.CreateTableSegment:
		return &wire.SegmentCreated{RequestID: id, Segment: m.Segment}
	case *wire.DeleteSegment:
		return &wire.SegmentDeleted{RequestID: id, Segment: m.Segment}
	case *wire.DeleteTableSegment:
		return &wire.SegmentDeleted{RequestID: id, Segment: m.Segment}
	case *wire.SealSegment:
		return &wire.SegmentSealed{RequestID: id, Segment: m.Segment}
	case *wire.TruncateSegment:
		return &wire.SegmentTruncated{RequestID: id, Segment: m.Segment}
	case *wire.UpdateSegmentPolicy:
		return &wire.SegmentPolicyUpdated{RequestID: id, Segment: m.Segment}
	case *wire.MergeSegmentsBatch:
		return &wire.SegmentsBatchMerged{RequestID: id, Target: m.Target, Sources: m.Sources,
			NewTargetWriteOffsets: make([]int64, len(m.Sources))}
	case *wire.GetStreamSegmentInfo:
		return &wire.StreamSegmentInfo{RequestID: id, SegmentName: m.SegmentName, Exists: true}
	}
	return &wire.OperationUnsupported{RequestID: id, OperationName: req.Type().String()}
}
