package controller_test

import (
	"reflect"
	"testing"

	pb "github.com/sluicestream/sluice/api/controller"
	"github.com/sluicestream/sluice/internal/controller"
	"github.com/sluicestream/sluice/internal/controller/watermark"
	"github.com/sluicestream/sluice/internal/naming"
	"github.com/sluicestream/sluice/internal/wire"
)

// markRecords reads every watermark of <scope>/_MARK<stream> and the mark
// attribute, as a Java WatermarkReaderImpl and RevisionedStreamClient see
// them.
func (h *harness) markRecords(scope, stream string) ([]watermark.Watermark, []int64, int64) {
	h.t.Helper()
	c := ctx(h.t)
	seg := naming.QualifiedName(scope, naming.MarkStreamName(stream), 0)
	info, err := h.ss.GetStreamSegmentInfo(c, seg)
	if err != nil {
		h.t.Fatal(err)
	}
	var data []byte
	for off := info.StartOffset; off < info.Length; {
		chunk, err := h.ss.ReadSegment(c, seg, off, int32(info.Length-off))
		if err != nil || len(chunk) == 0 {
			h.t.Fatalf("read %s at %d: %v", seg, off, err)
		}
		data = append(data, chunk...)
		off += int64(len(chunk))
	}
	var marks []watermark.Watermark
	var starts []int64
	s := wire.NewEventScanner(data)
	for start := info.StartOffset; s.Scan(); start = info.StartOffset + int64(s.Offset()) {
		w, err := watermark.Unmarshal(s.Event())
		if err != nil {
			h.t.Fatalf("record at %d: %v", start, err)
		}
		marks = append(marks, w)
		starts = append(starts, start)
	}
	if s.Err() != nil {
		h.t.Fatal(s.Err())
	}
	m := naming.RevisionStreamClientMark()
	mark, err := h.ss.GetAttribute(c, seg, wire.UUIDFromHalves(int64(m.MSB), int64(m.LSB)))
	if err != nil {
		h.t.Fatal(err)
	}
	return marks, starts, mark
}

// TestWatermarks notes times from two writers through gRPC, runs the
// watermarking passes by hand and checks the _MARK stream: the records, the
// mark, writers waiting and timing out, removeWriter, and a controller
// restart that resumes from the mark stream.
func TestWatermarks(t *testing.T) {
	h := newHarnessWith(t, "", func(c *controller.Config) { c.WatermarkInterval = -1 })
	c := ctx(t)
	h.mustStream("sc", "st", 2)
	// A writer that stops noting times blocks watermarks for an hour.
	cfg := fixed("sc", "st", 2)
	cfg.TimestampAggregationTimeout = 3_600_000
	if r, err := h.c.UpdateStream(c, cfg); err != nil || r.Status != pb.UpdateStreamStatus_SUCCESS {
		t.Fatalf("update: %v %v", r, err)
	}
	note := func(w string, ts int64, pos map[int64]int64) {
		t.Helper()
		r, err := h.c.NoteTimestampFromWriter(c, &pb.TimestampFromWriter{Writer: w, Timestamp: ts,
			Position: &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: pos}})
		if err != nil || r.Result != pb.TimestampResponse_SUCCESS {
			t.Fatalf("note %s %d: %v %v", w, ts, r, err)
		}
	}
	pass := func() {
		t.Helper()
		if err := h.srv.Workflows().ComputeWatermarks(c); err != nil {
			t.Fatal(err)
		}
	}
	s0 := watermark.Segment{ID: 0, Low: 0, High: 0.5}
	s1 := watermark.Segment{ID: 1, Low: 0.5, High: 1}
	var want []watermark.Watermark
	check := func(step string) {
		t.Helper()
		got, starts, mark := h.markRecords("sc", "st")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: watermarks\n %+v\nwant\n %+v", step, got, want)
		}
		if len(starts) > 0 && mark != starts[len(starts)-1] {
			t.Fatalf("%s: mark %d, newest record at %d", step, mark, starts[len(starts)-1])
		}
	}

	pass() // no writers: nothing
	check("no writers")
	note("a", 100, map[int64]int64{0: 10, 1: 20})
	note("b", 150, map[int64]int64{0: 30})
	pass()
	want = append(want, watermark.Watermark{Lower: 100, Upper: 150, Cut: map[watermark.Segment]int64{s0: 30, s1: 20}})
	check("first")

	pass() // a has not noted a time above 100 and has not timed out: wait
	check("waiting")

	note("a", 200, map[int64]int64{0: 40})
	note("b", 210, map[int64]int64{0: 35, 1: 25})
	pass()
	want = append(want, watermark.Watermark{Lower: 200, Upper: 210, Cut: map[watermark.Segment]int64{s0: 40, s1: 25}})
	check("second")

	// b shuts down; its last mark (210) still counts once, then it goes.
	if r, err := h.c.RemoveWriter(c, &pb.RemoveWriterRequest{Writer: "b", Stream: si("sc", "st")}); err != nil ||
		r.Result != pb.RemoveWriterResponse_SUCCESS {
		t.Fatalf("remove writer: %v %v", r, err)
	}
	note("a", 300, map[int64]int64{0: 50})
	pass()
	want = append(want, watermark.Watermark{Lower: 210, Upper: 300, Cut: map[watermark.Segment]int64{s0: 50, s1: 25}})
	check("shut-down writer counted")
	pass()
	want = append(want, watermark.Watermark{Lower: 300, Upper: 300, Cut: map[watermark.Segment]int64{s0: 50, s1: 25}})
	check("shut-down writer dropped")
	if r, _ := h.c.RemoveWriter(c, &pb.RemoveWriterRequest{Writer: "b", Stream: si("sc", "st")}); r.Result != pb.RemoveWriterResponse_UNKNOWN_WRITER {
		t.Fatalf("b's mark survived: %v", r)
	}

	// A restarted controller knows the newest watermark from the mark
	// stream: a at 300 does not make another 300 watermark, and the next one
	// lands at the end.
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	h.start(nil)
	c = ctx(t)
	pass()
	check("after restart")
	note("a", 400, map[int64]int64{0: 60, 1: 70})
	pass()
	want = append(want, watermark.Watermark{Lower: 400, Upper: 400, Cut: map[watermark.Segment]int64{s0: 60, s1: 70}})
	check("after restart, advanced")
}

