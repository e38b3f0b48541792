package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// newReaderGroupCommand manages reader groups and reads through them.
func newReaderGroupCommand() *cobra.Command {
	var cf controllerFlags
	cmd := &cobra.Command{Use: "rg", Aliases: []string{"readergroup"},
		Short: "Create, inspect, delete and read through reader groups"}
	cf.register(cmd)
	cmd.AddCommand(newRGCreateCommand(&cf), newRGInfoCommand(&cf), newRGDeleteCommand(&cf), newRGReadCommand(&cf),
		newRGListCommand())
	return cmd
}

func newRGCreateCommand(cf *controllerFlags) *cobra.Command {
	var (
		streams  []string
		fromTail bool
	)
	cmd := &cobra.Command{
		Use:     "create SCOPE/GROUP --stream SCOPE/STREAM [--stream ...]",
		Short:   "Create a reader group over one or more streams, from their head (or --from-tail)",
		Example: `  sluice rg create demo/workers --stream demo/events`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, group, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			if len(streams) == 0 {
				return errors.New("give at least one --stream SCOPE/STREAM")
			}
			cfg := client.ReaderGroupConfig{}
			for _, s := range streams {
				sc, st, err := splitScopeStream(s)
				if err != nil {
					return err
				}
				cfg.Streams = append(cfg.Streams, client.GroupStream{Scope: sc, Stream: st, FromTail: fromTail})
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				if _, err := c.CreateReaderGroup(ctx, scope, group, cfg); err != nil {
					return err
				}
				return printf(cmd, "created reader group %s/%s over %s\n", scope, group, strings.Join(streams, ", "))
			})
		},
	}
	cmd.Flags().StringArrayVar(&streams, "stream", nil, "a stream to read (repeat for several)")
	cmd.Flags().BoolVar(&fromTail, "from-tail", false, "start at the streams' tails instead of their heads")
	return cmd
}

// rgInfo is what `sluice rg info` reports.
type rgInfo struct {
	Group       string            `json:"group"`
	Streams     []string          `json:"streams"`
	Readers     []string          `json:"readers"`
	UnreadBytes int64             `json:"unreadBytes"`
	Positions   map[string]string `json:"positions"` // stream → cut as `sluice stream cut` prints it
}

func newRGInfoCommand(cf *controllerFlags) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "info SCOPE/GROUP",
		Short: "Show a reader group's streams, online readers, position and unread bytes",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, group, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				g, err := c.ReaderGroup(ctx, scope, group)
				if err != nil {
					return err
				}
				info := rgInfo{Group: scope + "/" + group, Positions: map[string]string{}}
				cfg, err := g.Config(ctx)
				if err != nil {
					return err
				}
				for _, s := range cfg.Streams {
					info.Streams = append(info.Streams, s.Scope+"/"+s.Stream)
				}
				if info.Readers, err = g.Readers(ctx); err != nil {
					return err
				}
				slices.Sort(info.Readers)
				if info.UnreadBytes, err = g.UnreadBytes(ctx); err != nil {
					return err
				}
				cuts, err := g.StreamCuts(ctx)
				if err != nil {
					return err
				}
				for s, cut := range cuts {
					info.Positions[s] = formatCut(cut)
				}
				return render(cmd, output, info, func(out io.Writer) error {
					_, err := fmt.Fprintf(out, "reader group  %s\nstreams       %s\nreaders       %s\nunread bytes  %d\n",
						info.Group, strings.Join(info.Streams, " "), strings.Join(info.Readers, " "), info.UnreadBytes)
					for _, s := range slices.Sorted(maps.Keys(info.Positions)) {
						if err == nil {
							_, err = fmt.Fprintf(out, "position      %s %s\n", s, info.Positions[s])
						}
					}
					return err
				})
			})
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

func newRGDeleteCommand(cf *controllerFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete SCOPE/GROUP",
		Short: "Delete a reader group (its readers stop being able to read)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, group, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				if err := c.DeleteReaderGroup(ctx, scope, group); err != nil {
					return err
				}
				return printf(cmd, "deleted reader group %s/%s\n", scope, group)
			})
		},
	}
}

func newRGReadCommand(cf *controllerFlags) *cobra.Command {
	var (
		reader string
		max    int
		idle   time.Duration
		follow bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "read SCOPE/GROUP",
		Short: "Read events as one reader of a group (others may read the rest in parallel)",
		Long: `Join the group as a reader and print the events it is given, one per line (or JSON
with -o json). Several 'sluice rg read' processes on one group share its segments; each
event goes to exactly one of them. It stops after --max events, after --idle without
events (default 2s), or never with --follow; it leaves the group on exit, handing its
segments and position to the other readers.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, group, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			if output != "text" && output != "json" {
				return fmt.Errorf("--output %q: want text or json", output)
			}
			if reader == "" {
				host, _ := os.Hostname()
				reader = fmt.Sprintf("sluice-cli-%s-%d", host, os.Getpid())
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				g, err := c.ReaderGroup(ctx, scope, group)
				if err != nil {
					return err
				}
				r, err := g.NewReader(ctx, reader)
				if err != nil {
					return err
				}
				defer func() { _ = r.Close(context.WithoutCancel(ctx)) }()
				return readGroup(ctx, cmd, r, max, idle, follow, output)
			})
		},
	}
	cmd.Flags().StringVar(&reader, "reader", "", "reader id (default: sluice-cli-<host>-<pid>)")
	cmd.Flags().IntVarP(&max, "max", "n", 0, "stop after this many events (0: no limit)")
	cmd.Flags().DurationVar(&idle, "idle", 2*time.Second, "stop after this long without events")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep reading until interrupted")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func readGroup(ctx context.Context, cmd *cobra.Command, r *client.Reader, max int, idle time.Duration, follow bool,
	output string) error {
	out := cmd.OutOrStdout()
	n := 0
	for max == 0 || n < max {
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if !follow {
			rctx, cancel = context.WithTimeout(ctx, idle)
		}
		ev, err := r.ReadNext(rctx)
		cancel()
		if err != nil {
			if !follow && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				return nil // idle: everything there was is read
			}
			if ctx.Err() != nil {
				return nil // interrupted
			}
			return err
		}
		if ev.Event == nil {
			continue // a checkpoint marker
		}
		n++
		if output == "json" {
			err = writeJSONLine(out, toReadEvent(ev.Segment, ev.Offset, ev.Event))
		} else {
			_, err = fmt.Fprintln(out, string(ev.Event))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// newRGListCommand lists a scope's reader groups through the REST API
// (the controller's gRPC API has no such call).
func newRGListCommand() *cobra.Command {
	var (
		restURL string
		output  string
	)
	cmd := &cobra.Command{
		Use:   "list SCOPE",
		Short: "List the reader groups of a scope (through the REST API)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var got struct {
				ReaderGroups []struct {
					ReaderGroupName string `json:"readerGroupName"`
				} `json:"readerGroups"`
			}
			u := fmt.Sprintf("%s/v1/scopes/%s/readergroups", strings.TrimSuffix(restURL, "/"), url.PathEscape(args[0]))
			if err := getJSON(cmd.Context(), u, &got); err != nil {
				return err
			}
			names := []string{}
			for _, g := range got.ReaderGroups {
				names = append(names, args[0]+"/"+g.ReaderGroupName)
			}
			slices.Sort(names)
			return render(cmd, output, names, func(w io.Writer) error {
				for _, n := range names {
					if _, err := fmt.Fprintln(w, n); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&restURL, "rest", "http://127.0.0.1:9091", "REST API base URL")
	addOutputFlag(cmd, &output)
	return cmd
}
