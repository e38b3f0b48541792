package driver

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATS runs a nats-server with JetStream (file storage, one replica) and
// drives it with the official Go client. A stream's "segments" are subjects
// <stream>.<n> of one JetStream stream; a routing key picks the subject by
// hash. Exactly-once is the Nats-Msg-Id header (the server deduplicates
// within its two-minute window).
type NATS struct {
	Bin string
	// SyncAlways sets sync_interval: always (fsync every write before ack);
	// otherwise the default (fsync every two minutes).
	SyncAlways bool
}

// Name is the system name in reports.
func (n NATS) Name() string {
	if n.SyncAlways {
		return "nats-sync-always"
	}
	return "nats"
}

// Durability says when a write is acknowledged.
func (n NATS) Durability() string {
	if n.SyncAlways {
		return "fsync before ack (sync_interval: always)"
	}
	return "no fsync before ack (page cache; fsync every 2 min)"
}

type natsServer struct {
	p    *process
	addr string
}

// Start runs a fresh server with its data under dir.
func (n NATS) Start(ctx context.Context, dir string) (Server, error) {
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("server_name: sluicebench\nhost: 127.0.0.1\nport: %d\nmax_payload: 8MB\n"+
		"jetstream {\n  store_dir: %q\n  max_memory_store: 1GB\n  max_file_store: 64GB\n", ports[0], filepath.Join(dir, "store"))
	if n.SyncAlways {
		conf += "  sync_interval: always\n"
	}
	conf += "}\n"
	cf := filepath.Join(dir, "nats.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	s := &natsServer{p: newProcess("nats-server", dir, nil, n.Bin, "-c", cf), addr: fmt.Sprintf("127.0.0.1:%d", ports[0])}
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *natsServer) start(ctx context.Context) error {
	if err := s.p.start(); err != nil {
		return err
	}
	return s.p.waitPorts(ctx, 60*time.Second, s.addr)
}

func (s *natsServer) PID() int { return s.p.pid() }

func (s *natsServer) Kill() error { return s.p.signal(syscall.SIGKILL, 10*time.Second) }

func (s *natsServer) Restart(ctx context.Context) error { return s.start(ctx) }

func (s *natsServer) Stop(context.Context) error { return s.p.signal(syscall.SIGTERM, 30*time.Second) }

type natsClient struct {
	nc *nats.Conn
	js jetstream.JetStream
}

func (s *natsServer) Connect(context.Context) (Client, error) {
	nc, err := nats.Connect("nats://"+s.addr, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &natsClient{nc: nc, js: js}, nil
}

func (c *natsClient) CreateStream(ctx context.Context, name string, segments int) error {
	_, err := c.js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{name + ".*"},
		Storage: jetstream.FileStorage, Replicas: 1})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil
	}
	return err
}

func (c *natsClient) Close() error {
	c.nc.Close()
	return nil
}

type natsWriter struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	subjects []string // one per segment
	eo       bool
	id       string // prefix of the Nats-Msg-Id of every message
}

var writerIDs atomic.Int64

func (c *natsClient) NewWriter(ctx context.Context, stream string, o WriterOptions) (Writer, error) {
	if o.TxnEvents > 0 {
		return nil, fmt.Errorf("transactions: %w (JetStream has no multi-subject transactions; its atomic batch publish is not driven by this harness)", ErrUnsupported)
	}
	// Each writer has its own connection, as separate applications would.
	nc, err := nats.Connect(c.nc.ConnectedUrl(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		return nil, err
	}
	w := &natsWriter{nc: nc, eo: o.ExactlyOnce, id: strconv.FormatInt(writerIDs.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(16384),
		jetstream.WithPublishAsyncTimeout(60*time.Second),
		jetstream.WithPublishAsyncAckHandler(func(_ jetstream.JetStream, m *nats.Msg, _ *jetstream.PubAck) {
			meta, _ := ParseMeta(m.Data)
			o.OnAck(meta, nil)
		}),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, m *nats.Msg, err error) {
			meta, _ := ParseMeta(m.Data)
			o.OnAck(meta, err)
		}))
	if err != nil {
		nc.Close()
		return nil, err
	}
	w.js = js
	for i := range max(1, o.Segments) {
		w.subjects = append(w.subjects, stream+"."+strconv.Itoa(i))
	}
	return w, nil
}

func (w *natsWriter) Write(ctx context.Context, key string, payload []byte) error {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	msg := &nats.Msg{Subject: w.subjects[h.Sum32()%uint32(len(w.subjects))], Data: payload}
	var opts []jetstream.PublishOpt
	if w.eo {
		m, _ := ParseMeta(payload)
		opts = append(opts, jetstream.WithMsgID(w.id+"-"+strconv.FormatUint(m.Seq, 10)))
	}
	for {
		_, err := w.js.PublishMsgAsync(msg, opts...)
		if !errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func (w *natsWriter) Close(ctx context.Context) error {
	defer w.nc.Close()
	select {
	case <-w.js.PublishAsyncComplete():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("nats writer close: %d acks outstanding: %w", w.js.PublishAsyncPending(), ctx.Err())
	}
}

type natsReader struct {
	cons jetstream.Consumer
}

func (c *natsClient) NewReaders(ctx context.Context, stream string, n int) ([]Reader, error) {
	cons, err := c.js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{Durable: "group",
		AckPolicy: jetstream.AckNonePolicy, DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return nil, err
	}
	out := make([]Reader, n)
	for i := range out {
		out[i] = &natsReader{cons: cons}
	}
	return out, nil
}

func (r *natsReader) Run(ctx context.Context, fn func([]byte)) error {
	cc, err := r.cons.Consume(func(m jetstream.Msg) { fn(m.Data()) })
	if err != nil {
		return err
	}
	<-ctx.Done()
	cc.Stop()
	return nil
}
