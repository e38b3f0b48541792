package driver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Kafka runs a real Apache Kafka broker (KRaft, one node, jars from Maven
// Central) through bench/peers/kafka/run.sh and drives it with franz-go:
// acks=all, idempotent producer for exactly-once (off: idempotence
// disabled), a consumer group for readers. Segments are partitions; the
// default partitioner hashes the key (murmur2), as Kafka's Java client.
type Kafka struct {
	Scripts string
	// FlushEveryMessage starts the broker with log.flush.interval.messages=1
	// (fsync after every append); otherwise Kafka's default (page cache).
	FlushEveryMessage bool
}

const kafkaAddr = "127.0.0.1:19092"

// Name is the system name in reports.
func (k Kafka) Name() string {
	if k.FlushEveryMessage {
		return "kafka-flush"
	}
	return "kafka"
}

// Durability says when a write is acknowledged.
func (k Kafka) Durability() string {
	if k.FlushEveryMessage {
		return "fsync before ack (flush.messages=1)"
	}
	return "no fsync before ack (page cache)"
}

type kafkaServer struct {
	k   Kafka
	dir string
	pid int
}

// Start runs a fresh server with its data under dir.
func (k Kafka) Start(ctx context.Context, dir string) (Server, error) {
	s := &kafkaServer{k: k, dir: filepath.Join(dir, "kafka")}
	return s, s.start(ctx)
}

func (s *kafkaServer) start(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(s.k.Scripts, "run.sh"), s.dir)
	if s.k.FlushEveryMessage {
		cmd.Env = append(cmd.Environ(), "KAFKA_FLUSH_MESSAGES=1")
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kafka run.sh: %w: %s", err, tail(errb.String(), 2000))
	}
	for _, l := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "PID="); ok {
			s.pid, _ = strconv.Atoi(v)
		}
	}
	if s.pid == 0 {
		return fmt.Errorf("kafka run.sh printed no PID: %s", out.String())
	}
	return nil
}

func (s *kafkaServer) PID() int { return s.pid }

