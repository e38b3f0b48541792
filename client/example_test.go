package client_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/sluicestream/sluice/client"
	"github.com/sluicestream/sluice/internal/standalone"
)

// startNode runs an in-memory Sluice node on free ports for an example and
// returns its controller URI. Applications connect to their cluster
// instead, e.g. "tcp://127.0.0.1:9090".
func startNode() (uri string, stop func()) {
	n, err := standalone.Start(context.Background(), standalone.Config{InMemory: true,
		ControllerAddress: "127.0.0.1:0", SegmentStoreAddress: "127.0.0.1:0", RESTAddress: "127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	return "tcp://" + n.ControllerAddr().String(), func() { _ = n.Close() }
}

// must stops an example on an error.
func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// Create a scope and a stream, write events and read them back.
func Example() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()

	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "examples"))
	must(m.CreateStream(ctx, "examples", "orders", client.StreamConfig{Scaling: client.Fixed(1)}))

	w, err := c.NewEventWriter(ctx, "examples", "orders", client.WriterConfig{})
	must(err)
	for _, order := range []string{"apples", "pears", "plums"} {
		must(w.Write(ctx, "customer-42", []byte(order)))
	}
	must(w.Close(ctx)) // flushes: every event is stored

	all := client.StreamCut{Scope: "examples", Stream: "orders"} // unbounded: head to tail
	must(c.ReadBetween(ctx, all, all, func(_ client.Segment, event []byte) error {
		fmt.Println(string(event))
		return nil
	}))
	// Output:
	// apples
	// pears
	// plums
}

// Connect with TLS and credentials. tls:// alone uses the system roots;
// WithTLS sets the configuration used for the controller and the segment
// stores. Credentials go to the controller on every call.
func ExampleNew() {
	ctx := context.Background()
	c, err := client.New(ctx, "tls://controller.example.com:9090",
		client.WithTLS(&tls.Config{MinVersion: tls.VersionTLS13}),
		client.WithCredentials(client.BasicCredentials("admin", "1111_aaaa")),
		client.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// A token provider hook for bearer tokens (e.g. from an OAuth server): it
// is asked for the token on every controller call.
func ExampleTokenCredentials() {
	creds := client.TokenCredentials("Bearer", func(ctx context.Context) (string, error) {
		return "token-from-your-identity-provider", nil
	})
	c, err := client.New(context.Background(), "tcp://127.0.0.1:9090", client.WithCredentials(creds))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// Scopes, streams, tags and the typed errors of the stream manager.
func ExampleStreamManager() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()

	must(m.CreateScope(ctx, "shop"))
	err = m.CreateScope(ctx, "shop")
	fmt.Println("create twice:", errors.Is(err, client.ErrScopeExists))

	must(m.CreateStream(ctx, "shop", "orders", client.StreamConfig{Scaling: client.Fixed(2), Tags: []string{"pii"}}))
	must(m.CreateStream(ctx, "shop", "clicks", client.StreamConfig{Scaling: client.Fixed(1)}))
	for name, err := range m.ListStreamsByTag(ctx, "shop", "pii") {
		must(err)
		fmt.Println("tagged pii:", name)
	}
	cfg, err := m.GetStreamConfig(ctx, "shop", "orders")
	must(err)
	cfg.Tags = append(cfg.Tags, "billing")
	must(m.UpdateStream(ctx, "shop", "orders", cfg))
	tags, err := m.StreamTags(ctx, "shop", "orders")
	must(err)
	fmt.Println("tags:", tags)

	err = m.DeleteStream(ctx, "shop", "clicks")
	fmt.Println("delete unsealed:", errors.Is(err, client.ErrStreamNotSealed))
	must(m.SealStream(ctx, "shop", "clicks"))
	must(m.DeleteStream(ctx, "shop", "clicks"))
	err = m.DeleteScope(ctx, "shop")
	fmt.Println("delete non-empty scope:", errors.Is(err, client.ErrScopeNotEmpty))
	must(m.DeleteScopeRecursive(ctx, "shop"))
	ok, err := m.ScopeExists(ctx, "shop")
	must(err)
	fmt.Println("scope exists:", ok)
	// Output:
	// create twice: true
	// tagged pii: orders
	// tags: [pii billing]
	// delete unsealed: true
	// delete non-empty scope: true
	// scope exists: false
}

// Split a segment by hand; writers follow the new segments on their own.
func ExampleStreamManager_Scale() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "iot"))
	must(m.CreateStream(ctx, "iot", "readings", client.StreamConfig{Scaling: client.Fixed(1)}))

	segs, err := m.CurrentSegments(ctx, "iot", "readings")
	must(err)
	_, err = m.Scale(ctx, "iot", "readings", []int64{segs[0].ID},
		[]client.KeyRange{{Low: 0, High: 0.5}, {Low: 0.5, High: 1}})
	must(err)
	segs, err = m.CurrentSegments(ctx, "iot", "readings")
	must(err)
	for _, s := range segs {
		fmt.Printf("segment %d (epoch %d): [%v, %v)\n", s.Number(), s.Epoch(), s.Low, s.High)
	}
	// Output:
	// segment 1 (epoch 1): [0, 0.5)
	// segment 2 (epoch 1): [0.5, 1)
}

