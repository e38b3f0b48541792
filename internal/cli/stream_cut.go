package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// newStreamCutCommand prints a stream's head or tail stream cut.
func newStreamCutCommand(cf *controllerFlags) *cobra.Command {
	var (
		head   bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "cut SCOPE/STREAM",
		Short: "Print the stream cut at the stream's tail (now) or head",
		Long: `Print a stream cut: for each segment, the offset of a position in the stream.
The tail cut marks "now"; give it to 'sluice stream truncate --cut' later to drop
everything written before this moment.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, stream, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				cut, err := c.TailCut(ctx, scope, stream)
				if head {
					cut, err = c.HeadCut(ctx, scope, stream)
				}
				if err != nil {
					return err
				}
				return render(cmd, output, cutJSON(cut), func(out io.Writer) error {
					_, err := fmt.Fprintln(out, formatCut(cut))
					return err
				})
			})
		},
	}
	cmd.Flags().BoolVar(&head, "head", false, "the head (oldest readable position) instead of the tail")
	addOutputFlag(cmd, &output)
	return cmd
}

type cutPosition struct {
	Segment string `json:"segment"`
	Offset  int64  `json:"offset"`
}

func cutJSON(cut client.StreamCut) []cutPosition {
	out := []cutPosition{}
	for _, so := range cut.Segments() {
		out = append(out, cutPosition{Segment: so.Segment.Name(), Offset: so.Offset})
	}
	return out
}

// newStreamTruncateCommand truncates a stream at a stream cut.
func newStreamTruncateCommand(cf *controllerFlags) *cobra.Command {
	var cutText string
	cmd := &cobra.Command{
		Use:   "truncate SCOPE/STREAM [--cut CUT]",
		Short: "Drop a stream's data before a stream cut (default: everything written so far)",
		Example: `  cut=$(sluice stream cut demo/events)    # remember "now"
  sluice stream truncate demo/events --cut "$cut"
  sluice stream truncate demo/events       # drop everything written so far`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, stream, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				var cut client.StreamCut
				if cutText == "" {
					cut, err = c.TailCut(ctx, scope, stream)
				} else {
					cut, err = parseCut(scope, stream, cutText)
				}
				if err != nil {
					return err
				}
				if err := c.StreamManager().TruncateStream(ctx, cut); err != nil {
					return err
				}
				return printf(cmd, "truncated %s/%s at %s\n", scope, stream, formatCut(cut))
			})
		},
	}
	cmd.Flags().StringVar(&cutText, "cut", "", "stream cut as printed by 'sluice stream cut' (NUMBER.#epoch.E:OFFSET,...)")
	return cmd
}