// TestWatermarkAfterScale: writers on both sides of a scale; the cut
// follows the newest segments and fills the gaps from the newest epoch.
func TestWatermarkAfterScale(t *testing.T) {
	h := newHarnessWith(t, "", func(c *controller.Config) { c.WatermarkInterval = -1 })
	c := ctx(t)
	h.mustStream("sc", "st", 1)
	note := func(w string, ts int64, pos map[int64]int64) {
		t.Helper()
		r, err := h.c.NoteTimestampFromWriter(c, &pb.TimestampFromWriter{Writer: w, Timestamp: ts,
			Position: &pb.StreamCut{StreamInfo: si("sc", "st"), Cut: pos}})
		if err != nil || r.Result != pb.TimestampResponse_SUCCESS {
			t.Fatalf("note %s %d: %v %v", w, ts, r, err)
		}
	}
	note("a", 10, map[int64]int64{0: 100})
	if err := h.srv.Workflows().ComputeWatermarks(c); err != nil {
		t.Fatal(err)
	}
	r, err := h.c.Scale(c, &pb.ScaleRequest{StreamInfo: si("sc", "st"), SealedSegments: []int64{0},
		NewKeyRanges: []*pb.ScaleRequest_KeyRangeEntry{{Start: 0, End: 0.5}, {Start: 0.5, End: 1}}})
	if err != nil || r.Status != pb.ScaleResponse_STARTED {
		t.Fatalf("scale: %v %v", r, err)
	}
	// updateStream first finishes the scale; FIXED 2 then needs no scale.
	if u, err := h.c.UpdateStream(c, fixed("sc", "st", 2)); err != nil || u.Status != pb.UpdateStreamStatus_SUCCESS {
		t.Fatalf("update: %v %v", u, err)
	}
	s1, s2 := naming.SegmentID(1, 1), naming.SegmentID(1, 2)
	note("a", 20, map[int64]int64{s1: 7})
	if err := h.srv.Workflows().ComputeWatermarks(c); err != nil {
		t.Fatal(err)
	}
	got, _, _ := h.markRecords("sc", "st")
	want := []watermark.Watermark{
		{Lower: 10, Upper: 10, Cut: map[watermark.Segment]int64{{ID: 0, Low: 0, High: 1}: 100}},
		{Lower: 20, Upper: 20, Cut: map[watermark.Segment]int64{{ID: s1, Low: 0, High: 0.5}: 7, {ID: s2, Low: 0.5, High: 1}: 0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("watermarks\n %+v\nwant\n %+v", got, want)
	}
}
