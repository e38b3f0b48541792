package s3

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// putMultipart uploads data in parts of cfg.PartSize, cfg.PartConcurrency
// at a time. The object appears, whole, when the upload completes; on
// failure the upload is aborted so that its parts do not linger.
func (s *Storage) putMultipart(ctx context.Context, key string, data []byte) error {
	created, err := s.client.CreateMultipartUpload(ctx, &s3api.CreateMultipartUploadInput{
		Bucket: aws.String(s.cfg.Bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return fmt.Errorf("create multipart upload: %w", err)
	}
	parts, err := s.uploadParts(ctx, key, created.UploadId, data)
	if err == nil {
		_, err = s.client.CompleteMultipartUpload(ctx, &s3api.CompleteMultipartUploadInput{
			Bucket:          aws.String(s.cfg.Bucket),
			Key:             aws.String(key),
			UploadId:        created.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
		if err != nil {
			err = fmt.Errorf("complete multipart upload: %w", err)
		}
	}
	if err != nil {
		abortCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = s.client.AbortMultipartUpload(abortCtx, &s3api.AbortMultipartUploadInput{
			Bucket:   aws.String(s.cfg.Bucket),
			Key:      aws.String(key),
			UploadId: created.UploadId,
		})
		return err
	}
	return nil
}

func (s *Storage) uploadParts(ctx context.Context, key string, uploadID *string, data []byte) ([]types.CompletedPart, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	size := s.cfg.PartSize
	n := (int64(len(data)) + size - 1) / size
	parts := make([]types.CompletedPart, n)
	sem := make(chan struct{}, s.cfg.PartConcurrency)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for i := range n {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			part := data[i*size : min((i+1)*size, int64(len(data)))]
			num := aws.Int32(int32(i + 1))
			out, err := s.client.UploadPart(ctx, &s3api.UploadPartInput{
				Bucket:        aws.String(s.cfg.Bucket),
				Key:           aws.String(key),
				UploadId:      uploadID,
				PartNumber:    num,
				Body:          bytes.NewReader(part),
				ContentLength: aws.Int64(int64(len(part))),
			})
			if err != nil {
				errOnce.Do(func() { firstErr = fmt.Errorf("upload part %d: %w", i+1, err) })
				cancel()
				return
			}
			parts[i] = types.CompletedPart{ETag: out.ETag, PartNumber: num}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return parts, firstErr
}
