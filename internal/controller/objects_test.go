package controller_test

import (
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller/segments/sstub"
	"github.com/sluicestream/sluice/internal/wire"
)

func TestReaderGroupRPCs(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	h.mustStream("sc", "st", 1)
	cfg := &pb.ReaderGroupConfiguration{Scope: "sc", ReaderGroupName: "rg", GroupRefreshTimeMillis: 3000,
		AutomaticCheckpointIntervalMillis: 30000, MaxOutstandingCheckpointRequest: 3,
		RetentionType: int32(pb.ReaderGroupConfiguration_AUTOMATIC), ReaderGroupId: "00000000-0000-0000-0000-000000000000",
		StartingStreamCuts: []*pb.StreamCut{{StreamInfo: si("sc", "st")}},
		EndingStreamCuts:   []*pb.StreamCut{{StreamInfo: si("sc", "st")}}}
	if r, _ := h.c.CreateReaderGroup(c, &pb.ReaderGroupConfiguration{Scope: "sc", ReaderGroupName: "bad name"}); r.Status != pb.CreateReaderGroupResponse_INVALID_RG_NAME {
		t.Fatal(r.Status)
	}
	if r, _ := h.c.CreateReaderGroup(c, &pb.ReaderGroupConfiguration{Scope: "nope", ReaderGroupName: "rg"}); r.Status != pb.CreateReaderGroupResponse_SCOPE_NOT_FOUND {
		t.Fatal(r.Status)
	}
	r, err := h.c.CreateReaderGroup(c, cfg)
	if err != nil || r.Status != pb.CreateReaderGroupResponse_SUCCESS {
		t.Fatal(r, err)
	}
	id := r.Config.ReaderGroupId
	if id == cfg.ReaderGroupId || len(r.Config.EndingStreamCuts) != 1 || r.Config.Generation != 0 {
		t.Fatalf("stored config %v", r.Config)
	}
	again, _ := h.c.CreateReaderGroup(c, cfg)
	if !proto.Equal(again.Config, r.Config) {
		t.Fatal("second create did not return the stored config")
	}
	if segs, err := h.c.GetCurrentSegments(c, si("sc", "_RGrg")); err != nil || len(segs.SegmentRanges) != 1 {
		t.Fatalf("state stream %v %v", segs, err)
	}
	subs, _ := h.c.ListSubscribers(c, si("sc", "st"))
	if subs.Status != pb.SubscribersResponse_SUCCESS || len(subs.Subscribers) != 1 || subs.Subscribers[0] != "sc/rg" {
		t.Fatalf("subscribers %v", subs)
	}
	if s, _ := h.c.ListSubscribers(c, si("sc", "nope")); s.Status != pb.SubscribersResponse_STREAM_NOT_FOUND {
		t.Fatal(s.Status)
	}
	upd := func(gen int64, cut map[int64]int64, sub string) pb.UpdateSubscriberStatus_Status {
		s, err := h.c.UpdateSubscriberStreamCut(c, &pb.SubscriberStreamCut{Subscriber: sub, Generation: gen,
			ReaderGroupId: id, StreamCut: &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: cut}})
		if err != nil {
			t.Fatal(err)
		}
		return s.Status
	}
	if st := upd(0, map[int64]int64{0: 10}, "sc/rg"); st != pb.UpdateSubscriberStatus_SUCCESS {
		t.Fatal(st)
	}
	if st := upd(0, map[int64]int64{0: 5}, "sc/rg"); st != pb.UpdateSubscriberStatus_STREAM_CUT_NOT_VALID {
		t.Fatal(st)
	}
	if st := upd(0, map[int64]int64{7: 5}, "sc/rg"); st != pb.UpdateSubscriberStatus_STREAM_CUT_NOT_VALID {
		t.Fatal(st)
	}
	if st := upd(3, map[int64]int64{0: 10}, "sc/rg"); st != pb.UpdateSubscriberStatus_GENERATION_MISMATCH {
		t.Fatal(st)
	}
	if st := upd(0, map[int64]int64{0: 10}, "sc/other"); st != pb.UpdateSubscriberStatus_SUBSCRIBER_NOT_FOUND {
		t.Fatal(st)
	}

	got, _ := h.c.GetReaderGroupConfig(c, &pb.ReaderGroupInfo{Scope: "sc", ReaderGroup: "rg"})
	if got.Status != pb.ReaderGroupConfigResponse_SUCCESS || got.Config.ReaderGroupId != id {
		t.Fatal(got)
	}
	if g, _ := h.c.GetReaderGroupConfig(c, &pb.ReaderGroupInfo{Scope: "sc", ReaderGroup: "nope"}); g.Status != pb.ReaderGroupConfigResponse_RG_NOT_FOUND {
		t.Fatal(g.Status)
	}
	newCfg := proto.Clone(got.Config).(*pb.ReaderGroupConfiguration)
	newCfg.RetentionType = int32(pb.ReaderGroupConfiguration_NONE)
	u, _ := h.c.UpdateReaderGroup(c, newCfg)
	if u.Status != pb.UpdateReaderGroupResponse_SUCCESS || u.Generation != 1 {
		t.Fatal(u)
	}
	if u, _ := h.c.UpdateReaderGroup(c, newCfg); u.Status != pb.UpdateReaderGroupResponse_INVALID_CONFIG || u.Generation != 0 {
		t.Fatal(u)
	}
	newCfg.ReaderGroupName = "nope"
	if u, _ := h.c.UpdateReaderGroup(c, newCfg); u.Status != pb.UpdateReaderGroupResponse_RG_NOT_FOUND {
		t.Fatal(u)
	}
	if subs, _ := h.c.ListSubscribers(c, si("sc", "st")); len(subs.Subscribers) != 0 {
		t.Fatalf("subscribers after NONE %v", subs)
	}
	if d, _ := h.c.DeleteReaderGroup(c, &pb.ReaderGroupInfo{Scope: "sc", ReaderGroup: "rg", ReaderGroupId: "x"}); d.Status != pb.DeleteReaderGroupStatus_RG_NOT_FOUND {
		t.Fatal(d.Status)
	}
	if d, _ := h.c.DeleteReaderGroup(c, &pb.ReaderGroupInfo{Scope: "sc", ReaderGroup: "rg", ReaderGroupId: id}); d.Status != pb.DeleteReaderGroupStatus_SUCCESS {
		t.Fatal(d.Status)
	}
	if e, _ := h.c.CheckStreamExists(c, si("sc", "_RGrg")); e.Exists {
		t.Fatal("state stream survived")
	}
}

