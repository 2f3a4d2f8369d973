package athena_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/source/athena"
	"github.com/trailscope/trailscope/source/athena/fakeathena"
)

// TestErrorsSayWhatToDo: each failure names its cause and what to do about it.
func TestErrorsSayWhatToDo(t *testing.T) {
	cases := []struct {
		name  string
		cfg   fakeathena.Config
		opt   func(*athena.Options)
		kind  error
		words []string
	}{
		{name: "no table", cfg: fakeathena.Config{Trails: []fakeathena.Trail{{Name: "org", Bucket: "acme-trail", Organization: true, HomeRegion: "eu-west-1"}}},
			opt: func(o *athena.Options) { o.Table = "security.missing" }, kind: athena.ErrTableNotFound,
			words: []string{"no table security.missing", "CREATE EXTERNAL TABLE `security`.`missing`", "s3://acme-trail/AWSLogs/ORGANIZATION_ID/",
				"${account}/CloudTrail/${region}/${timestamp}", "'projection.timestamp.format'='yyyy/MM/dd'", "useridentity STRUCT<"}},
		{name: "no table, one account's trail", cfg: fakeathena.Config{Trails: []fakeathena.Trail{{Name: "main", Bucket: "logs", Prefix: "ct", HomeRegion: "us-east-1"}}},
			opt: func(o *athena.Options) { o.Table = "missing.cloudtrail" }, kind: athena.ErrTableNotFound,
			words: []string{"s3://logs/ct/AWSLogs/123456789012/CloudTrail/us-east-1/${timestamp}", "PARTITIONED BY (`timestamp` string)"}},
		{name: "no output location", cfg: fakeathena.Config{WorkGroups: map[string]string{"primary": ""}},
			kind: athena.ErrNoOutputLocation, words: []string{"workgroup primary has no query result location", "--output-location s3://"}},
		{name: "no workgroup", opt: func(o *athena.Options) { o.WorkGroup = "analysts" }, kind: athena.ErrWorkGroup,
			words: []string{`no workgroup "analysts"`, "--workgroup"}},
		{name: "glue denied", cfg: fakeathena.Config{Denied: []string{"glue:GetTable"}}, kind: athena.ErrAccessDenied,
			words: []string{"glue:GetTable", "Glue Data Catalog"}},
		{name: "start denied", cfg: fakeathena.Config{Denied: []string{"athena:StartQueryExecution"}}, kind: athena.ErrAccessDenied,
			words: []string{"athena:StartQueryExecution", "workgroup"}},
		{name: "results denied", cfg: fakeathena.Config{Denied: []string{"athena:GetQueryResults"}}, kind: athena.ErrAccessDenied,
			words: []string{"athena:GetQueryResults"}},
		{name: "trail bucket denied", cfg: fakeathena.Config{Denied: []string{"s3:GetObject"}}, kind: athena.ErrAccessDenied,
			words: []string{"s3:GetObject", "s3://fake-trail-bucket/AWSLogs/", "trail's bucket", "Permission denied on S3 path"}},
		{name: "output denied", cfg: fakeathena.Config{Denied: []string{"s3:PutObject"}}, kind: athena.ErrAccessDenied,
			words: []string{"s3:PutObject", "s3://fake-athena-results/", "output location"}},
		{name: "query failed", cfg: fakeathena.Config{FailQueries: "HIVE_BAD_DATA: Error parsing field value for field 3"}, kind: athena.ErrQueryFailed,
			words: []string{"failed: HIVE_BAD_DATA: Error parsing field value"}},
		{name: "bad table name", opt: func(o *athena.Options) { o.Table = `db.t"; DROP` }, kind: athena.ErrUsage, words: []string{"--athena", "DATABASE.TABLE"}},
		{name: "bad output location", opt: func(o *athena.Options) { o.OutputLocation = "/tmp/x" }, kind: athena.ErrUsage, words: []string{"s3://BUCKET/PREFIX/"}},
		{name: "bad region", opt: func(o *athena.Options) { o.Regions = []string{"us-east-1,mars-1"} }, kind: athena.ErrUsage, words: []string{`--region "mars-1"`}},
		{name: "bad account", opt: func(o *athena.Options) { o.Accounts = []string{"12345"} }, kind: athena.ErrUsage, words: []string{`--account "12345"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := fakeathena.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			recs := records(t)[:200]
			if err := srv.CreateTable(fakeathena.Table{Database: "security", Name: "cloudtrail"}, recs); err != nil {
				t.Fatal(err)
			}
			srv.Setenv(t)
			opt := options(t, "")
			opt.Since = "2024-03-03"
			if tc.opt != nil {
				tc.opt(&opt)
			}
			res := run(t, context.Background(), opt)
			if !errors.Is(res.err, tc.kind) {
				t.Fatalf("error %v, want %v", res.err, tc.kind)
			}
			for _, w := range tc.words {
				if !strings.Contains(res.err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, res.err)
				}
			}
		})
	}
}

// TestOutputLocation: a workgroup without a result location works with --output-location.
func TestOutputLocation(t *testing.T) {
	srv := server(t, fakeathena.Config{WorkGroups: map[string]string{"primary": "", "analysts": ""}}, fakeathena.Projected)
	opt := options(t, "event:TerminateInstances")
	opt.WorkGroup, opt.OutputLocation = "analysts", "s3://my-results/trailscope/"
	res := run(t, context.Background(), opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if q := srv.Queries()[0]; q.Output != opt.OutputLocation || q.WorkGroup != "analysts" {
		t.Errorf("query %+v", q)
	}
}

// TestWorkGroupUnreadable: without athena:GetWorkGroup the query still runs, and the banner says so.
func TestWorkGroupUnreadable(t *testing.T) {
	srv := server(t, fakeathena.Config{Denied: []string{"athena:GetWorkGroup"}}, fakeathena.Projected)
	res := run(t, context.Background(), options(t, "event:TerminateInstances"))
	if res.err != nil || res.idx.Len() == 0 || !strings.Contains(res.s.Banner(), "athena:GetWorkGroup denied") {
		t.Errorf("%v, %d events, banner %q", res.err, res.idx.Len(), res.s.Banner())
	}
	if !slices.Contains(srv.Ops(), "athena:GetQueryResults") {
		t.Errorf("ops %v", srv.Ops())
	}
}

// TestOnlyReadOperationsOnTheWire: the operations that reach the stand-in in runs that use them all
// (a query, a cancelled one, a missing table) are the read operations of the project's
// aws_ops_test.go, and every statement is a SELECT.
func TestOnlyReadOperationsOnTheWire(t *testing.T) {
	srv := server(t, fakeathena.Config{Hold: true}, fakeathena.Projected)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- run(t, ctx, options(t, "event:RunInstances")) }()
	<-srv.Running()
	cancel()
	<-done
	missing := options(t, "")
	missing.Table = "security.missing"
	run(t, context.Background(), missing)
	released := make(chan result, 1)
	go func() { released <- run(t, context.Background(), options(t, "event:TerminateInstances")) }()
	srv.Release(<-srv.Running())
	if res := <-released; res.err != nil {
		t.Fatal(res.err)
	}
	var got []string
	for _, op := range srv.Ops() {
		if !slices.Contains(got, op) {
			got = append(got, op)
		}
	}
	slices.Sort(got)
	want := []string{"athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetTableMetadata", "athena:GetWorkGroup",
		"athena:StartQueryExecution", "athena:StopQueryExecution", "cloudtrail:DescribeTrails"}
	if !slices.Equal(got, want) {
		t.Errorf("operations on the wire: %v, want %v", got, want)
	}
	for _, q := range srv.Queries() {
		if !strings.HasPrefix(q.SQL, "SELECT ") {
			t.Errorf("sent:\n%s", q.SQL)
		}
	}
}
