package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// ReaderGroupConfig configures a reader group.
type ReaderGroupConfig struct {
	// Streams are the streams the group reads, each with its start.
	Streams []GroupStream
	// RefreshInterval is how often a reader looks at the group's state to
	// balance segments, report its positions and see checkpoints (default
	// 3 s, as Rust and Java).
	RefreshInterval time.Duration
}

// GroupStream is a stream of a reader group and where reading starts.
type GroupStream struct {
	Scope, Stream string
	// From is where reading starts; the unbounded cut means the stream's
	// head (when the group is created).
	From StreamCut
	// FromTail starts at the stream's tail when the group is created.
	FromTail bool
}

// ReaderGroup is a handle on a reader group: readers that share the
// segments of one or more streams, each event going to one reader. The
// group's state lives in a table segment in the Rust client's format (see
// the package documentation), so Go readers and Python 0.3.8 / Rust 0.3.7
// readers can share a group. A handle is safe for concurrent use and owns
// no goroutines.
type ReaderGroup struct {
	c     *Client
	scope string
	name  string
	state *tableSync
}

// stateTable is the table segment holding a group's state, as the Rust
// client names it: <scope>/<group>_kvtable/0.#epoch.0.
func (c *Client) stateTable(scope, group string) *tableSegment {
	return &tableSegment{c: c, seg: Segment{Scope: scope, Stream: naming.KVTableStreamName(group), ID: 0},
		op: pb.StreamInfo_UNSPECIFIED}
}

