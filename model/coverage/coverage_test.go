package coverage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/coverage"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/archive"
)

// sharedData is the public CloudTrail data beside the project (../shared/data from its root). A user's
// clone has none: the tests that read it skip.
func sharedData(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared data at %s (a user's clone has none): %v", dir, err)
	}
	return dir
}

func load(t testing.TB, paths ...string) *index.Index {
	t.Helper()
	x := index.New()
	if err := archive.Read(context.Background(), paths, archive.Options{}, func(b cloudtrail.Batch) { x.Add(b.Records) }); err != nil {
		t.Fatal(err)
	}
	return x
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func warn(t *testing.T, r coverage.Report, text string) string {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(r.Warn(q), "\n")
}

// The invictus attack: one account and region over 55 minutes; a trail whose selectors turned S3 and
// Lambda data events on for eight minutes, then back to management events only; no data event loaded.
func TestRealInvictusCoverage(t *testing.T) {
	x := load(t, sharedData(t, "invictus_aws_dataset"))
	r := coverage.Compute(x, 0)
	if r.Events != 2900 || !r.First.Equal(at("2023-07-10T11:42:18Z")) || !r.Last.Equal(at("2023-07-10T12:37:50Z")) {
		t.Errorf("%d events from %v to %v", r.Events, r.First, r.Last)
	}
	if len(r.Spans) != 1 || r.Spans[0].Account != "123837392027" || r.Spans[0].Region != "us-east-1" || r.Spans[0].Events != 2900 || len(r.Spans[0].Gaps) != 0 {
		t.Fatalf("spans %+v", r.Spans)
	}
	// Silences of four minutes and more, as counted from the records with Python.
	fine := coverage.Compute(x, 4*time.Minute)
	gaps := fine.Spans[0].Gaps
	if len(gaps) != 2 || !gaps[0].From.Equal(at("2023-07-10T11:43:35Z")) || !gaps[1].To.Equal(at("2023-07-10T11:52:40Z")) ||
		gaps[1].Length() != 5*time.Minute+time.Second {
		t.Errorf("gaps %+v", gaps)
	}
	if len(r.Data) != 0 || r.Insights != 0 {
		t.Errorf("data %+v, insights %d", r.Data, r.Insights)
	}

	var ctes *coverage.Trail
	for i := range r.Trails {
		if r.Trails[i].Name == "stratus-red-team-ctes-trail-qyxyekjbtk" {
			ctes = &r.Trails[i]
		}
	}
	if ctes == nil {
		t.Fatalf("trails %+v", r.Trails)
	}
	var summary []string
	for _, c := range ctes.Changes {
		summary = append(summary, c.Time.Format("15:04:05")+" "+c.Event+": "+c.Summary())
		if c.By != "user/bert-jan" {
			t.Errorf("%s by %s", c.Event, c.By)
		}
	}
	want := []string{
		"12:00:05 CreateTrail: management events on; bucket stratus-red-team-ctes-bucket-qyxyekjbtk; global service events; logs nothing until StartLogging",
		"12:00:05 StartLogging: logging started",
		"12:00:08 PutEventSelectors: management events off; data events on: AWS::S3::Object (all, read only), AWS::Lambda::Function (all, read only)",
		"12:07:49 PutEventSelectors: management events on; data events off",
		"12:08:04 DeleteTrail: trail deleted: logging ended",
	}
	if strings.Join(summary, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(summary, "\n"), strings.Join(want, "\n"))
	}
	// The trail of the StartLogging calls that failed: they changed nothing.
	for _, tr := range r.Trails {
		for _, c := range tr.Changes {
			if c.Failed != "" && !strings.HasPrefix(c.Summary(), "failed (TrailNotFoundException)") {
				t.Errorf("%s %s: %s", tr.Name, c.Event, c.Summary())
			}
		}
	}

	// No DeleteObject here means nothing: the records hold no S3 data event.
	w := warn(t, r, "event:DeleteObject")
	if !strings.Contains(w, "DeleteObject is a S3 data event and the loaded records hold none") ||
		!strings.Contains(w, "AWS::S3::Object turned them on at 2023-07-10 12:00 UTC (PutEventSelectors by user/bert-jan)") {
		t.Errorf("warning: %s", w)
	}
	if w := warn(t, r, "event:Delete* principal:bert"); !strings.Contains(w, "S3 data event") {
		t.Errorf("a wildcard that names data calls: %q", w)
	}
	if w := warn(t, r, "event:DeleteUser"); w != "" {
		t.Errorf("a management call: %q", w)
	}
	if w := warn(t, r, "since:2024-01-01T00:00Z"); !strings.Contains(w, "nothing is loaded after 2023-07-10 12:37 UTC") {
		t.Errorf("after the records: %q", w)
	}
}

// Data events that appear only from some time: a filter that asks about earlier hears so.
func TestDataEventsFrom(t *testing.T) {
	t0 := at("2024-05-01T10:00:00Z")
	rec := func(min int, source, name, category string) cloudtrail.Record {
		return cloudtrail.Record{Time: t0.Add(time.Duration(min) * time.Minute), Name: name, Source: source, Category: category,
			EventType: "AwsApiCall", Region: "eu-west-1", Account: "111122223333", EventID: strings.Repeat("0", 8) + "-" + name + "-" + string(rune('a'+min%26)) + time.Duration(min).String()}
	}
	x := index.New()
	x.Add([]cloudtrail.Record{
		rec(0, "iam.amazonaws.com", "ListUsers", "Management"),
		rec(150, "s3.amazonaws.com", "GetObject", "Data"),
		rec(151, "s3.amazonaws.com", "DeleteObject", "Data"),
		rec(152, "iam.amazonaws.com", "ListRoles", "Management"),
	})
	r := coverage.Compute(x, 0)
	if first, ok := r.DataFrom("s3.amazonaws.com"); !ok || !first.Equal(t0.Add(150*time.Minute)) {
		t.Errorf("S3 data from %v %v", first, ok)
	}
	if len(r.Spans) != 1 || len(r.Spans[0].Gaps) != 1 || r.Spans[0].Gaps[0].Length() != 150*time.Minute {
		t.Errorf("spans %+v", r.Spans)
	}
	if w := warn(t, r, "event:DeleteObject"); !strings.Contains(w, "S3 data events appear only from 2024-05-01 12:30 UTC") {
		t.Errorf("warning %q", w)
	}
	if w := warn(t, r, "event:DeleteObject since:2024-05-01T12:30:30Z"); w != "" {
		t.Errorf("within the data events' span: %q", w)
	}
	if w := warn(t, r, "event:Invoke"); !strings.Contains(w, "Lambda data event and the loaded records hold none") {
		t.Errorf("warning %q", w)
	}
}
