package driver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sluicestream/sluice/client"
)

// benchScope is the scope every Pravega-protocol stream is created in.
const benchScope = "bench"

// protoClient drives a Pravega-protocol server (Sluice, or real Pravega)
// through the Sluice Go client.
type protoClient struct {
	c *client.Client
	// segmentReaders makes NewReaders deal the segments to low-level
	// SegmentReaders instead of using a reader group (real Pravega: its
	// reader-group state is Java-serialized, the Go client's is the Rust
	// client's format, so a Go reader group cannot run against it).
	segmentReaders bool
}

func connectProto(ctx context.Context, uri string) (*protoClient, error) {
	c, err := client.New(ctx, uri)
	if err != nil {
		return nil, err
	}
	return &protoClient{c: c}, nil
}

func (p *protoClient) CreateStream(ctx context.Context, name string, segments int) error {
	m := p.c.StreamManager()
	if err := m.CreateScope(ctx, benchScope); err != nil && !errors.Is(err, client.ErrScopeExists) {
		return err
	}
	err := m.CreateStream(ctx, benchScope, name, client.StreamConfig{Scaling: client.Fixed(int32(segments))})
	if err != nil && !errors.Is(err, client.ErrStreamExists) {
		return err
	}
	return nil
}

func (p *protoClient) Close() error { return p.c.Close() }

// protoWriter acknowledges each event when the server does, through the
// client's WriteAsync (the Java client's per-event future).
type protoWriter struct {
	w     *client.EventWriter
	onAck func(Meta, error)
}

func (p *protoClient) NewWriter(ctx context.Context, stream string, o WriterOptions) (Writer, error) {
	if o.TxnEvents > 0 {
		return p.newTxnWriter(stream, o), nil
	}
	w, err := p.c.NewEventWriter(ctx, benchScope, stream, client.WriterConfig{})
	if err != nil {
		return nil, err
	}
	return &protoWriter{w: w, onAck: o.OnAck}, nil
}

func (pw *protoWriter) Write(ctx context.Context, key string, payload []byte) error {
	m, _ := ParseMeta(payload)
	return pw.w.WriteAsync(ctx, key, payload, func(err error) { pw.onAck(m, err) })
}

func (pw *protoWriter) Close(ctx context.Context) error {
	err := pw.w.Flush(ctx)
	if cerr := pw.w.Close(ctx); err == nil {
		err = cerr
	}
	return err
}

// NewReaders opens a reader group on the stream (from its head) with n
// readers, or, with segmentReaders, n sets of low-level segment readers.
func (p *protoClient) NewReaders(ctx context.Context, stream string, n int) ([]Reader, error) {
	if p.segmentReaders {
		return p.newSegmentReaders(ctx, stream, n)
	}
	g, err := p.c.CreateReaderGroup(ctx, benchScope, "rg-"+stream, client.ReaderGroupConfig{
		Streams:         []client.GroupStream{{Scope: benchScope, Stream: stream}},
		RefreshInterval: groupRefresh,
	})
	if err != nil {
		return nil, err
	}
	out := make([]Reader, n)
	for i := range out {
		r, err := g.NewReader(ctx, fmt.Sprintf("reader-%d", i))
		if err != nil {
			return nil, err
		}
		out[i] = &groupReader{r: r}
	}
	return out, nil
}

// groupRefresh is how often a group reader rebalances and reports its
// positions (the client's default is 3 s, too slow for a 2 s warm-up).
const groupRefresh = time.Second

// groupReader is one reader of a Go-client reader group.
type groupReader struct {
	r *client.Reader
}

func (g *groupReader) Run(ctx context.Context, fn func([]byte)) error {
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = g.r.Close(cctx)
		cancel()
	}()
	for {
		ev, err := g.r.ReadNext(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if ev.Checkpoint == "" {
			fn(ev.Event)
		}
	}
}

// protoReader is not a reader group: each segment gets its own low-level
// SegmentReader, following successors when a segment is sealed; the
// segments are dealt round-robin to the n readers. Used for real Pravega.
type protoReader struct {
	c    *client.Client
	segs []client.Segment
}

func (p *protoClient) newSegmentReaders(ctx context.Context, stream string, n int) ([]Reader, error) {
	segs, err := p.c.StreamManager().CurrentSegments(ctx, benchScope, stream)
	if err != nil {
		return nil, err
	}
	rs := make([]*protoReader, n)
	for i := range rs {
		rs[i] = &protoReader{c: p.c}
	}
	for i, s := range segs {
		rs[i%n].segs = append(rs[i%n].segs, s.Segment)
	}
	out := make([]Reader, n)
	for i, r := range rs {
		out[i] = r
	}
	return out, nil
}

func (r *protoReader) Run(ctx context.Context, fn func([]byte)) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		seen  = map[int64]bool{}
	)
	var read func(seg client.Segment)
	read = func(seg client.Segment) {
		defer wg.Done()
		sr := r.c.NewSegmentReader(seg, 0, -1)
		var buf []byte
		for {
			data, err := sr.Read(ctx)
			if errors.Is(err, io.EOF) {
				succ, serr := r.c.Successors(ctx, seg)
				if serr != nil {
					err = serr
				} else {
					mu.Lock()
					for _, s := range succ {
						if !seen[s.Range.ID] {
							seen[s.Range.ID] = true
							wg.Add(1)
							go read(s.Range.Segment)
						}
					}
					mu.Unlock()
					return
				}
			}
			if err != nil {
				if ctx.Err() == nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
				return
			}
			buf = append(buf, data...)
			n, err := splitEvents(buf, fn)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("read %s: %w", seg, err)
				}
				mu.Unlock()
				return
			}
			buf = append(buf[:0], buf[n:]...)
		}
	}
	for _, s := range r.segs {
		seen[s.ID] = true
	}
	for _, s := range r.segs {
		wg.Add(1)
		go read(s)
	}
	wg.Wait()
	return first
}

// splitEvents calls fn with every whole event record in data (8-byte
// header: int32 type 0, int32 length; then the payload) and returns the
// bytes consumed; a partial record at the end waits for more data.
//
// The driver frames events itself instead of calling SegmentReader.ReadEvent,
// which fails with ErrProtocol when a read reply ends inside an event (real
// Pravega's replies do; see bench/README.md).
func splitEvents(data []byte, fn func([]byte)) (int, error) {
	off := 0
	for len(data)-off >= 8 {
		typ := int32(binary.BigEndian.Uint32(data[off:]))
		n := int(int32(binary.BigEndian.Uint32(data[off+4:])))
		if typ != 0 || n < 0 {
			return off, fmt.Errorf("bad event header at %d: type %d length %d", off, typ, n)
		}
		if len(data)-off-8 < n {
			break
		}
		fn(data[off+8 : off+8+n])
		off += 8 + n
	}
	return off, nil
}

// waitController retries connecting until the controller answers.
func waitController(ctx context.Context, uri string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		c, err := client.New(ctx, uri)
		if err == nil {
			_, err = c.StreamManager().ScopeExists(ctx, benchScope)
			_ = c.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("controller %s not ready: %w", uri, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