func TestWriterRPCs(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	h.mustStream("sc", "st", 1)
	note := func(ts, off int64) pb.TimestampResponse_Status {
		r, err := h.c.NoteTimestampFromWriter(c, &pb.TimestampFromWriter{Writer: "w", Timestamp: ts,
			Position: &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: map[int64]int64{0: off}}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Result
	}
	if note(10, 100) != pb.TimestampResponse_SUCCESS || note(5, 200) != pb.TimestampResponse_INVALID_TIME ||
		note(20, 50) != pb.TimestampResponse_INVALID_POSITION || note(20, 300) != pb.TimestampResponse_SUCCESS {
		t.Fatal("note timestamps")
	}
	_, err := h.c.NoteTimestampFromWriter(c, &pb.TimestampFromWriter{Writer: "w",
		Position: &pb.StreamCut{StreamInfo: si("sc", "nope")}})
	wantCode(t, err, codes.NotFound)
	rm := func(w, stream string) pb.RemoveWriterResponse_Status {
		r, err := h.c.RemoveWriter(c, &pb.RemoveWriterRequest{Writer: w, Stream: si("sc", stream)})
		if err != nil {
			t.Fatal(err)
		}
		return r.Result
	}
	// removeWriter shuts the writer down; its mark stays until a watermark
	// pass drops it, so a second call still finds it (as in Pravega).
	for range 2 {
		if rm("w", "st") != pb.RemoveWriterResponse_SUCCESS {
			t.Fatal("remove writer w")
		}
	}
	if rm("x", "st") != pb.RemoveWriterResponse_UNKNOWN_WRITER ||
		rm("w", "nope") != pb.RemoveWriterResponse_STREAM_DOES_NOT_EXIST {
		t.Fatal("remove writer")
	}
	if note(30, 300) != pb.TimestampResponse_SUCCESS {
		t.Fatal("a shut-down writer notes time again")
	}
}

func TestDiscoveryAndTokens(t *testing.T) {
	h := newHarness(t, "")
	c := ctx(t)
	l, err := h.c.GetControllerServerList(c, &pb.ServerRequest{})
	if err != nil || len(l.NodeURI) != 1 || l.NodeURI[0].Port == 0 {
		t.Fatalf("servers %v %v", l, err)
	}
	tok, err := h.c.GetDelegationToken(c, &pb.StreamInfo{Scope: "sc", Stream: "never", AccessOperation: pb.StreamInfo_WRITE})
	if err != nil || tok.DelegationToken != "" {
		t.Fatalf("token %v %v", tok, err)
	}
	_, err = h.c.GetDelegationToken(c, &pb.StreamInfo{Scope: "sc", Stream: "x", AccessOperation: pb.StreamInfo_ANY})
	wantCode(t, err, codes.InvalidArgument)
	if m, err := h.c.GetControllerToBucketMapping(c, &pb.ControllerToBucketMappingRequest{}); err != nil || len(m.Mapping) != 0 {
		t.Fatal(m, err)
	}
}

// TestKeyValueTableRPCs runs against a stub segment store: the real one
// does not implement table segments yet.
func TestKeyValueTableRPCs(t *testing.T) {
	var mu sync.Mutex
	var created []*wire.CreateTableSegment
	stub := sstub.Start(t, func(req wire.Command) wire.Command {
		if m, ok := req.(*wire.CreateTableSegment); ok {
			mu.Lock()
			created = append(created, m)
			mu.Unlock()
		}
		return sstub.OK(req)
	})
	h := newHarness(t, stub.Addr())
	c := ctx(t)
	cfg := &pb.KeyValueTableConfig{Scope: "sc", KvtName: "kvt", PartitionCount: 2, PrimaryKeyLength: 8, SecondaryKeyLength: 4}
	if r, _ := h.c.CreateKeyValueTable(c, cfg); r.Status != pb.CreateKeyValueTableStatus_SCOPE_NOT_FOUND {
		t.Fatal(r.Status)
	}
	_, _ = h.c.CreateScope(c, &pb.ScopeInfo{Scope: "sc"})
	if r, err := h.c.CreateKeyValueTable(c, cfg); err != nil || r.Status != pb.CreateKeyValueTableStatus_SUCCESS {
		t.Fatal(r, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(created) != 2 || created[1].Segment != "sc/kvt_kvtable/1.#epoch.0" || created[0].KeyLength != 12 {
		t.Fatalf("table segments %v", created)
	}
	if r, _ := h.c.CreateKeyValueTable(c, cfg); r.Status != pb.CreateKeyValueTableStatus_TABLE_EXISTS {
		t.Fatal(r.Status)
	}
	bad := proto.Clone(cfg).(*pb.KeyValueTableConfig)
	bad.KvtName = "_x"
	if r, _ := h.c.CreateKeyValueTable(c, bad); r.Status != pb.CreateKeyValueTableStatus_INVALID_TABLE_NAME {
		t.Fatal(r.Status)
	}
	bad.PartitionCount = 0
	_, err := h.c.CreateKeyValueTable(c, bad)
	wantCode(t, err, codes.InvalidArgument)
	segs, err := h.c.GetCurrentSegmentsKeyValueTable(c, &pb.KeyValueTableInfo{Scope: "sc", KvtName: "kvt"})
	if err != nil || len(segs.SegmentRanges) != 2 || segs.SegmentRanges[0].SegmentId.StreamInfo.Stream != "kvt" {
		t.Fatalf("kvt segments %v %v", segs, err)
	}
	_, err = h.c.GetCurrentSegmentsKeyValueTable(c, &pb.KeyValueTableInfo{Scope: "sc", KvtName: "nope"})
	wantCode(t, err, codes.NotFound)
	got, _ := h.c.GetKeyValueTableConfiguration(c, &pb.KeyValueTableInfo{Scope: "sc", KvtName: "kvt"})
	if got.Status != pb.KeyValueTableConfigResponse_SUCCESS || !proto.Equal(got.Config, cfg) {
		t.Fatal(got)
	}
	if g, _ := h.c.GetKeyValueTableConfiguration(c, &pb.KeyValueTableInfo{Scope: "sc", KvtName: "nope"}); g.Status != pb.KeyValueTableConfigResponse_TABLE_NOT_FOUND {
		t.Fatal(g.Status)
	}
	l, _ := h.c.ListKeyValueTablesInScope(c, &pb.KVTablesInScopeRequest{Scope: &pb.ScopeInfo{Scope: "sc"}})
	if len(l.Kvtables) != 1 || l.Kvtables[0].KvtName != "kvt" {
		t.Fatal(l)
	}
	if l, _ := h.c.ListKeyValueTablesInScope(c, &pb.KVTablesInScopeRequest{Scope: &pb.ScopeInfo{Scope: "nope"}}); l.Status != pb.KVTablesInScopeResponse_SCOPE_NOT_FOUND {
		t.Fatal(l.Status)
	}
	if r, _ := h.c.DeleteScope(c, &pb.ScopeInfo{Scope: "sc"}); r.Status != pb.DeleteScopeStatus_SCOPE_NOT_EMPTY {
		t.Fatal(r.Status)
	}
	if d, _ := h.c.DeleteKeyValueTable(c, &pb.KeyValueTableInfo{Scope: "sc", KvtName: "kvt"}); d.Status != pb.DeleteKVTableStatus_SUCCESS {
		t.Fatal(d.Status)
	}
	if d, _ := h.c.DeleteKeyValueTable(c, &pb.KeyValueTableInfo{Scope: "sc", KvtName: "kvt"}); d.Status != pb.DeleteKVTableStatus_TABLE_NOT_FOUND {
		t.Fatal(d.Status)
	}
}
