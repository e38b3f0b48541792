package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
)

// Defaults for the multipart settings of Config.
const (
	DefaultMultipartThreshold = 64 << 20
	DefaultPartSize           = 16 << 20
	DefaultPartConcurrency    = 4
	// MinPartSize is S3's smallest part but the last.
	MinPartSize = 5 << 20
)

// Config says where chunks live and how to reach the server.
type Config struct {
	// Bucket holds the chunks; it must exist.
	Bucket string
	// Prefix is put before every chunk name, with a "/" between them.
	// Empty stores chunks at the top of the bucket.
	Prefix string
	// Endpoint is the server's URL, e.g. "http://127.0.0.1:7070"; empty
	// means AWS.
	Endpoint string
	// Region; empty takes it from the environment, or "us-east-1" when
	// Endpoint is set.
	Region string
	// AccessKeyID and SecretAccessKey (and SessionToken, optional) are
	// static credentials; when AccessKeyID is empty the SDK's default chain
	// is used (environment, shared config, instance roles, ...).
	AccessKeyID, SecretAccessKey, SessionToken string
	// UsePathStyle addresses buckets as <endpoint>/<bucket> rather than
	// <bucket>.<endpoint>; most non-AWS servers need it.
	UsePathStyle bool
	// MultipartThreshold: chunks larger than this are uploaded in parts
	// of PartSize bytes, PartConcurrency at a time. Zero values take the
	// defaults above.
	MultipartThreshold int64
	PartSize           int64
	PartConcurrency    int
}

func (c *Config) setDefaults() error {
	if c.Bucket == "" {
		return errors.New("no bucket")
	}
	c.Prefix = strings.Trim(c.Prefix, "/")
	if c.Prefix != "" {
		c.Prefix += "/"
	}
	if c.Region == "" && c.Endpoint != "" {
		c.Region = "us-east-1"
	}
	if c.MultipartThreshold <= 0 {
		c.MultipartThreshold = DefaultMultipartThreshold
	}
	if c.PartSize <= 0 {
		c.PartSize = DefaultPartSize
	}
	if c.PartSize < MinPartSize {
		return fmt.Errorf("part size %d below S3's minimum %d", c.PartSize, MinPartSize)
	}
	if c.PartConcurrency <= 0 {
		c.PartConcurrency = DefaultPartConcurrency
	}
	return nil
}

// NewClient builds the SDK client that New uses.
func NewClient(ctx context.Context, cfg Config) (*s3api.Client, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, fmt.Errorf("s3 chunk storage config: %w", err)
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	return s3api.NewFromConfig(awsCfg, func(o *s3api.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.UsePathStyle
		// Range reads are not checksummed; do not log about it.
		o.DisableLogOutputChecksumValidationSkipped = true
	}), nil
}
