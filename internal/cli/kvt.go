package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// `sluice kvt`: key-value tables (Java-compatible): create, list, info,
// delete here; put, get, remove, entries and list-keys in kvt_data.go.

// newKVTCommand manages key-value tables and their entries.
func newKVTCommand() *cobra.Command {
	var cf controllerFlags
	cmd := &cobra.Command{Use: "kvt", Aliases: []string{"table"},
		Short: "Create, list and delete key-value tables; put, get, remove and list their entries",
		Long: `Key-value tables, compatible with the Pravega Java client's KeyValueTable.
Every key is a primary key of the table's fixed length, plus a secondary key
of its fixed length if the table has one (--secondary). Keys are given as text,
padded with zero bytes to the length (longer ones are refused), or as hex
with --hex (exact length). Keys print as text without the padding, or as hex
when not printable.`}
	cf.register(cmd)
	cmd.AddCommand(newKVTCreateCommand(&cf), newKVTListCommand(&cf), newKVTInfoCommand(&cf), newKVTDeleteCommand(&cf),
		newKVTPutCommand(&cf), newKVTGetCommand(&cf), newKVTRemoveCommand(&cf), newKVTEntriesCommand(&cf, false),
		newKVTEntriesCommand(&cf, true))
	return cmd
}

// withTimeout runs fn with a client and the --timeout limit.
func (f *controllerFlags) withTimeout(cmd *cobra.Command, fn func(ctx context.Context, c *client.Client) error) error {
	return f.withClient(cmd, func(ctx context.Context, c *client.Client) error {
		ctx, cancel := context.WithTimeout(ctx, f.timeout)
		defer cancel()
		return fn(ctx, c)
	})
}

func newKVTCreateCommand(cf *controllerFlags) *cobra.Command {
	var cfg client.KVTConfig
	cmd := &cobra.Command{
		Use:     "create SCOPE/TABLE --partitions N --key-length L [--secondary-key-length S]",
		Short:   "Create a key-value table",
		Example: `  sluice kvt create demo/users --partitions 4 --key-length 16 --secondary-key-length 8`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, name, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			if cfg.PrimaryKeyLength <= 0 {
				return fmt.Errorf("give --key-length, the primary key length in bytes (at least 1)")
			}
			return cf.withTimeout(cmd, func(ctx context.Context, c *client.Client) error {
				if err := c.StreamManager().CreateKeyValueTable(ctx, scope, name, cfg); err != nil {
					return err
				}
				return printf(cmd, "created key-value table %s with %d partitions, %d-byte primary and %d-byte secondary keys\n",
					args[0], cfg.Partitions, cfg.PrimaryKeyLength, cfg.SecondaryKeyLength)
			})
		},
	}
	fl := cmd.Flags()
	fl.Int32Var(&cfg.Partitions, "partitions", 1, "number of table segments")
	fl.Int32Var(&cfg.PrimaryKeyLength, "key-length", 0, "primary key length in bytes")
	fl.Int32Var(&cfg.SecondaryKeyLength, "secondary-key-length", 0, "secondary key length in bytes (0: none)")
	return cmd
}

func newKVTListCommand(cf *controllerFlags) *cobra.Command {
	return withOutput(&cobra.Command{
		Use: "list SCOPE", Short: "List the key-value tables of a scope", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names := []string{}
			err := cf.withTimeout(cmd, func(ctx context.Context, c *client.Client) error {
				for n, err := range c.StreamManager().ListKeyValueTables(ctx, args[0]) {
					if err != nil {
						return err
					}
					names = append(names, args[0]+"/"+n)
				}
				return nil
			})
			if err != nil {
				return err
			}
			return renderLines(cmd, names)
		},
	})
}

func newKVTInfoCommand(cf *controllerFlags) *cobra.Command {
	return withOutput(&cobra.Command{
		Use: "info SCOPE/TABLE", Short: "Show a key-value table's configuration and entry count", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withKVT(cmd, cf, args[0], func(ctx context.Context, kvt *client.KeyValueTable) error {
				n, err := kvt.EntryCount(ctx)
				if err != nil {
					return err
				}
				cfg := kvt.Config()
				format, _ := cmd.Flags().GetString("output")
				return render(cmd, format, map[string]any{"table": args[0], "partitions": cfg.Partitions,
					"primaryKeyLength": cfg.PrimaryKeyLength, "secondaryKeyLength": cfg.SecondaryKeyLength,
					"entries": n}, func(out io.Writer) error {
					_, err := fmt.Fprintf(out, "table           %s\npartitions      %d\nprimary key     %d bytes\n"+
						"secondary key   %d bytes\nentries         %d\n", args[0], cfg.Partitions, cfg.PrimaryKeyLength,
						cfg.SecondaryKeyLength, n)
					return err
				})
			})
		},
	})
}

func newKVTDeleteCommand(cf *controllerFlags) *cobra.Command {
	return &cobra.Command{
		Use: "delete SCOPE/TABLE", Short: "Delete a key-value table and its entries", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, name, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			return cf.withTimeout(cmd, func(ctx context.Context, c *client.Client) error {
				if err := c.StreamManager().DeleteKeyValueTable(ctx, scope, name); err != nil {
					return err
				}
				return printf(cmd, "deleted key-value table %s\n", args[0])
			})
		},
	}
}

// withKVT opens SCOPE/TABLE and runs fn with it, within --timeout.
func withKVT(cmd *cobra.Command, cf *controllerFlags, arg string, fn func(ctx context.Context, kvt *client.KeyValueTable) error) error {
	scope, name, err := splitScopeStream(arg)
	if err != nil {
		return err
	}
	return cf.withTimeout(cmd, func(ctx context.Context, c *client.Client) error {
		kvt, err := c.OpenKeyValueTable(ctx, scope, name)
		if err != nil {
			return err
		}
		return fn(ctx, kvt)
	})
}
