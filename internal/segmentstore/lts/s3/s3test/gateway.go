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
// test and stopped (killed and waited for) when the test ends.
type Gateway struct {
	endpoint string
	bucket   string
	prefixes atomic.Int64
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
	bin := findVersityGW(tb)
	dataDir := tb.TempDir()
	addr := freePort(tb)
	var out bytes.Buffer
	cmd := exec.Command(bin, "--access", testAccessKey, "--secret", testSecretKey,
		"--port", addr, "--quiet", "posix", dataDir)
	cmd.Env = append(os.Environ(), "VGW_REGION=us-east-1")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	g := &Gateway{endpoint: "http://" + addr, bucket: "sluice-test"}
	client, err := s3.NewClient(context.Background(), g.Config(""))
	if err != nil {
		tb.Fatal(err)
	}
	// Wait until the gateway answers: create the bucket, retrying while
	// the port is not yet open.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err = client.CreateBucket(context.Background(), &s3api.CreateBucketInput{Bucket: aws.String(g.bucket)})
		if err == nil {
			return g
		}
		select {
		case werr := <-exited:
			exited <- werr
			tb.Fatalf("versitygw exited before answering (%v); output:\n%s", werr, out.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("versitygw at %s did not answer within 60s: %v; output:\n%s", addr, err, out.String())
		}
	}
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
