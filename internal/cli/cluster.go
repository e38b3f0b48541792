package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	pb "github.com/sluicestream/sluice/api/controller"
)

// clusterInfo is what `sluice cluster info` reports.
type clusterInfo struct {
	Controller    string   `json:"controller"`
	Controllers   []string `json:"controllers"`
	SegmentStores []string `json:"segmentStores"`
	REST          string   `json:"rest"`
	RESTHealth    string   `json:"restHealth"`
}

// probeStreams is how many stream names `cluster info` asks getURI about
// to find the segment stores: enough to hit every container of a cluster
// with high probability (the controller hashes names to containers).
const probeStreams = 256

// newClusterCommand groups cluster-wide views.
func newClusterCommand() *cobra.Command {
	var (
		cf      controllerFlags
		restURL string
		output  string
	)
	cmd := &cobra.Command{Use: "cluster", Short: "Show the cluster: controllers, segment stores, REST API"}
	cf.register(cmd)
	info := &cobra.Command{
		Use:   "info",
		Short: "Show the controllers, the segment stores and the REST API's health",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ci := clusterInfo{Controller: cf.uri, REST: restURL}
			err := cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				servers, err := c.GetControllerServerList(ctx, &pb.ServerRequest{})
				if err != nil {
					return err
				}
				for _, n := range servers.GetNodeURI() {
					ci.Controllers = append(ci.Controllers, net.JoinHostPort(n.GetEndpoint(), strconv.Itoa(int(n.GetPort()))))
				}
				stores := map[string]bool{}
				for i := range probeStreams {
					n, err := c.GetURI(ctx, &pb.SegmentId{StreamInfo: &pb.StreamInfo{Scope: "_probe",
						Stream: "s" + strconv.Itoa(i)}})
					if err != nil {
						return err
					}
					stores[net.JoinHostPort(n.GetEndpoint(), strconv.Itoa(int(n.GetPort())))] = true
				}
				for s := range stores {
					ci.SegmentStores = append(ci.SegmentStores, s)
				}
				slices.Sort(ci.SegmentStores)
				return nil
			})
			if err != nil {
				return err
			}
			var health struct{ Status string }
			if err := getJSON(cmd.Context(), strings.TrimSuffix(restURL, "/")+"/v1/health", &health); err != nil {
				ci.RESTHealth = "unreachable"
			} else {
				ci.RESTHealth = health.Status
			}
			return render(cmd, output, ci, func(out io.Writer) error {
				_, err := fmt.Fprintf(out, "controller      %s\ncontrollers     %s\nsegment stores  %s\nREST API        %s (%s)\n",
					ci.Controller, strings.Join(ci.Controllers, " "), strings.Join(ci.SegmentStores, " "), ci.REST, ci.RESTHealth)
				return err
			})
		},
	}
	info.Flags().StringVar(&restURL, "rest", "http://127.0.0.1:9091", "REST API base URL")
	addOutputFlag(info, &output)
	cmd.AddCommand(info)
	return cmd
}
