package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	pb "github.com/sluicestream/sluice/api/controller"
)

// splitStream parses "scope/stream".
func splitStream(arg string) (*pb.StreamInfo, error) {
	scope, stream, ok := strings.Cut(arg, "/")
	if !ok || scope == "" || stream == "" || strings.Contains(stream, "/") {
		return nil, fmt.Errorf("%q: want SCOPE/STREAM", arg)
	}
	return &pb.StreamInfo{Scope: scope, Stream: stream}, nil
}

// newStreamCommand manages streams: create, list, info, seal, delete.
func newStreamCommand() *cobra.Command {
	var (
		cf       controllerFlags
		segments int32
	)
	cmd := &cobra.Command{Use: "stream", Short: "Create, list, inspect, seal and delete streams"}
	cf.register(cmd)
	create := &cobra.Command{
		Use: "create SCOPE/STREAM", Short: "Create a stream with a fixed number of segments", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			si, err := splitStream(args[0])
			if err != nil {
				return err
			}
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.CreateStream(ctx, &pb.StreamConfig{StreamInfo: si, ScalingPolicy: &pb.ScalingPolicy{
					ScaleType: pb.ScalingPolicy_FIXED_NUM_SEGMENTS, MinNumSegments: segments}})
				if err != nil {
					return err
				}
				switch r.Status {
				case pb.CreateStreamStatus_SUCCESS:
					return printf(cmd, "created stream %s with %d segments\n", args[0], segments)
				case pb.CreateStreamStatus_STREAM_EXISTS:
					return printf(cmd, "stream %s already exists\n", args[0])
				}
				return fmt.Errorf("create stream %s: %s", args[0], r.Status)
			})
		},
	}
	create.Flags().Int32Var(&segments, "segments", 1, "number of segments")
	cmd.AddCommand(create, &cobra.Command{
		Use: "list SCOPE", Short: "List the streams of a scope", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				token := &pb.ContinuationToken{}
				for {
					r, err := c.ListStreamsInScope(ctx, &pb.StreamsInScopeRequest{Scope: &pb.ScopeInfo{Scope: args[0]},
						ContinuationToken: token})
					if err != nil {
						return err
					}
					if r.Status != pb.StreamsInScopeResponse_SUCCESS {
						return fmt.Errorf("list streams of %s: %s", args[0], r.Status)
					}
					for _, s := range r.Streams {
						if err := printf(cmd, "%s/%s\n", s.Scope, s.Stream); err != nil {
							return err
						}
					}
					if len(r.Streams) == 0 || r.ContinuationToken == nil {
						return nil
					}
					token = r.ContinuationToken
				}
			})
		},
	}, &cobra.Command{
		Use: "info SCOPE/STREAM", Short: "Show a stream's current segments", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			si, err := splitStream(args[0])
			if err != nil {
				return err
			}
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.GetCurrentSegments(ctx, si)
				if err != nil {
					return err
				}
				if len(r.SegmentRanges) == 0 {
					return printf(cmd, "%s: sealed (no active segments)\n", args[0])
				}
				if err := printf(cmd, "%s: %d active segments\n", args[0], len(r.SegmentRanges)); err != nil {
					return err
				}
				for _, s := range r.SegmentRanges {
					id := s.SegmentId.SegmentId
					if err := printf(cmd, "  segment %d (epoch %d)  keys [%.4f, %.4f)\n",
						int32(id), int32(id>>32), s.MinKey, s.MaxKey); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}, &cobra.Command{
		Use: "seal SCOPE/STREAM", Short: "Seal a stream: no more writes", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			si, err := splitStream(args[0])
			if err != nil {
				return err
			}
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.SealStream(ctx, si)
				if err != nil {
					return err
				}
				if r.Status != pb.UpdateStreamStatus_SUCCESS {
					return fmt.Errorf("seal stream %s: %s", args[0], r.Status)
				}
				return printf(cmd, "sealed stream %s\n", args[0])
			})
		},
	}, &cobra.Command{
		Use: "delete SCOPE/STREAM", Short: "Delete a sealed stream", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			si, err := splitStream(args[0])
			if err != nil {
				return err
			}
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.DeleteStream(ctx, si)
				if err != nil {
					return err
				}
				if r.Status != pb.DeleteStreamStatus_SUCCESS {
					return fmt.Errorf("delete stream %s: %s (seal it first)", args[0], r.Status)
				}
				return printf(cmd, "deleted stream %s\n", args[0])
			})
		},
	})
	return cmd
}
