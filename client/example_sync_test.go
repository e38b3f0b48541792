package client_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicestream/sluice/client"
)

// Keep a shared set of members in step between processes with a state
// synchronizer: each update is appended only if no other came first.
func ExampleSynchronizer() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "examples"))
	must(m.CreateStream(ctx, "examples", "members", client.StreamConfig{Scaling: client.Fixed(1)}))

	rs, err := c.RevisionedStream(ctx, "examples", "members")
	must(err)
	// The state is a sorted, comma-separated list; an update adds a name.
	apply := func(state string, update []byte) (string, error) {
		names := append(strings.Split(state, ","), string(update))
		if state == "" {
			names = names[1:]
		}
		return strings.Join(names, ","), nil
	}
	s, err := client.NewSynchronizer(ctx, rs, "", apply)
	must(err)
	for _, name := range []string{"ada", "grace"} {
		must(s.Update(ctx, func(state string) ([]byte, error) {
			if strings.Contains(state, name) {
				return nil, nil // already a member: no update
			}
			return []byte(name), nil
		}))
	}

	// Another process catches up by fetching the updates.
	other, err := client.NewSynchronizer(ctx, rs, "", apply)
	must(err)
	must(other.Fetch(ctx))
	fmt.Println(other.State())
	// Output: ada,grace
}
