package s3

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
)

// List implements lts.ChunkLister with ListObjectsV2, one page (up to 1000
// keys) at a time; S3 returns keys in byte order. Keys that are not valid
// chunk names (folder markers made by other tools) are skipped.
func (s *Storage) List(ctx context.Context, prefix string) iter.Seq2[lts.ChunkInfo, error] {
	return func(yield func(lts.ChunkInfo, error) bool) {
		pages := s3api.NewListObjectsV2Paginator(s.client, &s3api.ListObjectsV2Input{
			Bucket: aws.String(s.cfg.Bucket),
			Prefix: aws.String(s.key(prefix)),
		})
		for pages.HasMorePages() {
			if err := ctx.Err(); err != nil {
				yield(lts.ChunkInfo{}, fmt.Errorf("list chunks %q: %w", prefix, err))
				return
			}
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(lts.ChunkInfo{}, fmt.Errorf("list chunks %q: %w", prefix, err))
				return
			}
			for _, obj := range page.Contents {
				name, ok := strings.CutPrefix(aws.ToString(obj.Key), s.cfg.Prefix)
				if !ok || lts.ValidateName(name) != nil {
					continue
				}
				if !yield(lts.ChunkInfo{Name: name, Size: aws.ToInt64(obj.Size)}, nil) {
					return
				}
			}
		}
	}
}