// Write with routing keys: events of one key keep their order, across
// segments and scaling. Flush waits for the acknowledgements; NoteTime
// records a time for watermarks.
func ExampleEventWriter() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "iot"))
	must(m.CreateStream(ctx, "iot", "readings", client.StreamConfig{Scaling: client.Fixed(4)}))

	w, err := c.NewEventWriter(ctx, "iot", "readings", client.WriterConfig{WriterID: "gateway-1"})
	must(err)
	defer w.Close(ctx)
	for i := range 3 {
		must(w.Write(ctx, "sensor-7", fmt.Appendf(nil, "reading %d", i)))
	}
	must(w.Flush(ctx))
	must(w.NoteTime(ctx, 1700000000000))

	var got []string
	all := client.StreamCut{Scope: "iot", Stream: "readings"}
	must(c.ReadBetween(ctx, all, all, func(_ client.Segment, event []byte) error {
		got = append(got, string(event))
		return nil
	}))
	fmt.Println(got)
	// Output:
	// [reading 0 reading 1 reading 2]
}

// Read a segment as it is written: at the tail the reader waits for data,
// and it ends (io.EOF) when the segment is sealed.
func ExampleClient_NewSegmentReader() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "logs"))
	must(m.CreateStream(ctx, "logs", "app", client.StreamConfig{Scaling: client.Fixed(1)}))
	segs, err := m.CurrentSegments(ctx, "logs", "app")
	must(err)

	done := make(chan struct{})
	go func() {
		defer close(done)
		r := c.NewSegmentReader(segs[0].Segment, 0, -1) // -1: follow the tail
		for {
			event, err := r.ReadEvent(ctx)
			if errors.Is(err, io.EOF) {
				fmt.Println("end of segment at offset", r.Offset())
				return
			}
			must(err)
			fmt.Println("read:", string(event))
		}
	}()
	w, err := c.NewEventWriter(ctx, "logs", "app", client.WriterConfig{})
	must(err)
	must(w.Write(ctx, "", []byte("started")))
	must(w.Close(ctx))
	must(m.SealStream(ctx, "logs", "app"))
	<-done
	// Output:
	// read: started
	// end of segment at offset 15
}

// Batch-read the events between two stream cuts, slice by slice, as a
// batch job would (slices can also be read in parallel).
func ExampleClient_SlicesBetween() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "bank"))
	must(m.CreateStream(ctx, "bank", "ledger", client.StreamConfig{Scaling: client.Fixed(1)}))
	w, err := c.NewEventWriter(ctx, "bank", "ledger", client.WriterConfig{})
	must(err)
	defer w.Close(ctx)

	must(w.Write(ctx, "acct", []byte("yesterday")))
	must(w.Flush(ctx))
	from, err := c.TailCut(ctx, "bank", "ledger")
	must(err)
	must(w.Write(ctx, "acct", []byte("today-1")))
	must(w.Write(ctx, "acct", []byte("today-2")))
	must(w.Flush(ctx))
	to, err := c.TailCut(ctx, "bank", "ledger")
	must(err)

	slices, err := c.SlicesBetween(ctx, from, to)
	must(err)
	for _, sl := range slices {
		r := c.NewSegmentReader(sl.Segment, sl.Start, sl.End)
		for {
			event, err := r.ReadEvent(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			must(err)
			fmt.Println(string(event))
		}
	}
	// Output:
	// today-1
	// today-2
}

// Follow a stream across a scale: read the sealed segment to its end, then
// its successors (each may start once all its predecessors are read).
func ExampleClient_Successors() {
	uri, stop := startNode()
	defer stop()
	ctx := context.Background()
	c, err := client.New(ctx, uri)
	must(err)
	defer c.Close()
	m := c.StreamManager()
	must(m.CreateScope(ctx, "iot"))
	must(m.CreateStream(ctx, "iot", "readings", client.StreamConfig{Scaling: client.Fixed(1)}))

	head, err := c.HeadCut(ctx, "iot", "readings")
	must(err)
	first := head.Segments()[0].Segment
	_, err = m.Scale(ctx, "iot", "readings", []int64{first.ID}, []client.KeyRange{{Low: 0, High: 0.5}, {Low: 0.5, High: 1}})
	must(err)
	next, err := c.Successors(ctx, first)
	must(err)
	for _, s := range next {
		fmt.Printf("%s covers [%v, %v) after %v\n", s.Range.Segment, s.Range.Low, s.Range.High, s.Predecessors)
	}
	// Output:
	// iot/readings/1.#epoch.1 covers [0, 0.5) after [0]
	// iot/readings/2.#epoch.1 covers [0.5, 1) after [0]
}
