package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/sample"
	"github.com/trailscope/trailscope/ui/views/counts"
	"github.com/trailscope/trailscope/ui/views/coverage"
	"github.com/trailscope/trailscope/ui/views/timeline"
)

// invictus loads the built-in sample of real attack logs (Invictus IR's Stratus Red Team run).
func invictus(t *testing.T) *index.Index { return loadSample(t, "invictus") }

// loadSample loads a built-in sample.
func loadSample(t *testing.T, name string) *index.Index {
	t.Helper()
	s, err := sample.Named(name)
	if err != nil {
		t.Fatal(err)
	}
	idx := index.New()
	if err := s.Read(context.Background(), func(b cloudtrail.Batch) { idx.Add(b.Records) }); err != nil {
		t.Fatal(err)
	}
	return idx
}

// filterTo applies a filter from the bar.
func filterTo(a *App, text string) {
	press(a, "/", "ctrl+u")
	typeText(a, text)
	press(a, "enter")
}

func command(a *App, text string) {
	press(a, ":")
	typeText(a, text)
	press(a, "enter")
}

func TestCoverageViewOnRealData(t *testing.T) {
	a := newTestApp(invictus(t), 140, 40)
	command(a, "coverage")
	if a.state.Active != coverage.Name {
		t.Fatalf("view %s", a.state.Active)
	}
	mustContain(t, screen(a), "2,900 events from 2023-07-10 11:42:18 to 2023-07-10 12:37:50", "123837392027  us-east-1",
		"Data events: none.", "stratus-red-team-ctes-trail-qyxyekjbtk", "data events on: AWS::S3::Object (all, read", "AWS::Lambda::Function")
	press(a, "G")
	mustContain(t, screen(a), "StartLogging")

	// A filter that asks for what the trail did not log hears so on the status line.
	press(a, "1")
	filterTo(a, "event:DeleteObject")
	mustContain(t, a.status.Text, "coverage: DeleteObject is a S3 data event and the loaded records hold none",
		"AWS::S3::Object turned them on at 2023-07-10 12:00 UTC")
	filterTo(a, "event:DeleteUser")
	if strings.Contains(a.status.Text, "coverage") {
		t.Errorf("a management call warned: %q", a.status.Text)
	}
}

func TestCountViewOnRealData(t *testing.T) {
	a := newTestApp(invictus(t), 120, 30)
	filterTo(a, "principal:user/bert-jan")
	command(a, "count ip")
	if a.state.Active != counts.Name {
		t.Fatalf("view %s", a.state.Active)
	}
	mustContain(t, screen(a), "IP", "192.168.10.20", "2,104", "10.8.8.10", "281", "count by the next field")
	if strings.Contains(screen(a), "expand role") {
		t.Error("the hint line names the principals' keys")
	}
	if crumb := strings.Split(screen(a), "\n")[1]; !strings.Contains(crumb, "6 values of ip") {
		t.Errorf("breadcrumb %q", crumb)
	}
	// Enter filters by the value under the cursor.
	press(a, "enter")
	if a.state.Applied != "principal:user/bert-jan ip:192.168.10.20" || len(a.state.Result.Refs) != 2104 || a.state.Active != timeline.Name {
		t.Errorf("filter %q, %d events, view %s", a.state.Applied, len(a.state.Result.Refs), a.state.Active)
	}
	// # opens it on the current result; → counts by the next field.
	press(a, "esc", "#", "l")
	cv := a.view(counts.Name).(*counts.Model)
	if cv.Field().String() != "ua" {
		t.Errorf("after ip comes %s", cv.Field())
	}
	command(a, "count nosuch")
	mustContain(t, a.status.Text, "cannot count by \"nosuch\"")
}

