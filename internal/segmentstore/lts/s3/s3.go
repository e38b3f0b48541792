// Package s3 is the lts.ChunkStorage on an S3-compatible object store
// (aws-sdk-go-v2). Chunk "a/b/c" is the object <prefix>/a/b/c of the bucket;
// Put is one PutObject (atomic, durable once acknowledged) or, above a
// threshold, a multipart upload, which S3 also makes visible atomically on
// completion. Reads are ranged GETs.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// Storage stores chunks as objects. It is safe for concurrent use.
type Storage struct {
	client *s3api.Client
	cfg    Config
}

var _ lts.ChunkStorage = (*Storage)(nil)

// New returns a Storage for cfg. It does not contact the server.
func New(ctx context.Context, cfg Config) (*Storage, error) {
	client, err := NewClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	_ = cfg.setDefaults() // checked by NewClient
	return &Storage{client: client, cfg: cfg}, nil
}

func (s *Storage) key(name string) string { return s.cfg.Prefix + name }

func check(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return lts.ValidateName(name)
}

// notFound maps S3's answers for a missing key to lts.ErrNotFound. A
// missing bucket is not mapped (NoSuchBucket), except on HEAD, whose 404
// has no body to tell them apart.
func notFound(err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return lts.ErrNotFound
		}
	}
	return err
}

// Put implements lts.ChunkWriter.
func (s *Storage) Put(ctx context.Context, name string, data []byte) error {
	if err := check(ctx, name); err != nil {
		return fmt.Errorf("put chunk %q: %w", name, err)
	}
	var err error
	if int64(len(data)) > s.cfg.MultipartThreshold {
		err = s.putMultipart(ctx, s.key(name), data)
	} else {
		_, err = s.client.PutObject(ctx, &s3api.PutObjectInput{
			Bucket:        aws.String(s.cfg.Bucket),
			Key:           aws.String(s.key(name)),
			Body:          bytes.NewReader(data),
			ContentLength: aws.Int64(int64(len(data))),
		})
	}
	if err != nil {
		return fmt.Errorf("put chunk %q (%d bytes): %w", name, len(data), err)
	}
	return nil
}

// ReadAt implements lts.ChunkReader with one ranged GET.
func (s *Storage) ReadAt(ctx context.Context, name string, p []byte, off int64) (int, error) {
	if err := check(ctx, name); err != nil {
		return 0, fmt.Errorf("read chunk %q: %w", name, err)
	}
	if off < 0 {
		return 0, fmt.Errorf("read chunk %q at %d: %w", name, off, lts.ErrBadOffset)
	}
	if len(p) == 0 {
		if _, err := s.Stat(ctx, name); err != nil {
			return 0, fmt.Errorf("read chunk %q: %w", name, errors.Unwrap(err))
		}
		return 0, nil
	}
	n, err := s.readAt(ctx, s.key(name), p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read chunk %q at %d: %w", name, off, err)
	}
	return n, err
}

func (s *Storage) readAt(ctx context.Context, key string, p []byte, off int64) (int, error) {
	out, err := s.client.GetObject(ctx, &s3api.GetObjectInput{
		Bucket: aws.String(s.cfg.Bucket),
		Key:    aws.String(key),
		Range:  aws.String("bytes=" + strconv.FormatInt(off, 10) + "-" + strconv.FormatInt(off+int64(len(p))-1, 10)),
	})
	if err != nil {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidRange" {
			return 0, io.EOF // the object exists and ends at or before off
		}
		return 0, notFound(err)
	}
	defer func() { _ = out.Body.Close() }()
	body := io.Reader(out.Body)
	expect := aws.ToInt64(out.ContentLength)
	if out.ContentRange == nil && off > 0 {
		// The server ignored the range and sent the whole object.
		if skipped, err := io.CopyN(io.Discard, body, off); err != nil {
			if errors.Is(err, io.EOF) && skipped == expect {
				return 0, io.EOF
			}
			return 0, fmt.Errorf("skip to offset: %w", err)
		}
		expect -= off
	}
	want := min(int64(len(p)), expect)
	n, err := io.ReadFull(body, p[:want])
	if err != nil {
		return n, fmt.Errorf("read body (%d of %d bytes): %w", n, want, err)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Stat implements lts.ChunkReader with a HEAD request.
func (s *Storage) Stat(ctx context.Context, name string) (lts.ChunkInfo, error) {
	if err := check(ctx, name); err != nil {
		return lts.ChunkInfo{}, fmt.Errorf("stat chunk %q: %w", name, err)
	}
	out, err := s.client.HeadObject(ctx, &s3api.HeadObjectInput{
		Bucket: aws.String(s.cfg.Bucket),
		Key:    aws.String(s.key(name)),
	})
	if err != nil {
		return lts.ChunkInfo{}, fmt.Errorf("stat chunk %q: %w", name, notFound(err))
	}
	return lts.ChunkInfo{Name: name, Size: aws.ToInt64(out.ContentLength)}, nil
}

// Delete implements lts.ChunkWriter. S3 deletes missing keys without
// complaint, which is the contract.
func (s *Storage) Delete(ctx context.Context, name string) error {
	if err := check(ctx, name); err != nil {
		return fmt.Errorf("delete chunk %q: %w", name, err)
	}
	_, err := s.client.DeleteObject(ctx, &s3api.DeleteObjectInput{
		Bucket: aws.String(s.cfg.Bucket),
		Key:    aws.String(s.key(name)),
	})
	if err != nil && !errors.Is(notFound(err), lts.ErrNotFound) {
		return fmt.Errorf("delete chunk %q: %w", name, err)
	}
	return nil
}
