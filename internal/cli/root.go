// Package cli holds the sluice command tree: one file per command.
package cli

import (
	"github.com/spf13/cobra"
)

// Version is the release this binary reports; set with -ldflags at build time.
var Version = "dev"

// NewRoot builds the root command with every subcommand attached.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "sluice",
		Short: "Sluice: elastic streaming storage, wire-compatible with Pravega",
		Long: `Sluice stores streams of events in elastic segments. It speaks the Pravega
wire protocol and controller API, so existing Pravega applications work unchanged.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCommand(), newStandaloneCommand(), newSegmentStoreCommand(), newScopeCommand(),
		newStreamCommand(), newWriteCommand(), newReadCommand(), newClusterCommand(),
		newReaderGroupCommand(), newKVTCommand())
	return root
}