// CreateReaderGroup creates a reader group, or opens it if it exists (its
// configuration and positions are then left alone, as both Pravega clients
// do). It registers the group with the controller (createReaderGroup) and
// writes the initial state: every stream's start segments unassigned.
func (c *Client) CreateReaderGroup(ctx context.Context, scope, name string, cfg ReaderGroupConfig) (*ReaderGroup, error) {
	if len(cfg.Streams) == 0 {
		return nil, fmt.Errorf("create reader group %s/%s: %w: no streams", scope, name, ErrInvalidArgument)
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = defaultRefresh
	}
	start, cfg, err := c.resolveStarts(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create reader group %s/%s: %w", scope, name, err)
	}
	if err := c.registerReaderGroup(ctx, scope, name, cfg); err != nil {
		return nil, fmt.Errorf("create reader group %s/%s: %w", scope, name, err)
	}
	t := c.stateTable(scope, name)
	if err := t.create(ctx, 0); err != nil {
		return nil, fmt.Errorf("create reader group %s/%s: %w", scope, name, err)
	}
	g := &ReaderGroup{c: c, scope: scope, name: name, state: newTableSync(t)}
	err = g.state.update(ctx, func(u *syncUpdate) error {
		rgInit(u, cfg, start)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create reader group %s/%s: %w", scope, name, err)
	}
	return g, nil
}

// resolveStarts turns every stream's start into segment offsets; tail
// starts are resolved now and stored as cuts.
func (c *Client) resolveStarts(ctx context.Context, cfg ReaderGroupConfig) (map[Segment]int64, ReaderGroupConfig, error) {
	start := make(map[Segment]int64)
	out := cfg
	out.Streams = slices.Clone(cfg.Streams)
	for i, gs := range out.Streams {
		var cut StreamCut
		var err error
		switch {
		case gs.FromTail:
			cut, err = c.TailCut(ctx, gs.Scope, gs.Stream)
		case gs.From.Unbounded():
			cut, err = c.HeadCut(ctx, gs.Scope, gs.Stream)
		default:
			cut = gs.From
		}
		if err != nil {
			return nil, ReaderGroupConfig{}, err
		}
		if gs.FromTail {
			out.Streams[i] = GroupStream{Scope: gs.Scope, Stream: gs.Stream, From: cut}
		}
		for id, off := range cut.Positions {
			start[Segment{Scope: gs.Scope, Stream: gs.Stream, ID: id}] = max(off, 0)
		}
	}
	return start, out, nil
}

const zeroUUID = "00000000-0000-0000-0000-000000000000"

func (cfg ReaderGroupConfig) proto(scope, name string) *pb.ReaderGroupConfiguration {
	p := &pb.ReaderGroupConfiguration{Scope: scope, ReaderGroupName: name,
		GroupRefreshTimeMillis: cfg.RefreshInterval.Milliseconds(), ReaderGroupId: zeroUUID}
	for _, gs := range cfg.Streams {
		p.StartingStreamCuts = append(p.StartingStreamCuts, &pb.StreamCut{StreamInfo: streamInfo(gs.Scope, gs.Stream),
			Cut: maps.Clone(gs.From.Positions)})
		p.EndingStreamCuts = append(p.EndingStreamCuts, &pb.StreamCut{StreamInfo: streamInfo(gs.Scope, gs.Stream)})
	}
	return p
}

// registerReaderGroup calls createReaderGroup (the Java client's way; the
// Rust client keeps groups to itself, so groups created by Python are not
// registered).
func (c *Client) registerReaderGroup(ctx context.Context, scope, name string, cfg ReaderGroupConfig) error {
	r, err := call(ctx, c.ctl, "createReaderGroup", nil, func(ctx context.Context) (*pb.CreateReaderGroupResponse, error) {
		return c.ctl.rpc.CreateReaderGroup(ctx, cfg.proto(scope, name))
	})
	if err != nil {
		return err
	}
	switch r.GetStatus() {
	case pb.CreateReaderGroupResponse_SUCCESS:
		return nil
	case pb.CreateReaderGroupResponse_SCOPE_NOT_FOUND:
		return ErrScopeNotFound
	case pb.CreateReaderGroupResponse_INVALID_RG_NAME:
		return fmt.Errorf("%w: invalid reader group name", ErrInvalidArgument)
	}
	return fmt.Errorf("%w: %v", ErrFailed, r.GetStatus())
}

// ReaderGroup opens an existing reader group (created by this client, or
// by a Rust or Python client): ErrReaderGroupNotFound if it has no state.
func (c *Client) ReaderGroup(ctx context.Context, scope, name string) (*ReaderGroup, error) {
	g := &ReaderGroup{c: c, scope: scope, name: name, state: newTableSync(c.stateTable(scope, name))}
	if _, err := g.Config(ctx); err != nil {
		return nil, err
	}
	return g, nil
}

// DeleteReaderGroup deletes the group's state and its controller
// registration. Readers still online fail with ErrReaderOffline.
func (c *Client) DeleteReaderGroup(ctx context.Context, scope, name string) error {
	info := &pb.ReaderGroupInfo{Scope: scope, ReaderGroup: name}
	r, err := call(ctx, c.ctl, "getReaderGroupConfig", nil, func(ctx context.Context) (*pb.ReaderGroupConfigResponse, error) {
		return c.ctl.rpc.GetReaderGroupConfig(ctx, info)
	})
	if err != nil {
		return fmt.Errorf("delete reader group %s/%s: %w", scope, name, err)
	}
	if r.GetStatus() == pb.ReaderGroupConfigResponse_SUCCESS {
		info.ReaderGroupId = r.GetConfig().GetReaderGroupId()
		info.Generation = r.GetConfig().GetGeneration()
		d, err := call(ctx, c.ctl, "deleteReaderGroup", nil, func(ctx context.Context) (*pb.DeleteReaderGroupStatus, error) {
			return c.ctl.rpc.DeleteReaderGroup(ctx, info)
		})
		if err != nil {
			return fmt.Errorf("delete reader group %s/%s: %w", scope, name, err)
		}
		if st := d.GetStatus(); st != pb.DeleteReaderGroupStatus_SUCCESS && st != pb.DeleteReaderGroupStatus_RG_NOT_FOUND {
			return fmt.Errorf("delete reader group %s/%s: %w: %v", scope, name, ErrFailed, st)
		}
	}
	return c.stateTable(scope, name).delete(ctx)
}

// Scope is the group's scope.
func (g *ReaderGroup) Scope() string { return g.scope }

// Name is the group's name.
func (g *ReaderGroup) Name() string { return g.name }

// Config returns the group's configuration as stored in its state.
func (g *ReaderGroup) Config(ctx context.Context) (ReaderGroupConfig, error) {
	var cfg ReaderGroupConfig
	var found bool
	var derr error
	err := g.state.view(ctx, true, func(u *syncUpdate) {
		v, ok := u.get(rgConfig, rgConfigInner)
		if found = ok; ok {
			cfg, derr = decConfig(v.data)
		}
	})
	if errors.Is(err, ErrNoSuchSegment) || (err == nil && !found) {
		return cfg, fmt.Errorf("reader group %s/%s: %w", g.scope, g.name, ErrReaderGroupNotFound)
	}
	if err == nil {
		err = derr
	}
	if err != nil {
		return cfg, fmt.Errorf("reader group %s/%s: %w", g.scope, g.name, err)
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = defaultRefresh
	}
	return cfg, nil
}

// Update replaces the group's configuration and resets its position to the
// new starts (the Java client's resetReaderGroup). Readers online are
// removed: their next read fails with ErrReaderOffline.
func (g *ReaderGroup) Update(ctx context.Context, cfg ReaderGroupConfig) error {
	if len(cfg.Streams) == 0 {
		return fmt.Errorf("update reader group %s/%s: %w: no streams", g.scope, g.name, ErrInvalidArgument)
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = defaultRefresh
	}
	start, cfg, err := g.c.resolveStarts(ctx, cfg)
	if err != nil {
		return fmt.Errorf("update reader group %s/%s: %w", g.scope, g.name, err)
	}
	if err := g.c.updateRegistration(ctx, g.scope, g.name, cfg); err != nil {
		return fmt.Errorf("update reader group %s/%s: %w", g.scope, g.name, err)
	}
	err = g.state.update(ctx, func(u *syncUpdate) error {
		rgReset(u, cfg, start)
		return nil
	})
	if err != nil {
		return fmt.Errorf("update reader group %s/%s: %w", g.scope, g.name, err)
	}
	return nil
}

// updateRegistration calls updateReaderGroup with the stored generation;
// an unregistered (Rust-created) group is left unregistered.
func (c *Client) updateRegistration(ctx context.Context, scope, name string, cfg ReaderGroupConfig) error {
	r, err := call(ctx, c.ctl, "getReaderGroupConfig", nil, func(ctx context.Context) (*pb.ReaderGroupConfigResponse, error) {
		return c.ctl.rpc.GetReaderGroupConfig(ctx, &pb.ReaderGroupInfo{Scope: scope, ReaderGroup: name})
	})
	if err != nil {
		return err
	}
	if r.GetStatus() != pb.ReaderGroupConfigResponse_SUCCESS {
		return nil
	}
	p := cfg.proto(scope, name)
	p.ReaderGroupId, p.Generation = r.GetConfig().GetReaderGroupId(), r.GetConfig().GetGeneration()
	u, err := call(ctx, c.ctl, "updateReaderGroup", nil, func(ctx context.Context) (*pb.UpdateReaderGroupResponse, error) {
		return c.ctl.rpc.UpdateReaderGroup(ctx, p)
	})
	if err != nil {
		return err
	}
	if st := u.GetStatus(); st != pb.UpdateReaderGroupResponse_SUCCESS {
		return fmt.Errorf("%w: %v", ErrFailed, st)
	}
	return nil
}

// Readers lists the readers online, sorted.
func (g *ReaderGroup) Readers(ctx context.Context) ([]string, error) {
	var out []string
	err := g.state.view(ctx, true, func(u *syncUpdate) { out = u.keys(rgAssigned) })
	if err != nil {
		return nil, fmt.Errorf("readers of %s/%s: %w", g.scope, g.name, err)
	}
	return out, nil
}

// ReaderOffline removes a reader that is gone (its process died): its
// segments become unassigned at the offsets in lastPosition, or where it
// last reported them, and other readers take them over. A reader already
// offline gives ErrReaderOffline.
func (g *ReaderGroup) ReaderOffline(ctx context.Context, readerID string, lastPosition map[Segment]int64) error {
	err := g.state.update(ctx, func(u *syncUpdate) error { return rgRemoveReader(u, readerID, lastPosition) })
	if err != nil {
		return fmt.Errorf("reader %q of %s/%s offline: %w", readerID, g.scope, g.name, err)
	}
	return nil
}

// positions returns every segment the group is reading and where:
// assigned and unassigned segments at their offsets, successors waiting
// for their predecessors at -1 (a "future" segment in a Pravega cut).
func (g *ReaderGroup) positions(ctx context.Context) (map[Segment]int64, error) {
	out := make(map[Segment]int64)
	var ferr error
	err := g.state.view(ctx, true, func(u *syncUpdate) {
		free, err := rgUnassignedSegments(u)
		if err != nil {
			ferr = err
			return
		}
		maps.Copy(out, free)
		for _, r := range u.keys(rgAssigned) {
			m, err := rgOwned(u, r)
			if err != nil {
				ferr = err
				return
			}
			maps.Copy(out, m)
		}
		for _, k := range u.keys(rgFuture) {
			s, err := segmentFromName(k)
			if err != nil {
				ferr = err
				return
			}
			out[s] = -1
		}
	})
	if err == nil {
		err = ferr
	}
	if err != nil {
		return nil, fmt.Errorf("positions of %s/%s: %w", g.scope, g.name, err)
	}
	return out, nil
}

// cutsOf groups segment positions by stream ("scope/stream").
func cutsOf(pos map[Segment]int64) map[string]StreamCut {
	out := make(map[string]StreamCut)
	for s, off := range pos {
		k := s.Scope + "/" + s.Stream
		c, ok := out[k]
		if !ok {
			c = StreamCut{Scope: s.Scope, Stream: s.Stream, Positions: make(map[int64]int64)}
			out[k] = c
		}
		c.Positions[s.ID] = off
	}
	return out
}

// StreamCuts returns the group's position in each of its streams, keyed
// "scope/stream": the offsets readers reported (at most RefreshInterval
// old) and unassigned offsets; successors that cannot be read yet appear
// with offset -1.
func (g *ReaderGroup) StreamCuts(ctx context.Context) (map[string]StreamCut, error) {
	pos, err := g.positions(ctx)
	if err != nil {
		return nil, err
	}
	return cutsOf(pos), nil
}

// UnreadBytes estimates the bytes between the group's position and the
// tails of its streams: the rest of each segment being read plus every
// later segment (found through successors).
func (g *ReaderGroup) UnreadBytes(ctx context.Context) (int64, error) {
	pos, err := g.positions(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	seen := make(map[Segment]bool)
	queue := sortedSegments(pos)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		info, err := g.c.SegmentInfo(ctx, s)
		if err != nil {
			return 0, fmt.Errorf("unread bytes of %s/%s: %w", g.scope, g.name, err)
		}
		from, ok := pos[s]
		if !ok || from < 0 {
			from = 0
		}
		total += max(0, info.Length-max(from, info.StartOffset))
		if !info.Sealed {
			continue
		}
		succ, err := g.c.Successors(ctx, s)
		if err != nil {
			return 0, fmt.Errorf("unread bytes of %s/%s: %w", g.scope, g.name, err)
		}
		for _, n := range succ {
			queue = append(queue, n.Range.Segment)
		}
	}
	return total, nil
}
