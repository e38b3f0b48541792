package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// writeOptions are the flags of `sluice write`.
type writeOptions struct {
	key       string
	keyed     bool
	separator string
	create    bool
	segments  int32
	output    string
}

// newWriteCommand writes events from arguments or standard input.
func newWriteCommand() *cobra.Command {
	var (
		cf controllerFlags
		o  writeOptions
	)
	cmd := &cobra.Command{
		Use:   "write SCOPE/STREAM [EVENT...]",
		Short: "Write events to a stream, from arguments or one per line from standard input",
		Long: `Write events to a stream. Each argument is one event; without arguments every line
of standard input is one event. Events with the same routing key keep their order;
--keyed takes the key from each line ("KEY<TAB>EVENT"). Writes are exactly-once
and acknowledged durable before the command exits.`,
		Example: `  sluice write demo/events "hello" "world"
  seq 1 1000 | sluice write demo/numbers --create --segments 4
  printf 'user1\tlogin\nuser2\tlogin\n' | sluice write demo/logins --keyed`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, stream, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				return runWrite(ctx, cmd, c, scope, stream, args[1:], o)
			})
		},
	}
	cf.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&o.key, "key", "k", "", "routing key of every event (default: none, events spread over segments)")
	fl.BoolVar(&o.keyed, "keyed", false, "take each line's routing key from the line: KEY<separator>EVENT")
	fl.StringVar(&o.separator, "separator", "\t", "separator between key and event with --keyed")
	fl.BoolVar(&o.create, "create", false, "create the scope and stream first if they do not exist")
	fl.Int32Var(&o.segments, "segments", 1, "segments of a stream created with --create")
	addOutputFlag(cmd, &o.output)
	return cmd
}

func runWrite(ctx context.Context, cmd *cobra.Command, c *client.Client, scope, stream string, args []string,
	o writeOptions) error {
	if o.create {
		m := c.StreamManager()
		if err := m.CreateScope(ctx, scope); err != nil && !errors.Is(err, client.ErrScopeExists) {
			return err
		}
		err := m.CreateStream(ctx, scope, stream, client.StreamConfig{Scaling: client.Fixed(o.segments)})
		if err != nil && !errors.Is(err, client.ErrStreamExists) {
			return err
		}
	}
	w, err := c.NewEventWriter(ctx, scope, stream, client.WriterConfig{})
	if err != nil {
		return fmt.Errorf("open a writer on %s/%s: %w", scope, stream, err)
	}
	began := time.Now()
	n := 0
	write := func(line string) error {
		key, event := o.key, line
		if o.keyed {
			var ok bool
			if key, event, ok = strings.Cut(line, o.separator); !ok {
				return fmt.Errorf("line %d has no key separator %q: %q", n+1, o.separator, line)
			}
		}
		n++
		return w.Write(ctx, key, []byte(event))
	}
	if len(args) > 0 {
		for _, a := range args {
			if err := write(a); err != nil {
				_ = w.Close(ctx)
				return err
			}
		}
	} else if err := writeLines(cmd, os.Stdin, write, &n); err != nil {
		_ = w.Close(ctx)
		return err
	}
	if err := w.Close(ctx); err != nil {
		return fmt.Errorf("flush %d events to %s/%s: %w", n, scope, stream, err)
	}
	took := time.Since(began)
	return render(cmd, o.output, map[string]any{"scope": scope, "stream": stream, "events": n,
		"seconds": took.Seconds()}, func(out io.Writer) error {
		_, err := fmt.Fprintf(out, "wrote %d events to %s/%s in %v\n", n, scope, stream, took.Round(time.Millisecond))
		return err
	})
}

// writeLines writes each line of r, showing progress on a terminal.
func writeLines(cmd *cobra.Command, r io.Reader, write func(string) error, n *int) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), client.MaxEventSize)
	progress := newProgress(cmd, "events written")
	defer progress.done(n)
	for sc.Scan() {
		if err := write(sc.Text()); err != nil {
			return err
		}
		progress.update(*n)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	return nil
}
