package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/sluicestream/sluice/client"
)

// readOptions are the flags of `sluice read`.
type readOptions struct {
	from   string
	follow bool
	max    int
	output string
}

// newReadCommand reads a stream's events.
func newReadCommand() *cobra.Command {
	var (
		cf controllerFlags
		o  readOptions
	)
	cmd := &cobra.Command{
		Use:   "read SCOPE/STREAM",
		Short: "Read a stream's events, from the head or the tail, once or following new ones",
		Long: `Read the events of a stream, one per line. By default it reads from the head to
the tail as of the start and exits; --follow keeps waiting for new events, across
scales (a successor segment is read only after its predecessors, so each routing
key's events come in order). --from tail with --follow shows only new events.
--output json prints one JSON object per event with its segment and offset.`,
		Example: `  sluice read demo/events
  sluice read demo/events --from tail --follow
  sluice read demo/events --max 10 --output json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, stream, err := splitScopeStream(args[0])
			if err != nil {
				return err
			}
			if o.from != "head" && o.from != "tail" {
				return fmt.Errorf("--from %q: want head or tail", o.from)
			}
			if o.output != "text" && o.output != "json" {
				return fmt.Errorf("--output %q: want text or json", o.output)
			}
			return cf.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				return runRead(ctx, cmd, c, scope, stream, o)
			})
		},
	}
	cf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.from, "from", "head", "where to start: head (oldest event kept) or tail (only new events)")
	fl.BoolVarP(&o.follow, "follow", "f", false, "keep reading new events until interrupted")
	fl.IntVarP(&o.max, "max", "n", 0, "stop after this many events (0: no limit)")
	fl.StringVarP(&o.output, "output", "o", "text", "output format: text (the events) or json (one object per event)")
	return cmd
}

// readEvent is one event with where it was read.
type readEvent struct {
	Segment string `json:"segment"`
	Offset  *int64 `json:"offset,omitempty"` // absent where the read path does not know it
	Event   string `json:"event"`
	Base64  bool   `json:"base64,omitempty"`
}

func runRead(ctx context.Context, cmd *cobra.Command, c *client.Client, scope, stream string, o readOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start, err := c.HeadCut(ctx, scope, stream)
	if o.from == "tail" {
		start, err = c.TailCut(ctx, scope, stream)
	}
	if err != nil {
		return err
	}
	events := make(chan readEvent, 256)
	errc := make(chan error, 1)
	go func() {
		defer close(events)
		if o.follow {
			errc <- follow(ctx, c, start, events)
			return
		}
		end, err := c.TailCut(ctx, scope, stream)
		if err != nil {
			errc <- err
			return
		}
		errc <- c.ReadBetween(ctx, start, end, func(seg client.Segment, ev []byte) error {
			select {
			case events <- toReadEvent(seg, -1, ev):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	out := cmd.OutOrStdout()
	enc := json.NewEncoder(out)
	n := 0
	for ev := range events {
		var err error
		if o.output == "json" {
			err = enc.Encode(ev)
		} else {
			_, err = fmt.Fprintln(out, ev.Event)
		}
		if err != nil {
			return err
		}
		if n++; o.max > 0 && n >= o.max {
			cancel()
			break
		}
	}
	for range events { // let the reader goroutines finish
	}
	err = <-errc
	// Cancelled by --max, or a follow interrupted: a normal end.
	stopped := errors.Is(err, context.Canceled) && (o.max > 0 && n >= o.max || o.follow)
	if err != nil && !stopped {
		return err
	}
	return nil
}

// toReadEvent describes an event read at offset (-1: not known, as in
// reads between stream cuts).
func toReadEvent(seg client.Segment, offset int64, ev []byte) readEvent {
	r := readEvent{Segment: seg.Name(), Event: string(ev)}
	if offset >= 0 {
		r.Offset = &offset
	}
	if !utf8.Valid(ev) {
		r.Event, r.Base64 = base64Std(ev), true
	}
	return r
}

// follow reads every segment of the cut from its position and then their
// successors, each successor once all its predecessors are read to their
// end, until ctx ends or the stream is sealed and read.
func follow(ctx context.Context, c *client.Client, start client.StreamCut, out chan<- readEvent) error {
	var (
		mu       sync.Mutex
		finished = make(map[int64]bool)
		started  = make(map[int64]bool)
		wg       sync.WaitGroup
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil && !errors.Is(err, context.Canceled) {
			firstErr = err
		}
	}
	var run func(seg client.Segment, offset int64)
	run = func(seg client.Segment, offset int64) {
		defer wg.Done()
		r := c.NewSegmentReader(seg, offset, -1)
		for {
			at := r.Offset()
			ev, err := r.ReadEvent(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fail(err)
				return
			}
			select {
			case out <- toReadEvent(seg, at, ev):
			case <-ctx.Done():
				return
			}
		}
		succ, err := c.Successors(ctx, seg)
		if err != nil {
			fail(err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		finished[seg.ID] = true
		for _, s := range succ {
			ready := !started[s.Range.ID]
			for _, p := range s.Predecessors {
				ready = ready && finished[p]
			}
			if ready {
				started[s.Range.ID] = true
				wg.Add(1)
				go run(s.Range.Segment, 0)
			}
		}
	}
	mu.Lock()
	for _, so := range start.Segments() {
		started[so.Segment.ID] = true
		wg.Add(1)
		go run(so.Segment, so.Offset)
	}
	mu.Unlock()
	wg.Wait()
	return firstErr
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
