package s3_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/ltstest"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3/s3test"
)

func TestContract(t *testing.T) {
	g := s3test.StartGateway(t)
	ltstest.Run(t, func(t *testing.T) lts.ChunkStorage { return g.Storage(t, nil) })
}

// TestMultipart lowers the threshold so that a Put becomes a multipart
// upload with an odd-sized last part.
func TestMultipart(t *testing.T) {
	g := s3test.StartGateway(t)
	s := g.Storage(t, func(c *s3.Config) {
		c.MultipartThreshold = s3.MinPartSize
		c.PartSize = s3.MinPartSize
		c.PartConcurrency = 2
	})
	data := bytes.Repeat([]byte("0123456789abcdef"), (3*s3.MinPartSize+12345)/16)
	const name = "segments/sc/st/0.#epoch.0/@00000000000000000000.0000000001"
	if err := s.Put(t.Context(), name, data); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(t.Context(), name)
	if err != nil || info.Size != int64(len(data)) {
		t.Fatalf("Stat = %+v, %v; want %d bytes", info, err, len(data))
	}
	got := make([]byte, len(data))
	if n, err := s.ReadAt(t.Context(), name, got, 0); n != len(data) || !bytes.Equal(got, data) {
		t.Fatalf("ReadAt = %d, %v; contents differ: %v", n, err, !bytes.Equal(got, data))
	}
	infos, err := lts.ListAll(t.Context(), s, "")
	if err != nil || len(infos) != 1 {
		t.Fatalf("List = %+v, %v; want the one chunk (no leftover parts)", infos, err)
	}
}

func BenchmarkVersityGW(b *testing.B) {
	ltstest.Bench(b, s3test.StartGateway(b).Storage(b, nil))
}

// TestMissingBucketIsNotNotFound: a read from a bucket that does not exist
// must not look like a missing chunk, or the storage writer would take
// misconfiguration for lost data.
func TestMissingBucketIsNotNotFound(t *testing.T) {
	g := s3test.StartGateway(t)
	s := g.Storage(t, func(c *s3.Config) { c.Bucket = "no-such-bucket" })
	_, err := s.ReadAt(t.Context(), "a/b", make([]byte, 10), 0)
	if err == nil || errors.Is(err, lts.ErrNotFound) {
		t.Fatalf("ReadAt from a missing bucket = %v, want an error other than ErrNotFound", err)
	}
	if err := s.Put(t.Context(), "a/b", []byte("x")); err == nil {
		t.Fatal("Put into a missing bucket succeeded")
	}
}
