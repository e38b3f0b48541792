package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	pb "github.com/sluicestream/sluice/api/controller"
)

// newScopeCommand manages scopes: create, list, delete.
func newScopeCommand() *cobra.Command {
	var cf controllerFlags
	cmd := &cobra.Command{Use: "scope", Short: "Create, list and delete scopes"}
	cf.register(cmd)
	cmd.AddCommand(&cobra.Command{
		Use: "create SCOPE", Short: "Create a scope", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.CreateScope(ctx, &pb.ScopeInfo{Scope: args[0]})
				if err != nil {
					return err
				}
				switch r.Status {
				case pb.CreateScopeStatus_SUCCESS:
					return printf(cmd, "created scope %s\n", args[0])
				case pb.CreateScopeStatus_SCOPE_EXISTS:
					return printf(cmd, "scope %s already exists\n", args[0])
				}
				return fmt.Errorf("create scope %s: %s", args[0], r.Status)
			})
		},
	}, withOutput(&cobra.Command{
		Use: "list", Short: "List scopes", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			names := []string{}
			err := cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				token := &pb.ContinuationToken{}
				for {
					r, err := c.ListScopes(ctx, &pb.ScopesRequest{ContinuationToken: token})
					if err != nil {
						return err
					}
					names = append(names, r.Scopes...)
					if len(r.Scopes) == 0 || r.ContinuationToken == nil {
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
	}), &cobra.Command{
		Use: "delete SCOPE", Short: "Delete an empty scope", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cf.call(cmd, func(ctx context.Context, c pb.ControllerServiceClient) error {
				r, err := c.DeleteScope(ctx, &pb.ScopeInfo{Scope: args[0]})
				if err != nil {
					return err
				}
				if r.Status != pb.DeleteScopeStatus_SUCCESS {
					return fmt.Errorf("delete scope %s: %s", args[0], r.Status)
				}
				return printf(cmd, "deleted scope %s\n", args[0])
			})
		},
	})
	return cmd
}

func printf(cmd *cobra.Command, format string, args ...any) error {
	_, err := fmt.Fprintf(cmd.OutOrStdout(), format, args...)
	return err
}
