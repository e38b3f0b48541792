package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/internal/segmentstore"
	"github.com/sluicestream/sluice/internal/segmentstore/container"
	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/s3"
)

// segmentStoreFlags are the settings of a segment store node, shared by the
// segmentstore and standalone commands.
type segmentStoreFlags struct {
	listen     string
	containers int
	noSync     bool
	cacheMiB   int64
	lts        string
	s3         s3.Config
}

// storage opens the long-term storage the flags select; nil means the
// filesystem under the data directory (the node's default).
func (f *segmentStoreFlags) storage(ctx context.Context) (lts.ChunkStorage, error) {
	switch f.lts {
	case "fs", "":
		return nil, nil
	case "s3":
		if f.s3.Bucket == "" {
			return nil, fmt.Errorf("--lts s3 needs --s3-bucket")
		}
		st, err := s3.New(ctx, f.s3)
		if err != nil {
			return nil, fmt.Errorf("open S3 long-term storage: %w", err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("unknown --lts %q (use fs or s3)", f.lts)
}

func (f *segmentStoreFlags) tiering() container.Tiering {
	return container.Tiering{CacheBudget: f.cacheMiB << 20}
}

func (f *segmentStoreFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.listen, "segmentstore-listen", "127.0.0.1:12345",
		"address of the segment store's wire protocol listener")
	cmd.Flags().IntVar(&f.containers, "containers", 4,
		"number of segment containers (must match the controller's)")
	cmd.Flags().BoolVar(&f.noSync, "unsafe-no-fsync", false,
		"BENCHMARKS ONLY: acknowledge appends without fsync; a crash loses acknowledged data")
	cmd.Flags().Int64Var(&f.cacheMiB, "cache-mib", 64, "read cache budget of the node in MiB")
	cmd.Flags().StringVar(&f.lts, "lts", "fs", "long-term storage: fs (under the data directory) or s3")
	cmd.Flags().StringVar(&f.s3.Bucket, "s3-bucket", "", "S3 bucket for long-term storage (must exist)")
	cmd.Flags().StringVar(&f.s3.Prefix, "s3-prefix", "", "key prefix inside the S3 bucket")
	cmd.Flags().StringVar(&f.s3.Endpoint, "s3-endpoint", "", "S3 endpoint URL (empty: AWS)")
	cmd.Flags().StringVar(&f.s3.Region, "s3-region", "", "S3 region (empty: from the environment)")
	cmd.Flags().BoolVar(&f.s3.UsePathStyle, "s3-path-style", false, "address buckets as <endpoint>/<bucket> (most non-AWS servers)")
	// Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY, shared config, instance roles): never flags,
	// which would show in process listings.
}

// newSegmentStoreCommand runs a segment store node on its own.
func newSegmentStoreCommand() *cobra.Command {
	var (
		ss       segmentStoreFlags
		dataDir  string
		logLevel string
	)
	cmd := &cobra.Command{
		Use:   "segmentstore",
		Short: "Run a segment store node (data path only)",
		Long: `Run a segment store node: the journal, the segment containers and the
Pravega wire protocol listener. Data lives under --data-dir.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			storage, err := ss.storage(cmd.Context())
			if err != nil {
				return err
			}
			store, err := segmentstore.Start(cmd.Context(), segmentstore.Config{
				DataDir: dataDir, Address: ss.listen, ContainerCount: ss.containers, NoSync: ss.noSync, Logger: logger,
				Storage: storage, Tiering: ss.tiering(),
			})
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(cmd.OutOrStdout(), "sluice segment store ready: wire protocol on %s, data in %s\n", store.Addr(), dataDir)
			<-cmd.Context().Done()
			logger.Info("shutting down")
			return store.Close()
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "./data", "directory for the journal and local storage")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	ss.register(cmd)
	return cmd
}
