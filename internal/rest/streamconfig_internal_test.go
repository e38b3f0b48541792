package rest

import (
	"math"
	"net/http"
	"testing"

	"google.golang.org/grpc/status"

	pb "github.com/sluicestream/sluice/api/controller"
)

func TestUpdateOutcome(t *testing.T) {
	for st, want := range map[pb.UpdateStreamStatus_Status]int{
		pb.UpdateStreamStatus_STREAM_NOT_FOUND: http.StatusNotFound,
		pb.UpdateStreamStatus_SCOPE_NOT_FOUND:  http.StatusNotFound,
		pb.UpdateStreamStatus_STREAM_SEALED:    http.StatusPreconditionFailed,
		pb.UpdateStreamStatus_FAILURE:          http.StatusConflict,
		pb.UpdateStreamStatus_Status(99):       http.StatusInternalServerError,
	} {
		if got := httpStatus(status.Code(updateOutcome(st, "update", "sc", "s"))); got != want {
			t.Errorf("%v: HTTP %d, want %d", st, got, want)
		}
	}
	if err := updateOutcome(pb.UpdateStreamStatus_SUCCESS, "update", "sc", "s"); err != nil {
		t.Errorf("success: %v", err)
	}
}

func TestRetentionUnits(t *testing.T) {
	day := int64(24 * 3600 * 1000)
	for _, c := range []struct {
		days int64
		span *timeBasedRetention
		want int64
	}{
		{3, nil, 3 * day},
		{3, &timeBasedRetention{Hours: 5}, 3 * day}, // value wins when non-zero
		{0, &timeBasedRetention{Days: 1, Hours: 2, Minutes: 3}, day + 2*3600*1000 + 3*60*1000},
		{0, nil, 0},
		{math.MaxInt64 / 2, nil, math.MaxInt64},
		{0, &timeBasedRetention{Days: math.MaxInt64 / day, Hours: math.MaxInt64 / 3600000}, math.MaxInt64},
	} {
		got, err := retentionMillis("r", c.days, c.span)
		if err != nil || got != c.want {
			t.Errorf("%d days, span %+v: %d %v, want %d", c.days, c.span, got, err, c.want)
		}
	}
	// And back: whole days are a value; other spans only days/hours/minutes.
	out := fromStreamConfig(&pb.StreamConfig{RetentionPolicy: &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_TIME,
		RetentionParam: 2 * day, RetentionMax: day + 60000}})
	if r := out.RetentionPolicy; r.Value != 2 || *r.TimeBasedRetention != (timeBasedRetention{Days: 2}) ||
		*r.MaxTimeBasedRetention != (timeBasedRetention{Days: 1, Minutes: 1}) {
		t.Errorf("time retention out: %+v", r)
	}
	out = fromStreamConfig(&pb.StreamConfig{RetentionPolicy: &pb.RetentionPolicy{RetentionType: pb.RetentionPolicy_SIZE,
		RetentionParam: 3 << 20, RetentionMax: 7 << 20}})
	if r := out.RetentionPolicy; *r.Type != retentionMiB || r.Value != 3 || r.MaxValue != 7 {
		t.Errorf("size retention out: %+v", r)
	}
	if out := fromStreamConfig(&pb.StreamConfig{}); out.RetentionPolicy != nil || out.Tags == nil {
		t.Errorf("no retention, no tags: %+v", out)
	}
}
