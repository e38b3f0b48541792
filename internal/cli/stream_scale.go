package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// newStreamScaleCommand scales a stream by hand: split one segment, or
// merge adjacent ones.
func newStreamScaleCommand(cf *controllerFlags) *cobra.Command {
	var (
		split int32
		into  int
		merge []int32
	)
	cmd := &cobra.Command{
		Use:   "scale SCOPE/STREAM (--split NUMBER [--into N] | --merge NUMBER,NUMBER...)",
		Short: "Split a segment into equal parts or merge adjacent segments",
		Example: `  sluice stream scale demo/events --split 0 --into 4
  sluice stream scale demo/events --merge 3,4`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, stream, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			splitting := cmd.Flags().Changed("split")
			if splitting == (len(merge) > 0) {
				return fmt.Errorf("give exactly one of --split and --merge")
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				m := c.StreamManager()
				current, err := m.CurrentSegments(ctx, scope, stream)
				if err != nil {
					return err
				}
				byNumber := make(map[int32]client.SegmentRange, len(current))
				for _, s := range current {
					byNumber[s.Number()] = s
				}
				var seal []int64
				var ranges []client.KeyRange
				if splitting {
					s, ok := byNumber[split]
					if !ok {
						return fmt.Errorf("segment %d is not an active segment of %s/%s", split, scope, stream)
					}
					if into < 2 {
						return fmt.Errorf("--into %d: a split makes at least 2 segments", into)
					}
					seal = []int64{s.ID}
					step := (s.High - s.Low) / float64(into)
					for i := range into {
						r := client.KeyRange{Low: s.Low + float64(i)*step, High: s.Low + float64(i+1)*step}
						if i > 0 {
							r.Low = ranges[i-1].High
						}
						if i == into-1 {
							r.High = s.High
						}
						ranges = append(ranges, r)
					}
				} else {
					var parts []client.SegmentRange
					for _, n := range merge {
						s, ok := byNumber[n]
						if !ok {
							return fmt.Errorf("segment %d is not an active segment of %s/%s", n, scope, stream)
						}
						parts = append(parts, s)
					}
					slices.SortFunc(parts, func(a, b client.SegmentRange) int { return cmpFloat(a.Low, b.Low) })
					for i, p := range parts {
						if i > 0 && parts[i-1].High != p.Low {
							return fmt.Errorf("segments %d and %d are not adjacent", parts[i-1].Number(), p.Number())
						}
						seal = append(seal, p.ID)
					}
					ranges = []client.KeyRange{{Low: parts[0].Low, High: parts[len(parts)-1].High}}
				}
				created, err := m.Scale(ctx, scope, stream, seal, ranges)
				if err != nil {
					return err
				}
				var nums []string
				for _, s := range created {
					nums = append(nums, strconv.Itoa(int(s.Number())))
				}
				active, err := m.CurrentSegments(ctx, scope, stream)
				if err != nil {
					return err
				}
				return printf(cmd, "scaled %s/%s: new segments %s; %d active segments\n", scope, stream,
					strings.Join(nums, ", "), len(active))
			})
		},
	}
	cmd.Flags().Int32Var(&split, "split", 0, "number of the segment to split")
	cmd.Flags().IntVar(&into, "into", 2, "parts to split it into")
	cmd.Flags().Int32SliceVar(&merge, "merge", nil, "numbers of adjacent segments to merge")
	return cmd
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// newStreamScalingCommand shows a stream's scaling history from the REST
// API: each epoch, its segments, and why the auto-scaler made it.
func newStreamScalingCommand() *cobra.Command {
	var (
		restURL string
		since   time.Duration
		output  string
	)
	cmd := &cobra.Command{
		Use:   "scaling SCOPE/STREAM",
		Short: "Show a stream's scaling history and the auto-scaler's reasons",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, stream, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			to := time.Now().Add(time.Minute)
			from := int64(0)
			if since > 0 {
				from = time.Now().Add(-since).UnixMilli()
			}
			u := fmt.Sprintf("%s/v1/scopes/%s/streams/%s/scaling-events?from=%d&to=%d", strings.TrimSuffix(restURL, "/"),
				url.PathEscape(scope), url.PathEscape(stream), from, to.UnixMilli())
			var got struct {
				ScalingEvents []struct {
					Timestamp   int64             `json:"timestamp"`
					SegmentList []json.RawMessage `json:"segmentList"`
					Splits      int64             `json:"splits"`
					Merges      int64             `json:"merges"`
					Reason      string            `json:"reason,omitempty"`
				} `json:"scalingEvents"`
			}
			if err := getJSON(cmd.Context(), u, &got); err != nil {
				return err
			}
			return render(cmd, output, got.ScalingEvents, func(out io.Writer) error {
				for _, e := range got.ScalingEvents {
					why := e.Reason
					if why == "" && (e.Splits > 0 || e.Merges > 0) {
						why = "manual or before the controller's last start"
					}
					if _, err := fmt.Fprintf(out, "%s  %3d segments  splits %d  merges %d  %s\n",
						time.UnixMilli(e.Timestamp).Format(time.DateTime), len(e.SegmentList), e.Splits, e.Merges, why); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&restURL, "rest", "http://127.0.0.1:9091", "REST API base URL")
	cmd.Flags().DurationVar(&since, "since", 0, "only the last duration (e.g. 1h; default everything)")
	addOutputFlag(cmd, &output)
	return cmd
}

// getJSON GETs u and decodes a 200 reply into v; other replies become
// errors with the server's message.
func getJSON(ctx context.Context, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the REST API (is `sluice standalone` running? see --rest): %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return fmt.Errorf("%s: %s %s", u, resp.Status, e.Message)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// parseCut parses "NUMBER[.#epoch.E]:OFFSET" items separated by commas or
// spaces, as `sluice stream cut` prints them.
func parseCut(scope, stream, text string) (client.StreamCut, error) {
	cut := client.StreamCut{Scope: scope, Stream: stream, Positions: map[int64]int64{}}
	for _, item := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' }) {
		seg, off, ok := strings.Cut(item, ":")
		num, epoch, hasEpoch := strings.Cut(seg, ".#epoch.")
		n, err1 := strconv.ParseInt(num, 10, 32)
		e := int64(0)
		var err2 error
		if hasEpoch {
			e, err2 = strconv.ParseInt(epoch, 10, 32)
		}
		o, err3 := strconv.ParseInt(off, 10, 64)
		if !ok || err1 != nil || err2 != nil || err3 != nil || n < 0 || e < 0 || o < 0 {
			return client.StreamCut{}, fmt.Errorf("stream cut item %q: want NUMBER[.#epoch.E]:OFFSET", item)
		}
		cut.Positions[e<<32|n] = o
	}
	if len(cut.Positions) == 0 {
		return client.StreamCut{}, fmt.Errorf("empty stream cut %q", text)
	}
	return cut, nil
}

// formatCut prints a cut the way parseCut reads it.
func formatCut(cut client.StreamCut) string {
	var items []string
	for _, so := range cut.Segments() {
		items = append(items, fmt.Sprintf("%d.#epoch.%d:%d", so.Segment.Number(), so.Segment.Epoch(), so.Offset))
	}
	return strings.Join(items, ",")
}
