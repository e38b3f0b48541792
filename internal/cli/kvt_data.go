package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// `sluice kvt put|get|remove|entries|list-keys`: the entries of a
// key-value table.

// kvtKeyFlags say how KEY arguments are read.
type kvtKeyFlags struct {
	hex       bool
	secondary string
}

func (f *kvtKeyFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.hex, "hex", false, "keys (KEY, --secondary, --prefix) are hex, of exactly the key length")
	cmd.Flags().StringVarP(&f.secondary, "secondary", "s", "", "secondary key (tables with secondary keys)")
}

// keyPart turns text or hex into n key bytes: text is padded with zero
// bytes, hex must be exact; prefix allows fewer bytes and does not pad.
func keyPart(s string, isHex bool, n int, what string, prefix bool) ([]byte, error) {
	b := []byte(s)
	if isHex {
		var err error
		if b, err = hex.DecodeString(s); err != nil {
			return nil, fmt.Errorf("%s %q is not hex: %w", what, s, err)
		}
	}
	switch {
	case len(b) > n:
		return nil, fmt.Errorf("%s %q is %d bytes; the table's %ss are %d bytes", what, s, len(b), what, n)
	case prefix:
		return b, nil
	case isHex && len(b) != n:
		return nil, fmt.Errorf("%s %q is %d bytes; the table's %ss are exactly %d bytes (hex keys are not padded)",
			what, s, len(b), what, n)
	}
	return append(b, make([]byte, n-len(b))...), nil
}

// key reads a KEY argument and --secondary against the table's lengths.
func (f *kvtKeyFlags) key(cfg client.KVTConfig, primary string) (client.TableKey, error) {
	pk, err := keyPart(primary, f.hex, int(cfg.PrimaryKeyLength), "primary key", false)
	if err != nil {
		return client.TableKey{}, err
	}
	k := client.TableKey{Primary: pk}
	switch {
	case cfg.SecondaryKeyLength == 0 && f.secondary != "":
		return client.TableKey{}, errors.New("the table has no secondary keys; drop --secondary")
	case cfg.SecondaryKeyLength > 0:
		if k.Secondary, err = keyPart(f.secondary, f.hex, int(cfg.SecondaryKeyLength), "secondary key", false); err != nil {
			return client.TableKey{}, err
		}
	}
	return k, nil
}

// showKey renders key bytes as text without the zero padding, or as hex
// ("0x...") when that text would not be printable.
func showKey(b []byte) string {
	t := bytes.TrimRight(b, "\x00")
	if len(t) > 0 && utf8.Valid(t) && bytes.IndexFunc(t, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return string(t)
	}
	return "0x" + hex.EncodeToString(b)
}

func showTableKey(k client.TableKey) string {
	if len(k.Secondary) == 0 {
		return showKey(k.Primary)
	}
	return showKey(k.Primary) + "/" + showKey(k.Secondary)
}

// kvtEntryJSON is an entry in -o json.
type kvtEntryJSON struct {
	Key       string `json:"key"`
	Secondary string `json:"secondary,omitempty"`
	KeyHex    string `json:"keyHex"`
	Value     string `json:"value,omitempty"`
	ValueHex  string `json:"valueHex,omitempty"`
	Version   string `json:"version,omitempty"`
}

func entryJSON(k client.TableKey, value []byte, v client.KeyVersion, withValue bool) kvtEntryJSON {
	e := kvtEntryJSON{Key: showKey(k.Primary), KeyHex: hex.EncodeToString(append(bytes.Clone(k.Primary), k.Secondary...))}
	if len(k.Secondary) > 0 {
		e.Secondary = showKey(k.Secondary)
	}
	if withValue {
		if utf8.Valid(value) {
			e.Value = string(value)
		} else {
			e.ValueHex = hex.EncodeToString(value)
		}
	}
	if !v.IsZero() {
		e.Version = v.String()
	}
	return e
}

