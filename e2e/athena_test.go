package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/source/athena/fakeathena"
)

// TestAthenaConsoleInTmux opens the console on an Athena table (a local stand-in running the SQL in
// DuckDB): esc while the query runs stops it in Athena; then the same window loads, and the
// rebuilt records' detail, credential chain and pivots work.
func TestAthenaConsoleInTmux(t *testing.T) {
	needTmux(t)
	recs, err := fakeathena.IncidentRecords()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeathena.New(fakeathena.Config{Hold: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.CreateTable(fakeathena.Table{Database: "security", Name: "cloudtrail", Layout: fakeathena.Organization}, recs); err != nil {
		t.Fatal(err)
	}

	env := awsEnv(t.TempDir(), "AKIDE2EATHENATEST001", "us-east-1", "AWS_ENDPOINT_URL="+srv.URL)
	open := opener(t, 120, 40, fmt.Sprintf("env %s %s --athena security.cloudtrail --since 2024-03-04 --until 2024-03-05 --region us-east-1", env, binary(t)))

	// The query runs (held by the stand-in): the status line says so; esc stops it in Athena.
	tm := open()
	id := <-srv.Running()
	tm.waitFor("loading:", "Athena query "+id)
	tm.send("Escape")
	if q := srv.Wait(id); q.State != "CANCELLED" {
		t.Fatalf("query %s is %s after esc", id, q.State)
	}
	waitLoaded(tm)
	tm.send("q")
	tm.waitEnded()

	// Again, let through: the window's events, the incident among them.
	tm = open()
	srv.Release(<-srv.Running())
	waitLoaded(tm)
	tm.filter("event:TerminateInstances resource:i-0abc")
	tm.waitFor("user/bert-jan")
	tm.send("Enter")
	s := tm.waitFor("credential chain", "who", "trailscopeRebuilt")
	if !strings.Contains(s, "user/bert-jan") {
		t.Fatalf("the detail names no principal:\n%s", s)
	}
	tm.pivotOnWho()
	tm.send("q")
	tm.waitEnded()
}
