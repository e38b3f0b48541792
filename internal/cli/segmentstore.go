package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/internal/segmentstore"
)

// segmentStoreFlags are the settings of a segment store node, shared by the
// segmentstore and standalone commands.
type segmentStoreFlags struct {
	listen     string
	containers int
	noSync     bool
}

func (f *segmentStoreFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.listen, "segmentstore-listen", "127.0.0.1:12345",
		"address of the segment store's wire protocol listener")
	cmd.Flags().IntVar(&f.containers, "containers", 4,
		"number of segment containers (must match the controller's)")
	cmd.Flags().BoolVar(&f.noSync, "unsafe-no-fsync", false,
		"BENCHMARKS ONLY: acknowledge appends without fsync; a crash loses acknowledged data")
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
			store, err := segmentstore.Start(cmd.Context(), segmentstore.Config{
				DataDir: dataDir, Address: ss.listen, ContainerCount: ss.containers, NoSync: ss.noSync, Logger: logger,
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