func newKVTPutCommand(cf *controllerFlags) *cobra.Command {
	var (
		kf       kvtKeyFlags
		ifAbsent bool
		version  string
		output   string
	)
	cmd := &cobra.Command{
		Use:   "put SCOPE/TABLE KEY VALUE",
		Short: "Set a key's value: unconditionally, only if absent (--if-absent), or only at a version (--version)",
		Example: `  sluice kvt put demo/users alice '{"age": 30}'
  sluice kvt put demo/users alice '{"age": 31}' --version 0:52`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ifAbsent && version != "" {
				return errors.New("give --if-absent or --version, not both")
			}
			var ver client.KeyVersion
			if version != "" {
				var err error
				if ver, err = client.ParseKeyVersion(version); err != nil {
					return err
				}
			}
			return withKVT(cmd, cf, args[0], func(ctx context.Context, kvt *client.KeyValueTable) error {
				k, err := kf.key(kvt.Config(), args[1])
				if err != nil {
					return err
				}
				var v client.KeyVersion
				switch {
				case ifAbsent:
					v, err = kvt.PutIfAbsent(ctx, k, []byte(args[2]))
					if errors.Is(err, client.ErrKeyExists) {
						return fmt.Errorf("key %s already has a value in %s (without --if-absent it is replaced)", showTableKey(k), args[0])
					}
				default:
					v, err = kvt.Replace(ctx, k, []byte(args[2]), ver)
				}
				if err != nil {
					return conditionError(err, k, args[0], version)
				}
				return render(cmd, output, entryJSON(k, nil, v, false), func(out io.Writer) error {
					_, err := fmt.Fprintf(out, "put %s (version %s)\n", showTableKey(k), v)
					return err
				})
			})
		},
	}
	kf.register(cmd)
	cmd.Flags().BoolVar(&ifAbsent, "if-absent", false, "only if the key has no value")
	cmd.Flags().StringVar(&version, "version", "", "only if the key has this version (SEGMENT:VERSION, as printed by put and get)")
	addOutputFlag(cmd, &output)
	return cmd
}

// conditionError explains a failed conditional update or removal.
func conditionError(err error, k client.TableKey, table, version string) error {
	switch {
	case errors.Is(err, client.ErrBadKeyVersion):
		return fmt.Errorf("key %s of %s is not at version %s (changed meanwhile?): %w", showTableKey(k), table, version, err)
	case errors.Is(err, client.ErrKeyNotFound):
		return fmt.Errorf("key %s of %s has no value (removed meanwhile?): %w", showTableKey(k), table, err)
	}
	return err
}

func newKVTGetCommand(cf *controllerFlags) *cobra.Command {
	var (
		kf     kvtKeyFlags
		output string
	)
	cmd := &cobra.Command{
		Use: "get SCOPE/TABLE KEY", Short: "Print a key's value (-o json: with its version)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withKVT(cmd, cf, args[0], func(ctx context.Context, kvt *client.KeyValueTable) error {
				k, err := kf.key(kvt.Config(), args[1])
				if err != nil {
					return err
				}
				e, err := kvt.Get(ctx, k)
				if errors.Is(err, client.ErrKeyNotFound) {
					return fmt.Errorf("key %s not found in %s", showTableKey(k), args[0])
				}
				if err != nil {
					return err
				}
				return render(cmd, output, entryJSON(e.Key, e.Value, e.Version, true), func(out io.Writer) error {
					_, err := fmt.Fprintf(out, "%s\n", e.Value)
					return err
				})
			})
		},
	}
	kf.register(cmd)
	addOutputFlag(cmd, &output)
	return cmd
}

