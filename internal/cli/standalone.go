package cli

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/internal/standalone"
)

// newStandaloneCommand runs a whole node in one process.
func newStandaloneCommand() *cobra.Command {
	var (
		ss             segmentStoreFlags
		dataDir        string
		inMemory       bool
		controllerAddr string
		restAddr       string
		logLevel       string
		signingKeyFile string
		tokenTTL       time.Duration
		scaling        autoscaleFlags
		profiling      bool
	)
	cmd := &cobra.Command{
		Use:   "standalone",
		Short: "Run a complete Sluice node in one process",
		Long: `Run a complete Sluice node: an embedded single-node etcd for metadata, the
controller (Pravega controller gRPC API) and the segment store (Pravega wire
protocol), with the REST admin API on --rest-listen (http://<address>/v1/,
no authentication yet). Point Pravega applications at
tcp://<controller address>.

Data lives under --data-dir and survives restarts; --in-memory runs a
throwaway node whose data is deleted on exit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			if inMemory && cmd.Flags().Changed("data-dir") {
				return fmt.Errorf("--in-memory and --data-dir exclude each other")
			}
			if inMemory {
				dataDir = ""
			}
			storage, err := ss.storage(cmd.Context())
			if err != nil {
				return err
			}
			var key []byte
			if signingKeyFile != "" {
				if key, err = os.ReadFile(signingKeyFile); err != nil {
					return fmt.Errorf("read --auth-signing-key-file: %w", err)
				}
				if key = bytes.TrimSpace(key); len(key) == 0 {
					return fmt.Errorf("--auth-signing-key-file %s is empty", signingKeyFile)
				}
			}
			node, err := standalone.Start(cmd.Context(), standalone.Config{
				DataDir: dataDir, InMemory: inMemory, ControllerAddress: controllerAddr,
				SegmentStoreAddress: ss.listen, RESTAddress: restAddr, ContainerCount: ss.containers, NoSync: ss.noSync, Logger: logger,
				Storage: storage, Tiering: ss.tiering(), SigningKey: key, TokenTTL: tokenTTL,
				Autoscale: scaling.cfg, NoAutoscale: scaling.off, LoadReporting: scaling.load,
				Profiling: profiling,
			})
			if err != nil {
				return err
			}
			mode := "data in " + node.DataDir()
			if inMemory {
				mode = "in memory (data deleted on exit)"
			}
			_, _ = fmt.Fprintf(cmd.OutOrStdout(),
				"sluice standalone ready: controller tcp://%s, segment store %s, REST http://%s/v1, %s (started in %s)\n",
				node.ControllerAddr(), node.SegmentStoreAddr(), node.RESTAddr(), mode, node.StartupTime().Round(1e6))
			<-cmd.Context().Done()
			logger.Info("shutting down")
			return node.Close()
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "./data", "directory for metadata, journal and long-term storage")
	cmd.Flags().BoolVar(&inMemory, "in-memory", false, "throwaway node: temporary data, no fsync, deleted on exit")
	cmd.Flags().StringVar(&controllerAddr, "controller-listen", "127.0.0.1:9090", "address of the controller's gRPC listener")
	cmd.Flags().StringVar(&restAddr, "rest-listen", "127.0.0.1:9091", "address of the REST admin API's HTTP listener")
	// --rest-address is the same flag under the name the REST issue used.
	cmd.Flags().StringVar(&restAddr, "rest-address", "127.0.0.1:9091", "same as --rest-listen")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	cmd.Flags().StringVar(&signingKeyFile, "auth-signing-key-file", "",
		"turn on delegation tokens, signed with the key in this file (segment store and controller share it)")
	cmd.Flags().DurationVar(&tokenTTL, "token-ttl", 10*time.Minute, "lifetime of delegation tokens")
	cmd.Flags().BoolVar(&profiling, "pprof", false,
		"serve Go runtime profiles (CPU, heap, goroutines, trace) at /debug/pprof/ on the REST listener")
	ss.register(cmd)
	scaling.register(cmd)
	return cmd
}
