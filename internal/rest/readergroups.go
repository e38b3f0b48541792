package rest

import (
	"net/http"
	"strings"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/naming"
)

// Reader groups: GET /v1/scopes/{scope}/readergroups and
// GET /v1/scopes/{scope}/readergroups/{group}.

type readerGroupName struct {
	ReaderGroupName string `json:"readerGroupName"`
}

type readerGroupsList struct {
	ReaderGroups []readerGroupName `json:"readerGroups"`
}

type readerGroupProperty struct {
	ScopeName       string   `json:"scopeName"`
	ReaderGroupName string   `json:"readerGroupName"`
	ReaderGroupID   string   `json:"readerGroupId"`
	Generation      int64    `json:"generation"`
	StreamList      []string `json:"streamList"`
	OnlineReaderIDs []string `json:"onlineReaderIds"`
}

// listReaderGroups names the groups whose state stream ("_RG<group>")
// exists, as Pravega does: the clients create that stream with the group.
func (a *api) listReaderGroups(r *http.Request) (int, any, error) {
	scope := r.PathValue("scope")
	names, err := a.streamNames(r, scope, false, "")
	if err != nil {
		return 0, nil, err
	}
	out := readerGroupsList{ReaderGroups: []readerGroupName{}}
	for _, n := range names {
		if group, ok := strings.CutPrefix(n, naming.ReaderGroupStreamPrefix); ok && group != "" {
			out.ReaderGroups = append(out.ReaderGroups, readerGroupName{ReaderGroupName: group})
		}
	}
	return http.StatusOK, out, nil
}

func (a *api) getReaderGroup(r *http.Request) (int, any, error) {
	scope, group := r.PathValue("scope"), r.PathValue("group")
	resp, err := a.ctl.GetReaderGroupConfig(r.Context(), &pb.ReaderGroupInfo{Scope: scope, ReaderGroup: group})
	if err != nil {
		return 0, nil, err
	}
	switch resp.GetStatus() {
	case pb.ReaderGroupConfigResponse_SUCCESS:
	case pb.ReaderGroupConfigResponse_RG_NOT_FOUND:
		return 0, nil, notFound("reader group %s/%s not found", scope, group)
	default:
		return 0, nil, unexpected("get reader group %s/%s: %v", scope, group, resp.GetStatus())
	}
	cfg := resp.GetConfig()
	out := readerGroupProperty{ScopeName: scope, ReaderGroupName: group, ReaderGroupID: cfg.GetReaderGroupId(),
		Generation: cfg.GetGeneration(), StreamList: []string{}, OnlineReaderIDs: []string{}}
	seen := map[string]bool{}
	for _, sc := range cfg.GetStartingStreamCuts() {
		si := sc.GetStreamInfo()
		name := si.GetScope() + "/" + si.GetStream()
		if !seen[name] {
			seen[name] = true
			out.StreamList = append(out.StreamList, name)
		}
	}
	return http.StatusOK, out, nil
}
