package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/lookup/fakect"
)

// TestLookupConsoleInTmux opens the console on LookupEvents against a local CloudTrail endpoint
// paced at the real 2 requests per second: pages stream in with per-region progress in the status
// line, and a second run comes from the cache.
func TestLookupConsoleInTmux(t *testing.T) {
	needTmux(t)
	abs, err := filepath.Abs(filepath.Join(data, "CloudTrail"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("the shared data is not here (%s): the end-to-end test runs on it in CI", data)
	}
	events, err := fakect.Load(abs)
	if err != nil {
		t.Fatal(err)
	}
	// 600 events ending 20 minutes ago, in two regions: 6 pages each, 3 seconds at 2 per second.
	events = fakect.Recent(events[:600], time.Now().Add(-20*time.Minute))
	srv := fakect.New(fakect.Config{AccessKey: "AKIDE2ELOOKUPTEST001", SecretKey: "e2e-secret", Rate: 2, Burst: 2})
	defer srv.Close()
	srv.Serve(fakect.Spread(events, "us-east-1", "eu-west-1"))

	env := awsEnv(t.TempDir(), "AKIDE2ELOOKUPTEST001", "eu-west-1", "AWS_ENDPOINT_URL="+srv.URL)
	open := opener(t, 120, 30, fmt.Sprintf("env %s %s --lookup --since 2h", env, binary(t)))

	// No --region: the configured region, and us-east-1 for global events. The status line says
	// where each region is while pages arrive; the timeline is usable meanwhile.
	tm := open()
	tm.waitFor("loading:", "eu-west-1", "us-east-1", "pages")
	tm.send("/")
	tm.typeText("event:DescribeInstances")
	tm.send("Enter")
	tm.waitFor("/ event:DescribeInstances")
	tm.waitFor("of 600 events")
	waitLoaded(tm)
	if s := tm.screen(); strings.Contains(s, "problems") {
		t.Errorf("problems:\n%s", s)
	}
	tm.send("q")
	tm.waitEnded() // and has written the cache the second run reads
	if n := srv.Calls("LookupEvents", ""); n != 12 {
		t.Errorf("%d LookupEvents calls, want 12 (6 pages in each region)", n)
	}

	// Again: from the cache, but for the last 15 minutes (one call a region, no events).
	srv.Reset()
	tm = open()
	tm.waitFor("600 of 600 events")
	waitLoaded(tm)
	tm.send("q")
	tm.waitEnded()
	if n := srv.Calls("LookupEvents", ""); n != 2 {
		t.Errorf("the second run made %d calls, want 2", n)
	}
}

// waitLoaded waits until the status line no longer says the source is loading.
func waitLoaded(tm *term) {
	tm.t.Helper()
	tm.waitGone("loading:")
}
