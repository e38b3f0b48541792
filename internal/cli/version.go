package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/internal/wire"
)

// newVersionCommand prints the release and the wire protocol versions served.
func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the Sluice version and the wire protocol versions it speaks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "sluice %s (wire protocol %d..%d)\n",
				Version, wire.OldestCompatibleVersion, wire.Version)
			return err
		},
	}
}
