package cli

import (
	"context"
	"fmt"
	"io"
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
	cmd := &cobra.Command{Use: "stream", Short: "Create, list, inspect, scale, truncate, seal and delete streams"}
	cf.register(cmd)
	var eventRate, kibRate, scaleFactor int32
	create := &cobra.Command{
		Use:   "create SCOPE/STREAM",
		Short: "Create a stream: fixed segments, or auto-scaled by event or data rate",
		Example: `  sluice stream create demo/events --segments 4
  sluice stream create demo/clicks --events-per-sec 1000 --scale-factor 2 --segments 1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			si, err := splitStream(args[0])
			if err != nil {
				return err
			}
			policy := &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_FIXED_NUM_SEGMENTS, MinNumSegments: segments}
			kind := fmt.Sprintf("%d segments", segments)
			switch {
			case eventRate > 0 && kibRate > 0:
				return fmt.Errorf("give --events-per-sec or --kib-per-sec, not both")
			case eventRate > 0:
				policy = &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_BY_RATE_IN_EVENTS_PER_SEC, TargetRate: eventRate,
					ScaleFactor: scaleFactor, MinNumSegments: segments}
				kind = fmt.Sprintf("auto-scaling at %d events/s per segment, at least %d segments", eventRate, segments)
			case kibRate > 0:
				policy = &pb.ScalingPolicy{ScaleType: pb.ScalingPolicy_BY_RATE_IN_KBYTES_PER_SEC, TargetRate: kibRate,
					ScaleFactor: scaleFactor, MinNumSegments: segments}
				kind = fmt.Sprintf("auto-scaling at %d KiB/s per segment, at least %d segments", kibRate, segments)
			}
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.CreateStream(ctx, &pb.StreamConfig{StreamInfo: si, ScalingPolicy: policy})
				if err != nil {
					return err
				}
				switch r.Status {
				case pb.CreateStreamStatus_SUCCESS:
					return printf(cmd, "created stream %s with %s\n", args[0], kind)
				case pb.CreateStreamStatus_STREAM_EXISTS:
					return printf(cmd, "stream %s already exists\n", args[0])
				}
				return fmt.Errorf("create stream %s: %s", args[0], r.Status)
			})
		},
	}
	create.Flags().Int32Var(&eventRate, "events-per-sec", 0, "auto-scale: target events/s per segment")
	create.Flags().Int32Var(&kibRate, "kib-per-sec", 0, "auto-scale: target KiB/s per segment")
	create.Flags().Int32Var(&scaleFactor, "scale-factor", 2, "auto-scale: most parts one split makes")
	create.Flags().Int32Var(&segments, "segments", 1, "number of segments (the minimum when auto-scaling)")
	cmd.AddCommand(newStreamScaleCommand(&cf), newStreamScalingCommand(), newStreamCutCommand(&cf),
		newStreamTruncateCommand(&cf))
	cmd.AddCommand(create, withOutput(&cobra.Command{
		Use: "list SCOPE", Short: "List the streams of a scope", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names := []string{}
			err := cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
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
						names = append(names, s.Scope+"/"+s.Stream)
					}
					if len(r.Streams) == 0 || r.ContinuationToken == nil {
						return nil
					}
					token = r.ContinuationToken
				}
			})
			if err != nil {
				return err
			}
			return renderLines(cmd, names)
		},
	}), withOutput(&cobra.Command{
		Use: "info SCOPE/STREAM", Short: "Show a stream's current segments", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			si, err := splitStream(args[0])
			if err != nil {
				return err
			}
			type segmentJSON struct {
				Number  int32   `json:"number"`
				Epoch   int32   `json:"epoch"`
				KeyLow  float64 `json:"keyLow"`
				KeyHigh float64 `json:"keyHigh"`
			}
			segs := []segmentJSON{}
			err = cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.GetCurrentSegments(ctx, si)
				if err != nil {
					return err
				}
				for _, s := range r.SegmentRanges {
					id := s.SegmentId.SegmentId
					segs = append(segs, segmentJSON{Number: int32(id), Epoch: int32(id >> 32), KeyLow: s.MinKey, KeyHigh: s.MaxKey})
				}
				return nil
			})
			if err != nil {
				return err
			}
			format, _ := cmd.Flags().GetString("output")
			return render(cmd, format, map[string]any{"stream": args[0], "sealed": len(segs) == 0, "segments": segs},
				func(out io.Writer) error {
					if len(segs) == 0 {
						_, err := fmt.Fprintf(out, "%s: sealed (no active segments)\n", args[0])
						return err
					}
					if _, err := fmt.Fprintf(out, "%s: %d active segments\n", args[0], len(segs)); err != nil {
						return err
					}
					for _, s := range segs {
						if _, err := fmt.Fprintf(out, "  segment %d (epoch %d)  keys [%.4f, %.4f)\n",
							s.Number, s.Epoch, s.KeyLow, s.KeyHigh); err != nil {
							return err
						}
					}
					return nil
				})
		},
	}), &cobra.Command{
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
