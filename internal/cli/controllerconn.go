package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/sluicestream/sluice/api/controller"
)

// controllerFlags locate the controller for the admin commands.
type controllerFlags struct {
	uri     string
	timeout time.Duration
}

func (f *controllerFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.uri, "controller", "tcp://127.0.0.1:9090", "controller URI (tcp://host:port)")
	cmd.PersistentFlags().DurationVar(&f.timeout, "timeout", 10*time.Second, "time limit for each request")
}

// dial connects to the controller; the caller closes the connection.
func (f *controllerFlags) dial() (pb.ControllerServiceClient, func(), error) {
	addr := strings.TrimPrefix(strings.TrimPrefix(f.uri, "tcp://"), "pravega://")
	if strings.HasPrefix(addr, "tls://") || strings.HasPrefix(addr, "pravegas://") {
		return nil, nil, fmt.Errorf("controller %s: TLS is not supported yet", f.uri)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, fmt.Errorf("controller %s: %w", f.uri, err)
	}
	return pb.NewControllerServiceClient(conn), func() { _ = conn.Close() }, nil
}

// call runs one request with the time limit, turning an unreachable
// controller into a clear message.
func (f *controllerFlags) call(cmd *cobra.Command, fn func(ctx context.Context, c pb.ControllerServiceClient) error) error {
	c, closeConn, err := f.dial()
	if err != nil {
		return err
	}
	defer closeConn()
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	defer cancel()
	if err := fn(ctx, c); err != nil {
		if ctx.Err() != nil || strings.Contains(err.Error(), "connection refused") {
			return fmt.Errorf("cannot reach the controller at %s (is `sluice standalone` running?): %w", f.uri, err)
		}
		return err
	}
	return nil
}
