package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// withClient runs fn with a Go client connected to the controller,
// turning an unreachable controller into a clear message. Unlike call, it
// puts no time limit on fn (reads may follow a stream for ever); the
// client's requests have their own.
func (f *controllerFlags) withClient(cmd *cobra.Command, fn func(ctx context.Context, c *client.Client) error) error {
	ctx := cmd.Context()
	c, err := client.New(ctx, f.uri, client.WithDialTimeout(f.timeout))
	if err != nil {
		return fmt.Errorf("controller %s: %w", f.uri, err)
	}
	defer func() { _ = c.Close() }()
	if err := fn(ctx, c); err != nil {
		if errors.Is(err, client.ErrConnection) || strings.Contains(err.Error(), "connection refused") {
			return fmt.Errorf("cannot reach the controller at %s (is `sluice standalone` running?): %w", f.uri, err)
		}
		return err
	}
	return nil
}

// splitScopeStream parses "scope/stream".
func splitScopeStream(arg string) (scope, stream string, err error) {
	si, err := splitStream(arg)
	if err != nil {
		return "", "", err
	}
	return si.Scope, si.Stream, nil
}
