package client_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sluicestream/sluice/client"
)

// setupStream creates examples/<stream> with n segments and writes events.
func setupStream(ctx context.Context, c *client.Client, stream string, n int32, events ...string) {
	m := c.StreamManager()
	if err := m.CreateScope(ctx, "examples"); err != nil && !isExists(err) {
		must(err)
	}
	must(m.CreateStream(ctx, "examples", stream, client.StreamConfig{Scaling: client.Fixed(n)}))
	w, err := c.NewEventWriter(ctx, "examples", stream, client.WriterConfig{})
	must(err)
	for _, ev := range events {
		must(w.Write(ctx, ev, []byte(ev)))
	}
	must(w.Close(ctx))
}

func isExists(err error) bool { return errors.Is(err, client.ErrScopeExists) }

// A reader group shares a stream's segments among its readers; each event
// goes to one reader. A reader that dies is declared offline and its
// segments go to the others.
func ExampleClient_CreateReaderGroup() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	setupStream(ctx, c, "orders", 2, "apples", "pears", "plums")

	g, err := c.CreateReaderGroup(ctx, "examples", "billing", client.ReaderGroupConfig{
		Streams: []client.GroupStream{{Scope: "examples", Stream: "orders"}}, // from the head
	})
	must(err)
	r, err := g.NewReader(ctx, "reader-1")
	must(err)
	var got []string
	for len(got) < 3 {
		ev, err := r.ReadNext(ctx)
		must(err)
		if ev.Checkpoint == "" {
			got = append(got, string(ev.Event))
		}
	}
	slices.Sort(got)
	fmt.Println(got)
	must(r.Close(ctx)) // leaves the group, recording its positions
	unread, err := g.UnreadBytes(ctx)
	must(err)
	fmt.Println("unread bytes:", unread)

	_, err = g.NewReader(ctx, "reader-2")
	must(err)
	must(g.ReaderOffline(ctx, "reader-2", nil)) // e.g. its process died
	readers, err := g.Readers(ctx)
	must(err)
	fmt.Println("readers:", readers)
	// Output:
	// [apples pears plums]
	// unread bytes: 0
	// readers: []
}

// A checkpoint: every reader returns a marker from ReadNext and the group
// records where each reader was; the positions restart a group later.
func ExampleReaderGroup_InitiateCheckpoint() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	setupStream(ctx, c, "orders", 1, "apples", "pears")

	g, err := c.CreateReaderGroup(ctx, "examples", "audit", client.ReaderGroupConfig{
		Streams:         []client.GroupStream{{Scope: "examples", Stream: "orders"}},
		RefreshInterval: 50 * time.Millisecond,
	})
	must(err)
	r, err := g.NewReader(ctx, "reader-1")
	must(err)
	defer r.Close(ctx)
	must(g.InitiateCheckpoint(ctx, "nightly"))
	for {
		ev, err := r.ReadNext(ctx)
		must(err)
		if ev.Checkpoint != "" {
			fmt.Println("reached checkpoint", ev.Checkpoint)
			break
		}
	}
	cuts, err := g.Checkpoint(ctx, "nightly")
	must(err)
	fmt.Println(len(cuts["examples/orders"].Positions), "segment in the checkpoint")
	// Output:
	// reached checkpoint nightly
	// 1 segment in the checkpoint
}

// A transaction's events become visible together when it commits.
func ExampleClient_BeginTxn() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	setupStream(ctx, c, "payments", 2)

	txn, err := c.BeginTxn(ctx, "examples", "payments", client.TxnConfig{Lease: 30 * time.Second})
	must(err)
	must(txn.Write(ctx, "account-1", []byte("debit 10")))
	must(txn.Write(ctx, "account-2", []byte("credit 10")))
	must(txn.Commit(ctx))
	st, err := txn.Wait(ctx) // the merge is asynchronous
	must(err)
	fmt.Println(st)
	all := client.StreamCut{Scope: "examples", Stream: "payments"}
	n := 0
	must(c.ReadBetween(ctx, all, all, func(client.Segment, []byte) error { n++; return nil }))
	fmt.Println(n, "events")
	// Output:
	// COMMITTED
	// 2 events
}
