package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// addOutputFlag adds --output (-o): "table" for people, "json" for scripts.
func addOutputFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVarP(p, "output", "o", "table", "output format: table or json")
}

// withOutput adds --output to cmd and returns it.
func withOutput(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().StringP("output", "o", "table", "output format: table or json")
	return cmd
}

// renderLines prints items one per line, or as a JSON array, as the
// command's --output says.
func renderLines(cmd *cobra.Command, items []string) error {
	format, _ := cmd.Flags().GetString("output")
	return render(cmd, format, items, func(out io.Writer) error {
		for _, it := range items {
			if _, err := fmt.Fprintln(out, it); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

// render writes v as indented JSON, or calls table for the human format.
func render(cmd *cobra.Command, format string, v any, table func(io.Writer) error) error {
	out := cmd.OutOrStdout()
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "table", "":
		return table(out)
	}
	return fmt.Errorf("unknown output format %q (want table or json)", format)
}

// progress shows a running count on standard error while it is a
// terminal, at most a few times a second; otherwise it is silent.
type progress struct {
	w     io.Writer
	what  string
	began time.Time
	last  time.Time
}

func newProgress(cmd *cobra.Command, what string) *progress {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !isTerminal(f) {
		return &progress{}
	}
	now := time.Now()
	return &progress{w: f, what: what, began: now, last: now}
}

func (p *progress) update(n int) {
	if p.w == nil || time.Since(p.last) < 250*time.Millisecond {
		return
	}
	p.last = time.Now()
	rate := float64(n) / time.Since(p.began).Seconds()
	_, _ = fmt.Fprintf(p.w, "\r%d %s (%.0f/s)   ", n, p.what, rate)
}

func (p *progress) done(n *int) {
	if p.w != nil && p.last != p.began {
		_, _ = fmt.Fprintf(p.w, "\r%d %s%20s\n", *n, p.what, "")
	}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
