package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/source/athena"
	"github.com/trailscope/trailscope/source/athena/fakeathena"
)

// athenaEnv points the AWS SDK at a local Athena serving the incident table as
// security.cloudtrail (an organization trail's table), through AWS_ENDPOINT_URL as a user would.
func athenaEnv(t *testing.T, cfg fakeathena.Config) *fakeathena.Server {
	t.Helper()
	recs, err := fakeathena.IncidentRecords()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeathena.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if err := srv.CreateTable(fakeathena.Table{Database: "security", Name: "cloudtrail", Layout: fakeathena.Organization}, recs); err != nil {
		t.Fatal(err)
	}
	srv.Setenv(t)
	return srv
}

// TestQueryAthena is the example: one SELECT with the partitions and the event name in
// it, only the matching row back, the event printed with its principal; again from the cache.
func TestQueryAthena(t *testing.T) {
	srv := athenaEnv(t, fakeathena.Config{})
	args := []string{"--athena", "security.cloudtrail", "--since", "2024-03-04", "--until", "2024-03-05", "event:TerminateInstances resource:i-0abc"}
	out, errOut, code := query(t, "", args...)
	if code != exitFound || strings.Count(out, "\n") != 2 || !strings.Contains(out, "TerminateInstances") ||
		!strings.Contains(out, "user/bert-jan") || !strings.Contains(out, fakeathena.IncidentInstance) {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	qs := srv.Queries()
	if len(qs) != 1 {
		t.Fatalf("%d queries", len(qs))
	}
	q := qs[0]
	if !strings.HasPrefix(q.SQL, "SELECT ") || !strings.Contains(q.SQL, `"timestamp" >= '2024/03/04' AND "timestamp" <= '2024/03/05'`) ||
		!strings.Contains(q.SQL, `lower(coalesce("eventname", '')) = 'terminateinstances'`) || q.Rows != 1 {
		t.Errorf("%d rows for\n%s", q.Rows, q.SQL)
	}
	if !strings.Contains(errOut, "Athena query "+q.ID+" started in workgroup primary") || !strings.Contains(errOut, q.ID+" succeeded") {
		t.Errorf("the query's ID is not logged:\n%s", errOut)
	}

	// The window has ended: the second run is answered from the cache, without a query.
	out2, errOut2, code := query(t, "", args...)
	if code != exitFound || out2 != out || len(srv.Queries()) != 1 || !strings.Contains(errOut2, "from the cache") {
		t.Errorf("second run (exit %d, %d queries):\n%s\n%s", code, len(srv.Queries()), out2, errOut2)
	}

	// --explain shows the SQL and where each term ran; json gives the rebuilt record.
	out, errOut, code = query(t, "", append([]string{"--explain", "--format", "json", "--no-cache"}, args...)...)
	if code != exitFound || !strings.Contains(errOut, "FROM \"security\".\"cloudtrail\"") ||
		!strings.Contains(errOut, "event:TerminateInstances") || !strings.Contains(errOut, "in Athena") ||
		!strings.Contains(errOut, "narrowed in Athena, finished here") {
		t.Errorf("--explain (exit %d):\n%s", code, errOut)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec["eventName"] != "TerminateInstances" ||
		!strings.Contains(rec[athena.RebuiltKey].(string), "Athena table security.cloudtrail") {
		t.Errorf("json: %v\n%s", err, out)
	}
	ui := rec["userIdentity"].(map[string]any)
	if ui["userName"] != "bert-jan" || ui["accessKeyId"] == nil {
		t.Errorf("userIdentity: %v", ui)
	}
}

func TestFindingsAthena(t *testing.T) {
	srv := athenaEnv(t, fakeathena.Config{})
	out, errOut, code := runRoot(t, "", "findings", "--athena", "security.cloudtrail", "--since", "2024-03-03", "--until", "2024-03-06", "--region", "us-east-1")
	if code != exitNothing && code != exitFound || errOut == "" {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	if q := srv.Queries()[0]; !strings.Contains(q.SQL, `"region" IN ('us-east-1')`) {
		t.Errorf("SQL:\n%s", q.SQL)
	}
}

func TestAthenaFlagErrors(t *testing.T) {
	athenaEnv(t, fakeathena.Config{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"query", "--workgroup", "x", "event:X"}, "--workgroup is an option of --athena"},
		{[]string{"query", "--account", "123456789012", "event:X"}, "--account goes with s3:// URLs and --athena"},
		{[]string{"query", "--athena", "security.cloudtrail", "--lookup", "event:X"}, "give one"},
		{[]string{"query", "--athena", "security.cloudtrail", "--push-down=false", "event:X"}, "--push-down is an option of --lookup"},
		{[]string{"query", "--athena", "security.cloudtrail", "logs/", "event:X"}, "either PATHs or --athena"},
		{[]string{"query", "--athena", "cloudtrail", "event:X"}, "DATABASE.TABLE"},
		{[]string{"query", "--athena", "security.nope", "event:X"}, "CREATE EXTERNAL TABLE `security`.`nope`"},
		{[]string{"query", "--athena", "security.cloudtrail", "--since", "2024-03-04", "--until", "2024-03-03", "event:X"}, "the time window is empty"},
	} {
		out, errOut, code := runRoot(t, "", tc.args...)
		if code != exitError || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d\n%s\n%s", tc.args, code, out, errOut)
		}
	}
}

// TestAthenaOnlySelects: everything trailscope sent Athena was read-only.
func TestAthenaOnlySelects(t *testing.T) {
	srv := athenaEnv(t, fakeathena.Config{})
	query(t, "", "--athena", "security.cloudtrail", "--since", "2024-03-04", "--until", "2024-03-05", "--no-cache", `user:"x'; DROP TABLE y; --"`)
	for _, q := range srv.Queries() {
		if !strings.HasPrefix(q.SQL, "SELECT ") {
			t.Errorf("sent:\n%s", q.SQL)
		}
	}
	for _, op := range srv.Ops() {
		if !slices.Contains([]string{"athena:GetTableMetadata", "athena:GetWorkGroup", "athena:StartQueryExecution",
			"athena:GetQueryExecution", "athena:GetQueryResults"}, op) {
			t.Errorf("called %s", op)
		}
	}
}
