package findings_test

import (
	"context"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/archive"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/findings"
)

// The public fixtures hold a user making a key for itself.
func TestRealSelfMadeKey(t *testing.T) {
	x := index.New()
	// Hand-edited fixtures: some have no time; the rest load.
	if err := archive.Read(context.Background(), []string{sharedData(t, "panther_analysis_tests")}, archive.Options{},
		func(b cloudtrail.Batch) { x.Add(b.Records) }); err != nil {
		t.Fatal(err)
	}
	var f *findings.Finding
	for _, g := range findings.Find(x, findings.Options{Rules: []string{"access-key-self"}}) {
		if g.Principal == "user/user1" {
			f = &g
		}
	}
	if f == nil || f.Count != 1 || f.Severity != catalog.SeverityMedium {
		t.Fatalf("finding %+v", f)
	}
	if r := x.Record(f.Refs[0]); r.Name != "CreateAccessKey" || !strings.Contains(f.Filter, r.EventID) {
		t.Errorf("finding %+v opens %q", r, f.Filter)
	}
}
