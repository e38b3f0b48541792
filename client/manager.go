package client

import (
	"context"
	"fmt"
	"iter"

	pb "github.com/sluicestream/sluice/api/controller"
)

// StreamManager creates, lists, updates and deletes scopes and streams.
// Get one from Client.StreamManager; it is safe for concurrent use.
type StreamManager struct {
	c *Client
}

// CreateScope creates a scope. It returns an error wrapping ErrScopeExists
// if it is already there, ErrInvalidArgument for a bad name.
func (m *StreamManager) CreateScope(ctx context.Context, scope string) error {
	r, err := call(ctx, m.c.ctl, "createScope", nil, func(ctx context.Context) (*pb.CreateScopeStatus, error) {
		return m.c.ctl.rpc.CreateScope(ctx, &pb.ScopeInfo{Scope: scope})
	})
	if err != nil {
		return err
	}
	switch r.GetStatus() {
	case pb.CreateScopeStatus_SUCCESS:
		return nil
	case pb.CreateScopeStatus_SCOPE_EXISTS:
		return fmt.Errorf("create scope %q: %w", scope, ErrScopeExists)
	case pb.CreateScopeStatus_INVALID_SCOPE_NAME:
		return fmt.Errorf("create scope %q: %w: invalid scope name", scope, ErrInvalidArgument)
	}
	return fmt.Errorf("create scope %q: %w: %v", scope, ErrFailed, r.GetStatus())
}

// ScopeExists reports whether the scope exists.
func (m *StreamManager) ScopeExists(ctx context.Context, scope string) (bool, error) {
	r, err := call(ctx, m.c.ctl, "checkScopeExists", nil, func(ctx context.Context) (*pb.ExistsResponse, error) {
		return m.c.ctl.rpc.CheckScopeExists(ctx, &pb.ScopeInfo{Scope: scope})
	})
	return r.GetExists(), err
}

// DeleteScope deletes an empty scope: ErrScopeNotFound if it does not
// exist, ErrScopeNotEmpty if it still holds streams (or other objects).
func (m *StreamManager) DeleteScope(ctx context.Context, scope string) error {
	r, err := call(ctx, m.c.ctl, "deleteScope", nil, func(ctx context.Context) (*pb.DeleteScopeStatus, error) {
		return m.c.ctl.rpc.DeleteScope(ctx, &pb.ScopeInfo{Scope: scope})
	})
	if err != nil {
		return err
	}
	return deleteScopeStatus(scope, r.GetStatus())
}

// DeleteScopeRecursive seals and deletes every stream, reader group and
// key-value table of the scope, then the scope. A missing scope is not an
// error.
func (m *StreamManager) DeleteScopeRecursive(ctx context.Context, scope string) error {
	r, err := call(ctx, m.c.ctl, "deleteScopeRecursive", nil, func(ctx context.Context) (*pb.DeleteScopeStatus, error) {
		return m.c.ctl.rpc.DeleteScopeRecursive(ctx, &pb.ScopeInfo{Scope: scope})
	})
	if err != nil {
		return err
	}
	return deleteScopeStatus(scope, r.GetStatus())
}

func deleteScopeStatus(scope string, st pb.DeleteScopeStatus_Status) error {
	switch st {
	case pb.DeleteScopeStatus_SUCCESS:
		return nil
	case pb.DeleteScopeStatus_SCOPE_NOT_FOUND:
		return fmt.Errorf("delete scope %q: %w", scope, ErrScopeNotFound)
	case pb.DeleteScopeStatus_SCOPE_NOT_EMPTY:
		return fmt.Errorf("delete scope %q: %w", scope, ErrScopeNotEmpty)
	}
	return fmt.Errorf("delete scope %q: %w: %v", scope, ErrFailed, st)
}

// ListScopes iterates over all scopes (including "_system"), fetching pages
// as it goes. An error ends the iteration.
func (m *StreamManager) ListScopes(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		token := ""
		for {
			r, err := call(ctx, m.c.ctl, "listScopes", nil, func(ctx context.Context) (*pb.ScopesResponse, error) {
				return m.c.ctl.rpc.ListScopes(ctx, &pb.ScopesRequest{ContinuationToken: &pb.ContinuationToken{Token: token}})
			})
			if err != nil {
				yield("", err)
				return
			}
			if len(r.GetScopes()) == 0 {
				return
			}
			for _, s := range r.GetScopes() {
				if !yield(s, nil) {
					return
				}
			}
			token = r.GetContinuationToken().GetToken()
		}
	}
}

// ListStreams iterates over the streams of a scope, including internal
// ones ("_RG...", "_MARK..."). A missing scope yields ErrScopeNotFound.
func (m *StreamManager) ListStreams(ctx context.Context, scope string) iter.Seq2[string, error] {
	return m.listStreams(ctx, scope, "listStreamsInScope", func(ctx context.Context, token string) (*pb.StreamsInScopeResponse, error) {
		return m.c.ctl.rpc.ListStreamsInScope(ctx, &pb.StreamsInScopeRequest{Scope: &pb.ScopeInfo{Scope: scope},
			ContinuationToken: &pb.ContinuationToken{Token: token}})
	})
}

// ListStreamsByTag iterates over the streams of a scope that carry tag.
func (m *StreamManager) ListStreamsByTag(ctx context.Context, scope, tag string) iter.Seq2[string, error] {
	return m.listStreams(ctx, scope, "listStreamsInScopeForTag", func(ctx context.Context, token string) (*pb.StreamsInScopeResponse, error) {
		return m.c.ctl.rpc.ListStreamsInScopeForTag(ctx, &pb.StreamsInScopeWithTagRequest{
			Scope: &pb.ScopeInfo{Scope: scope}, Tag: tag, ContinuationToken: &pb.ContinuationToken{Token: token}})
	})
}

func (m *StreamManager) listStreams(ctx context.Context, scope, op string,
	page func(ctx context.Context, token string) (*pb.StreamsInScopeResponse, error)) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		token := ""
		for {
			r, err := call(ctx, m.c.ctl, op, nil, func(ctx context.Context) (*pb.StreamsInScopeResponse, error) {
				return page(ctx, token)
			})
			if err != nil {
				yield("", err)
				return
			}
			switch r.GetStatus() {
			case pb.StreamsInScopeResponse_SUCCESS:
			case pb.StreamsInScopeResponse_SCOPE_NOT_FOUND:
				yield("", fmt.Errorf("list streams of %q: %w", scope, ErrScopeNotFound))
				return
			default:
				yield("", fmt.Errorf("list streams of %q: %w: %v", scope, ErrFailed, r.GetStatus()))
				return
			}
			if len(r.GetStreams()) == 0 {
				return
			}
			for _, s := range r.GetStreams() {
				if !yield(s.GetStream(), nil) {
					return
				}
			}
			token = r.GetContinuationToken().GetToken()
		}
	}
}
