package metastore

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/zap"
)

func TestEtcdLog(t *testing.T) {
	var buf bytes.Buffer
	l := newEtcdLog(slog.New(slog.NewTextHandler(&buf, nil)))
	l.server.Info("chatty")
	l.server.Warn("simple token is not cryptographically signed")
	l.server.Warn("failed to apply request", zap.String("error", "lease not found"))
	l.client.Warn("retrying of unary invoker failed")
	l.server.With(zap.String("member", "m1")).Warn("disk slow", zap.Int("ms", 250))
	l.mute()
	l.server.Error("setting up serving from embedded etcd failed.")

	out := buf.String()
	if n := strings.Count(out, "\n"); n != 1 {
		t.Fatalf("got %d lines, want only the disk warning:\n%s", n, out)
	}
	for _, want := range []string{"level=WARN", `msg="disk slow"`, "member=m1", "ms=250"} {
		if !strings.Contains(out, want) {
			t.Errorf("log line lacks %s: %s", want, out)
		}
	}
	newEtcdLog(nil).server.Error("discarded") // must not panic
}