func (s *kafkaServer) Kill() error {
	if err := syscall.Kill(s.pid, syscall.SIGKILL); err != nil {
		return err
	}
	for syscall.Kill(s.pid, 0) == nil {
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

func (s *kafkaServer) Restart(ctx context.Context) error { return s.start(ctx) }

func (s *kafkaServer) Stop(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "bash", filepath.Join(s.k.Scripts, "stop.sh"), s.dir, "--wipe").CombinedOutput()
	if err != nil {
		return fmt.Errorf("kafka stop.sh: %w: %s", err, out)
	}
	return nil
}

type kafkaClient struct {
	admin *kgo.Client
}

func (s *kafkaServer) Connect(context.Context) (Client, error) {
	c, err := kgo.NewClient(kgo.SeedBrokers(kafkaAddr))
	if err != nil {
		return nil, err
	}
	return &kafkaClient{admin: c}, nil
}

func (c *kafkaClient) CreateStream(ctx context.Context, name string, segments int) error {
	adm := kadm.NewClient(c.admin)
	resp, err := adm.CreateTopic(ctx, int32(segments), 1, nil, name)
	if err != nil {
		return err
	}
	if resp.Err != nil {
		return resp.Err
	}
	return waitPartitionLeaders(ctx, adm, name, segments, 2*time.Minute)
}

// waitPartitionLeaders waits until the broker's metadata shows every
// partition of a new topic with a leader: CreateTopic returns before that,
// and producing to a partition without one fails with
// UNKNOWN_TOPIC_OR_PARTITION (W4 creates 10 topics of 1,000 partitions).
// Kafka offers no notification, so this polls.
func waitPartitionLeaders(ctx context.Context, adm *kadm.Client, topic string, partitions int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ready := 0
		md, err := adm.Metadata(ctx, topic)
		if err == nil {
			for _, p := range md.Topics[topic].Partitions {
				if p.Err == nil && p.Leader >= 0 {
					ready++
				}
			}
			if ready >= partitions {
				return nil
			}
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("topic %s: %d of %d partitions have a leader after %s", topic, ready, partitions, limit)
			if err != nil {
				return fmt.Errorf("%s: %w", msg, err)
			}
			return errors.New(msg)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *kafkaClient) Close() error {
	c.admin.Close()
	return nil
}

type kafkaWriter struct {
	cl    *kgo.Client
	topic string
	onAck func(Meta, error)
}

func (c *kafkaClient) NewWriter(_ context.Context, stream string, o WriterOptions) (Writer, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(kafkaAddr), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(0),
		kgo.MaxBufferedRecords(100_000), kgo.DefaultProduceTopic(stream)}
	if o.TxnEvents > 0 {
		opts = append(opts, kgo.TransactionalID(fmt.Sprintf("bench-%s-%d", stream, time.Now().UnixNano())))
		cl, err := kgo.NewClient(opts...)
		if err != nil {
			return nil, err
		}
		return &kafkaTxnWriter{cl: cl, n: o.TxnEvents, onAck: o.OnAck}, nil
	}
	if !o.ExactlyOnce {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	return &kafkaWriter{cl: cl, topic: stream, onAck: o.OnAck}, nil
}

func (w *kafkaWriter) Write(ctx context.Context, key string, payload []byte) error {
	w.cl.Produce(ctx, &kgo.Record{Key: []byte(key), Value: payload}, func(r *kgo.Record, err error) {
		m, _ := ParseMeta(r.Value)
		w.onAck(m, err)
	})
	return nil
}

func (w *kafkaWriter) Close(ctx context.Context) error {
	err := w.cl.Flush(ctx)
	w.cl.Close()
	return err
}

// kafkaTxnWriter groups every n records into a Kafka transaction. A
// producer has at most one open transaction, so the commit (Flush, then
// EndTransaction) runs inside the Write that completes a group and the
// writer waits for it; every record of the group is acknowledged when
// EndTransaction returns.
type kafkaTxnWriter struct {
	cl    *kgo.Client
	n     int
	onAck func(Meta, error)

	metas []Meta
	mu    sync.Mutex
	err   error // first produce error of the open transaction
}

func (w *kafkaTxnWriter) Write(ctx context.Context, key string, payload []byte) error {
	if len(w.metas) == 0 {
		if err := w.cl.BeginTransaction(); err != nil {
			return err
		}
	}
	m, _ := ParseMeta(payload)
	w.metas = append(w.metas, m)
	w.cl.Produce(ctx, &kgo.Record{Key: []byte(key), Value: payload}, func(_ *kgo.Record, err error) {
		if err != nil {
			w.mu.Lock()
			if w.err == nil {
				w.err = err
			}
			w.mu.Unlock()
		}
	})
	if len(w.metas) >= w.n {
		return w.commit(ctx)
	}
	return nil
}

func (w *kafkaTxnWriter) commit(ctx context.Context) error {
	err := w.cl.Flush(ctx)
	w.mu.Lock()
	if err == nil {
		err = w.err
	}
	w.err = nil
	w.mu.Unlock()
	commit := kgo.TryCommit
	if err != nil {
		commit = kgo.TryAbort
	}
	if eerr := w.cl.EndTransaction(ctx, commit); err == nil {
		err = eerr
	}
	for _, m := range w.metas {
		w.onAck(m, err)
	}
	w.metas = w.metas[:0]
	return err
}

func (w *kafkaTxnWriter) Close(ctx context.Context) error {
	var err error
	if len(w.metas) > 0 {
		err = w.commit(ctx)
	}
	w.cl.Close()
	return err
}

type kafkaReader struct {
	topic, group string
}

func (c *kafkaClient) NewReaders(_ context.Context, stream string, n int) ([]Reader, error) {
	out := make([]Reader, n)
	for i := range out {
		out[i] = &kafkaReader{topic: stream, group: stream + "-group"}
	}
	return out, nil
}

func (r *kafkaReader) Run(ctx context.Context, fn func([]byte)) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(kafkaAddr), kgo.ConsumeTopics(r.topic), kgo.ConsumerGroup(r.group),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	for ctx.Err() == nil {
		fs := cl.PollFetches(ctx)
		fs.EachRecord(func(rec *kgo.Record) { fn(rec.Value) })
	}
	return nil
}
