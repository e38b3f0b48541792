package metastore

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// etcdLog carries the embedded etcd server's and client's logs into the
// process's slog logger. etcd logs through zap; only warnings and errors
// pass, minus a few that are expected in an embedded single-node setup, and
// nothing once mute is called (etcd reports its own orderly shutdown as
// errors).
type etcdLog struct {
	server, client *zap.Logger
	muted          atomic.Bool
}

// benign reports etcd messages that say nothing useful about an embedded
// single-node server on loopback without auth.
func benign(msg string) bool {
	switch msg {
	case "Running http and grpc server on single port. This is not recommended for production.",
		"simple token is not cryptographically signed",
		// A fresh data directory: the storage-version monitor runs before
		// the first term is persisted, fails once and succeeds next round.
		"Failed to detect schema version",
		"failed to update storage version":
		return true
	}
	return false
}

// newEtcdLog returns an etcdLog writing to lg; nil discards everything.
func newEtcdLog(lg *slog.Logger) *etcdLog {
	l := &etcdLog{server: zap.NewNop(), client: zap.NewNop()}
	if lg != nil {
		l.server = zap.New(&slogCore{h: lg.Handler(), min: zapcore.WarnLevel, muted: &l.muted})
		// The client warns about every retried call, including expected
		// answers such as "lease not found" that reach the caller anyway.
		l.client = zap.New(&slogCore{h: lg.Handler(), min: zapcore.ErrorLevel, muted: &l.muted})
	}
	return l
}

// mute drops every later entry.
func (l *etcdLog) mute() { l.muted.Store(true) }

// slogCore is a zapcore.Core writing to a slog.Handler.
type slogCore struct {
	h     slog.Handler
	min   zapcore.Level
	muted *atomic.Bool
}

func (c *slogCore) Enabled(l zapcore.Level) bool {
	return l >= c.min && !c.muted.Load() && c.h.Enabled(context.Background(), slogLevel(l))
}

func (c *slogCore) With(fields []zapcore.Field) zapcore.Core {
	return &slogCore{h: c.h.WithAttrs(attrs(fields)), min: c.min, muted: c.muted}
}

func (c *slogCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) && !benign(e.Message) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *slogCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	as := attrs(fields)
	if e.Message == "failed to apply request" && hasAttr(as, "error", "lease not found") {
		// A write with a lost lease: the caller gets ErrLeaseNotFound.
		return nil
	}
	r := slog.NewRecord(e.Time, slogLevel(e.Level), e.Message, 0)
	if e.LoggerName != "" {
		r.AddAttrs(slog.String("logger", e.LoggerName))
	}
	r.AddAttrs(as...)
	return c.h.Handle(context.Background(), r)
}

// hasAttr reports whether as holds key with the string value v.
func hasAttr(as []slog.Attr, key, v string) bool {
	for _, a := range as {
		if a.Key == key && a.Value.String() == v {
			return true
		}
	}
	return false
}

func (c *slogCore) Sync() error { return nil }

// attrs converts zap fields to slog attributes, sorted by key.
func attrs(fields []zapcore.Field) []slog.Attr {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range fields {
		f.AddTo(enc)
	}
	out := make([]slog.Attr, 0, len(enc.Fields))
	for k, v := range enc.Fields {
		out = append(out, slog.Any(k, v))
	}
	slices.SortFunc(out, func(a, b slog.Attr) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return out
}

// slogLevel maps zap levels onto slog's four.
func slogLevel(l zapcore.Level) slog.Level {
	switch {
	case l >= zapcore.ErrorLevel:
		return slog.LevelError
	case l == zapcore.WarnLevel:
		return slog.LevelWarn
	case l == zapcore.InfoLevel:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
