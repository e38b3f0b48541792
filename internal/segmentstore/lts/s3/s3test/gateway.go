// Package s3test runs a real S3 server (versitygw with its posix backend) for
// tests: the lts/s3 contract tests and node-level tests on S3.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3"
)

// The gateway's root credentials, used by tests only.
const (
	testAccessKey = "sluicetestaccess"
	testSecretKey = "sluicetestsecret0123456789"
)

// Gateway is a versitygw server with the posix backend, started for one
// test and stopped (killed and waited for) when the test ends. Stop and
// Restart simulate an outage of the S3 service.
type Gateway struct {
	endpoint string
	bucket   string
	prefixes atomic.Int64

	tb      testing.TB
	bin     string
	dataDir string
	addr    string
	cmd     *exec.Cmd
	exited  chan error
	out     bytes.Buffer
}

// findVersityGW returns the gateway binary: $VERSITYGW, or
// .tools/bin/versitygw under the module root (installed by
// `make tools-versitygw`). Missing, it fails the test under CI=true and
// skips it otherwise.
func findVersityGW(tb testing.TB) string {
	tb.Helper()
	bin := os.Getenv("VERSITYGW")
	if bin == "" {
		root, err := moduleRoot()
		if err != nil {
			tb.Fatalf("find module root: %v", err)
		}
		bin = filepath.Join(root, ".tools", "bin", "versitygw")
	}
	if _, err := os.Stat(bin); err != nil {
		msg := fmt.Sprintf("S3 tests need the versitygw binary at %s (run `make tools-versitygw`, or set $VERSITYGW): %v", bin, err)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return bin
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

// StartGateway starts versitygw and creates a bucket on it.
func StartGateway(tb testing.TB) *Gateway {
	tb.Helper()
	g := &Gateway{tb: tb, bin: findVersityGW(tb), dataDir: tb.TempDir(), addr: freePort(tb), bucket: "sluice-test"}
	g.endpoint = "http://" + g.addr
	tb.Cleanup(g.Stop)
	g.launch()
	return g
}

// launch starts the process and waits until it answers: it creates the
// bucket, or finds it already there after a restart.
func (g *Gateway) launch() {
	g.tb.Helper()
	g.out.Reset()
	cmd := exec.Command(g.bin, "--access", testAccessKey, "--secret", testSecretKey,
		"--port", g.addr, "--quiet", "posix", g.dataDir)
	cmd.Env = append(os.Environ(), "VGW_REGION=us-east-1")
	cmd.Stdout, cmd.Stderr = &g.out, &g.out
	if err := cmd.Start(); err != nil {
		g.tb.Fatalf("start %s: %v", g.bin, err)
	}
	g.cmd, g.exited = cmd, make(chan error, 1)
	go func() { g.exited <- cmd.Wait() }()

	client, err := s3.NewClient(context.Background(), g.Config(""))
	if err != nil {
		g.tb.Fatal(err)
	}
	// Retry while the port is not yet open.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err = client.CreateBucket(context.Background(), &s3api.CreateBucketInput{Bucket: aws.String(g.bucket)})
		if err == nil {
			return
		}
		if _, herr := client.HeadBucket(context.Background(), &s3api.HeadBucketInput{Bucket: aws.String(g.bucket)}); herr == nil {
			return
		}
		select {
		case werr := <-g.exited:
			g.exited <- werr
			g.tb.Fatalf("versitygw exited before answering (%v); output:\n%s", werr, g.out.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			g.tb.Fatalf("versitygw at %s did not answer within 60s: %v; output:\n%s", g.addr, err, g.out.String())
		}
	}
}

// Stop kills the gateway and waits for it; its data stays for Restart.
func (g *Gateway) Stop() {
	if g.cmd == nil {
		return
	}
	_ = g.cmd.Process.Kill()
	<-g.exited
	g.cmd = nil
}

// Restart starts the gateway again on the same address and data.
func (g *Gateway) Restart() {
	g.tb.Helper()
	g.Stop()
	g.launch()
}

// Config returns a Config for the gateway's bucket under prefix.
func (g *Gateway) Config(prefix string) s3.Config {
	return s3.Config{
		Bucket:          g.bucket,
		Prefix:          prefix,
		Endpoint:        g.endpoint,
		Region:          "us-east-1",
		AccessKeyID:     testAccessKey,
		SecretAccessKey: testSecretKey,
		UsePathStyle:    true,
	}
}

// Storage returns a Storage under a prefix no other call returns.
func (g *Gateway) Storage(tb testing.TB, modify func(*s3.Config)) *s3.Storage {
	tb.Helper()
	cfg := g.Config(fmt.Sprintf("run/%d", g.prefixes.Add(1)))
	if modify != nil {
		modify(&cfg)
	}
	s, err := s3.New(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
