package rest

import (
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// Streams: GET/POST /v1/scopes/{scope}/streams,
// GET/PUT/DELETE /v1/scopes/{scope}/streams/{stream}.

type streamsList struct {
	Streams []streamProperty `json:"streams"`
}

// Values of listStreams' filter_type.
const (
	filterInternal = "showInternalStreams"
	filterTag      = "tag"
)

func (a *api) listStreams(r *http.Request) (int, any, error) {
	scope := r.PathValue("scope")
	q := r.URL.Query()
	filter, tag := q.Get("filter_type"), q.Get("filter_value")
	switch {
	case !q.Has("filter_type"), filter == filterInternal:
	case filter == filterTag:
		if !q.Has("filter_value") {
			filter = "" // no tag given: no filter, as in Pravega
		}
	default:
		return 0, nil, badRequest("filter_type %q is not %s or %s", filter, filterInternal, filterTag)
	}
	names, err := a.streamNames(r, scope, filter == filterTag, tag)
	if err != nil {
		return 0, nil, err
	}
	out := streamsList{Streams: []streamProperty{}}
	for _, name := range names {
		if filter != filterTag && naming.IsInternalName(name) != (filter == filterInternal) {
			continue
		}
		cfg, err := a.ctl.GetStreamConfiguration(r.Context(), &pb.StreamInfo{Scope: scope, Stream: name})
		if status.Code(err) == codes.NotFound {
			continue // deleted since it was listed
		}
		if err != nil {
			return 0, nil, err
		}
		out.Streams = append(out.Streams, fromStreamConfig(cfg))
	}
	return http.StatusOK, out, nil
}

// streamNames lists every stream of a scope (byTag: only those with tag),
// page by page.
func (a *api) streamNames(r *http.Request, scope string, byTag bool, tag string) ([]string, error) {
	var names []string
	token := ""
	for {
		var (
			resp *pb.StreamsInScopeResponse
			err  error
		)
		si, ct := &pb.ScopeInfo{Scope: scope}, &pb.ContinuationToken{Token: token}
		if byTag {
			resp, err = a.ctl.ListStreamsInScopeForTag(r.Context(),
				&pb.StreamsInScopeWithTagRequest{Scope: si, Tag: tag, ContinuationToken: ct})
		} else {
			resp, err = a.ctl.ListStreamsInScope(r.Context(), &pb.StreamsInScopeRequest{Scope: si, ContinuationToken: ct})
		}
		if err != nil {
			return nil, err
		}
		switch resp.GetStatus() {
		case pb.StreamsInScopeResponse_SUCCESS:
		case pb.StreamsInScopeResponse_SCOPE_NOT_FOUND:
			return nil, notFound("scope %q not found", scope)
		default:
			return nil, unexpected("list streams of %q: %v", scope, resp.GetStatus())
		}
		for _, s := range resp.GetStreams() {
			names = append(names, s.GetStream())
		}
		next := resp.GetContinuationToken().GetToken()
		if len(resp.GetStreams()) == 0 || next == token {
			return names, nil
		}
		token = next
	}
}

func (a *api) createStream(r *http.Request) (int, any, error) {
	scope := r.PathValue("scope")
	var body streamConfigBody
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if body.StreamName == nil {
		return 0, nil, badRequest("streamName is required")
	}
	name := *body.StreamName
	// Users may not create internal ("_") streams, as in Pravega's REST API.
	if err := addressable(name, naming.ValidateUserStreamName(name)); err != nil {
		return 0, nil, err
	}
	cfg, err := body.toStreamConfig(scope, name)
	if err != nil {
		return 0, nil, err
	}
	resp, err := a.ctl.CreateStream(r.Context(), cfg)
	if err != nil {
		return 0, nil, err
	}
	switch resp.GetStatus() {
	case pb.CreateStreamStatus_SUCCESS:
		return a.streamProperty(r, scope, name, http.StatusCreated)
	case pb.CreateStreamStatus_STREAM_EXISTS:
		return 0, nil, exists("stream %s/%s already exists", scope, name)
	case pb.CreateStreamStatus_SCOPE_NOT_FOUND:
		return 0, nil, notFound("scope %q not found", scope)
	case pb.CreateStreamStatus_INVALID_STREAM_NAME:
		return 0, nil, badRequest("invalid stream name %q", name)
	}
	return 0, nil, unexpected("create stream %s/%s: %v", scope, name, resp.GetStatus())
}

func (a *api) getStream(r *http.Request) (int, any, error) {
	return a.streamProperty(r, r.PathValue("scope"), r.PathValue("stream"), http.StatusOK)
}

// streamProperty answers the stored configuration of a stream.
func (a *api) streamProperty(r *http.Request, scope, stream string, code int) (int, any, error) {
	cfg, err := a.ctl.GetStreamConfiguration(r.Context(), &pb.StreamInfo{Scope: scope, Stream: stream})
	if err != nil {
		return 0, nil, err
	}
	return code, fromStreamConfig(cfg), nil
}

func (a *api) updateStream(r *http.Request) (int, any, error) {
	scope, stream := r.PathValue("scope"), r.PathValue("stream")
	var body streamConfigBody
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if body.StreamName != nil && *body.StreamName != stream {
		return 0, nil, badRequest("streamName %q differs from the stream in the path %q", *body.StreamName, stream)
	}
	cfg, err := body.toStreamConfig(scope, stream)
	if err != nil {
		return 0, nil, err
	}
	resp, err := a.ctl.UpdateStream(r.Context(), cfg)
	if err != nil {
		return 0, nil, err
	}
	if err := updateOutcome(resp.GetStatus(), "update", scope, stream); err != nil {
		return 0, nil, err
	}
	return a.streamProperty(r, scope, stream, http.StatusOK)
}

// updateOutcome turns the status of updateStream, sealStream (and
// truncateStream) into an error; nil for success.
func updateOutcome(st pb.UpdateStreamStatus_Status, op, scope, stream string) error {
	switch st {
	case pb.UpdateStreamStatus_SUCCESS:
		return nil
	case pb.UpdateStreamStatus_STREAM_NOT_FOUND:
		return notFound("stream %s/%s not found", scope, stream)
	case pb.UpdateStreamStatus_SCOPE_NOT_FOUND:
		return notFound("scope %q not found", scope)
	case pb.UpdateStreamStatus_STREAM_SEALED:
		return precondition("%s stream %s/%s: the stream is sealed", op, scope, stream)
	case pb.UpdateStreamStatus_FAILURE:
		return busy("%s stream %s/%s: another operation on the stream is in progress; retry", op, scope, stream)
	}
	return unexpected("%s stream %s/%s: %v", op, scope, stream, st)
}

func (a *api) deleteStream(r *http.Request) (int, any, error) {
	scope, stream := r.PathValue("scope"), r.PathValue("stream")
	resp, err := a.ctl.DeleteStream(r.Context(), &pb.StreamInfo{Scope: scope, Stream: stream})
	if err != nil {
		return 0, nil, err
	}
	switch resp.GetStatus() {
	case pb.DeleteStreamStatus_SUCCESS:
		return http.StatusNoContent, nil, nil
	case pb.DeleteStreamStatus_STREAM_NOT_FOUND:
		return 0, nil, notFound("stream %s/%s not found", scope, stream)
	case pb.DeleteStreamStatus_STREAM_NOT_SEALED:
		return 0, nil, precondition("stream %s/%s is not sealed: seal it first (PUT .../state {\"streamState\":\"SEALED\"})",
			scope, stream)
	}
	return 0, nil, unexpected("delete stream %s/%s: %v", scope, stream, resp.GetStatus())
}

type streamState struct {
	StreamState *string `json:"streamState"`
}

const stateSealed = "SEALED"

func (a *api) updateStreamState(r *http.Request) (int, any, error) {
	scope, stream := r.PathValue("scope"), r.PathValue("stream")
	var body streamState
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if body.StreamState == nil || *body.StreamState != stateSealed {
		return 0, nil, badRequest(`streamState must be "SEALED" (the only state a stream can be put in)`)
	}
	resp, err := a.ctl.SealStream(r.Context(), &pb.StreamInfo{Scope: scope, Stream: stream})
	if err != nil {
		return 0, nil, err
	}
	if err := updateOutcome(resp.GetStatus(), "seal", scope, stream); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, streamState{StreamState: ptr(stateSealed)}, nil
}