func newKVTRemoveCommand(cf *controllerFlags) *cobra.Command {
	var (
		kf      kvtKeyFlags
		version string
	)
	cmd := &cobra.Command{
		Use: "remove SCOPE/TABLE KEY", Short: "Remove a key (only at a version with --version)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ver client.KeyVersion
			if version != "" {
				var err error
				if ver, err = client.ParseKeyVersion(version); err != nil {
					return err
				}
			}
			return withKVT(cmd, cf, args[0], func(ctx context.Context, kvt *client.KeyValueTable) error {
				k, err := kf.key(kvt.Config(), args[1])
				if err != nil {
					return err
				}
				if err := kvt.Remove(ctx, k, ver); err != nil {
					return conditionError(err, k, args[0], version)
				}
				return printf(cmd, "removed %s\n", showTableKey(k))
			})
		},
	}
	kf.register(cmd)
	cmd.Flags().StringVar(&version, "version", "", "only if the key has this version (SEGMENT:VERSION)")
	return cmd
}

// newKVTEntriesCommand is `entries` (keys and values) or `list-keys`.
func newKVTEntriesCommand(cf *controllerFlags, keysOnly bool) *cobra.Command {
	var (
		kf     kvtKeyFlags
		prefix string
		pk     string
		limit  int
		output string
	)
	use, short := "entries SCOPE/TABLE", "List entries in key order: KEY<TAB>VALUE (-o json: one object a line)"
	if keysOnly {
		use, short = "list-keys SCOPE/TABLE", "List keys in key order (-o json: one object a line)"
	}
	cmd := &cobra.Command{
		Use: use, Short: short, Args: cobra.ExactArgs(1),
		Example: `  sluice kvt entries demo/users --prefix al
  sluice kvt list-keys demo/orders --key alice -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if prefix != "" && pk != "" {
				return errors.New("give --prefix or --key, not both")
			}
			scope, name, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			// No overall time limit: a table may be large.
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				kvt, err := c.OpenKeyValueTable(ctx, scope, name)
				if err != nil {
					return err
				}
				return listKVT(ctx, cmd, kvt, kf, prefix, pk, limit, keysOnly, output)
			})
		},
	}
	kf.register(cmd)
	cmd.Flags().StringVar(&prefix, "prefix", "", "only primary keys starting with this prefix")
	cmd.Flags().StringVar(&pk, "key", "", "only this primary key (with all its secondary keys)")
	cmd.Flags().IntVar(&limit, "max", 0, "stop after this many (0: all)")
	addOutputFlag(cmd, &output)
	return cmd
}

func listKVT(ctx context.Context, cmd *cobra.Command, kvt *client.KeyValueTable, kf kvtKeyFlags, prefix, pk string,
	limit int, keysOnly bool, output string) error {
	if output != "json" && output != "table" && output != "" {
		return fmt.Errorf("unknown output format %q (want table or json)", output)
	}
	cfg := kvt.Config()
	scan := client.ScanAll()
	switch {
	case prefix != "":
		p, err := keyPart(prefix, kf.hex, int(cfg.PrimaryKeyLength), "primary key prefix", true)
		if err != nil {
			return err
		}
		scan = client.ScanPrimaryPrefix(p)
	case pk != "":
		k, err := keyPart(pk, kf.hex, int(cfg.PrimaryKeyLength), "primary key", false)
		if err != nil {
			return err
		}
		scan = client.ScanPrimaryKey(k)
	}
	out := cmd.OutOrStdout()
	n := 0
	emit := func(k client.TableKey, value []byte, v client.KeyVersion) error {
		n++
		if output == "json" {
			return writeJSONLine(out, entryJSON(k, value, v, !keysOnly))
		}
		if keysOnly {
			_, err := fmt.Fprintln(out, showTableKey(k))
			return err
		}
		_, err := fmt.Fprintf(out, "%s\t%s\n", showTableKey(k), value)
		return err
	}
	if keysOnly {
		for k, err := range kvt.Keys(ctx, scan) {
			if err != nil {
				return err
			}
			if err := emit(k, nil, client.KeyVersion{}); err != nil {
				return err
			}
			if n == limit {
				break
			}
		}
		return nil
	}
	for e, err := range kvt.Entries(ctx, scan) {
		if err != nil {
			return err
		}
		if err := emit(e.Key, e.Value, e.Version); err != nil {
			return err
		}
		if n == limit {
			break
		}
	}
	return nil
}