func TestPrincipalCardOnRealData(t *testing.T) {
	a := newTestApp(invictus(t), 160, 40)
	filterTo(a, "principal:user/bert-jan")
	s := screen(a)
	mustContain(t, s, "user/bert-jan · 2,642 events · first 2023-07-10 11:54:33", "239 errors",
		"keys", "AKIATFQR7NSC8Q4X20BJ 2,104", "from", "192.168.10.20 2,104", "agents", "regions", "us-east-1 2,642", "writes", "PutParameter 42")
	// A key made in the records says who made it: here the backdoor user's, used in a call added to the
	// real records (none of its own is in them).
	filterTo(a, "key:AKIATFQR7NSC8Q4X20BJ")
	raw, err := a.state.Index.Raw(a.timeline.Row(0))
	if err != nil {
		t.Fatal(err)
	}
	r := a.state.Index.Record(a.timeline.Row(0))
	raw = []byte(strings.NewReplacer("AKIATFQR7NSC8Q4X20BJ", "AKIATFQR7NSC3ZO6PKAZ", "bert-jan", "backdoor",
		r.EventID, "00000000-1111-2222-3333-444444444444").Replace(string(raw)))
	rec, err := cloudtrail.DecodeRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	a.state.Index.Add([]cloudtrail.Record{rec})
	filterTo(a, "principal:user/backdoor")
	mustContain(t, screen(a), "AKIATFQR7NSC3ZO6PKAZ 1 (CreateAccessKey by user/bert-jan for stratus-red-team-backdoor-u-user")
	// No card for a filter that does not open one principal.
	filterTo(a, "event:CreateUser")
	if strings.Contains(screen(a), "▌") {
		t.Error("a card without a principal filter")
	}
}

// [ and ] follow the list as shown; s puts the cursor on the top of the new order.
func TestStepsFollowTheList(t *testing.T) {
	a := newTestApp(testIndex(300), 100, 30)
	tl := a.timeline
	press(a, "j", "j", "enter")
	ref, _ := a.detail.Ref()
	if ref != tl.Row(2) {
		t.Fatalf("detail of %d, row 2 is %d", ref, tl.Row(2))
	}
	press(a, "]")
	if ref, _ := a.detail.Ref(); ref != tl.Row(3) || tl.Cursor() != 3 {
		t.Errorf("] went to %d (cursor %d), the row below is %d", ref, tl.Cursor(), tl.Row(3))
	}
	press(a, "[", "[")
	if ref, _ := a.detail.Ref(); ref != tl.Row(1) {
		t.Errorf("[ [ went to %d, want row 1", ref)
	}
	press(a, "esc", "j", "j", "s")
	if tl.Cursor() != 0 || tl.NewestFirst() {
		t.Errorf("after s: cursor %d, newest first %v", tl.Cursor(), tl.NewestFirst())
	}
	press(a, "enter", "]")
	if ref, _ := a.detail.Ref(); ref != tl.Row(1) || a.state.Index.Time(tl.Row(1)).Before(a.state.Index.Time(tl.Row(0))) {
		t.Errorf("oldest first: ] went to %d", ref)
	}
}

// The breadcrumb names a filter only beside the views it applies to.
func TestBreadcrumbNamesFilterOnlyWhereItApplies(t *testing.T) {
	a := newTestApp(testIndex(300), 120, 30)
	filterTo(a, "event:DeleteTrail")
	command(a, "findings")
	crumb := strings.Split(screen(a), "\n")[1]
	if strings.Contains(crumb, "DeleteTrail") {
		t.Errorf(":findings breadcrumb shows the filter: %q", crumb)
	}
	command(a, "principals")
	if crumb := strings.Split(screen(a), "\n")[1]; !strings.Contains(crumb, "DeleteTrail") {
		t.Errorf(":principals breadcrumb hides the filter: %q", crumb)
	}
}

// Long cells are cut in the middle; w shows the row's cells whole.
func TestWholeCells(t *testing.T) {
	a := newTestApp(invictus(t), 100, 30)
	filterTo(a, "event:CreateAccessKey")
	s := screen(a)
	if strings.Contains(s, "+1") {
		t.Errorf("a resource hides as +1:\n%s", s)
	}
	press(a, "w")
	mustContain(t, screen(a), "resource: malicious-iam-user, AKIATFQR7NSCQLA2F4OD")
	press(a, "w")
	if strings.Contains(screen(a), "resource: ") {
		t.Error("w did not hide the whole cells")
	}
}

// A failed console sign-in is an error everywhere: the mark, error:any, and the detail names why.
func TestFailedSignInOnRealData(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "aws_docs_examples_2023")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared data at %s (a user's clone has none): %v", dir, err)
	}
	idx := index.New()
	if err := archive.Read(context.Background(), []string{dir}, archive.Options{}, func(b cloudtrail.Batch) { idx.Add(b.Records) }); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(idx, 140, 40)
	filterTo(a, "event:ConsoleLogin error:any")
	if n := len(a.state.Result.Refs); n != 2 {
		t.Fatalf("%d failed sign-ins", n)
	}
	mustContain(t, screen(a), "! ")
	press(a, "enter")
	mustContain(t, screen(a), "result", "Failure: Failed authentication (reported in responseElements.ConsoleLogin, no errorCode)")
}
