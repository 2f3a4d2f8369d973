package athena_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/athena"
	"github.com/trailscope/trailscope/source/athena/fakeathena"
)

// TestTerminatedInstance is the example: one SELECT, its partitions and the event name in
// Athena, only the matching row back, the event with its principal.
func TestTerminatedInstance(t *testing.T) {
	srv := server(t, fakeathena.Config{}, fakeathena.Organization)
	res := run(t, context.Background(), options(t, "event:TerminateInstances resource:i-0abc"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	qs := srv.Queries()
	if len(qs) != 1 {
		t.Fatalf("%d queries, want 1", len(qs))
	}
	q := qs[0]
	for _, want := range []string{
		`"timestamp" >= '2024/03/04' AND "timestamp" <= '2024/03/05'`,
		`"eventtime" >= '2024-03-04T00:00:00Z' AND "eventtime" <= '2024-03-05T00:00:00Z'`,
		`lower(coalesce("eventname", '')) = 'terminateinstances'`,
		`'i-0abc'`,
	} {
		if !strings.Contains(q.SQL, want) {
			t.Errorf("the SQL lacks %s:\n%s", want, q.SQL)
		}
	}
	if q.Rows != 1 || res.idx.Len() != 1 {
		t.Fatalf("Athena returned %d rows, %d indexed; want the one event", q.Rows, res.idx.Len())
	}
	r := res.idx.Record(0)
	if r.EventID != targetID || r.Name != "TerminateInstances" || r.Identity.Principal != "user/bert-jan" {
		t.Errorf("got %s %s by %s", r.EventID, r.Name, r.Identity.Principal)
	}
	if !slices.ContainsFunc(r.Resources, func(x cloudtrail.Resource) bool { return x.ID == targetArn }) {
		t.Errorf("resources %v lack %s", r.Resources, targetArn)
	}
	raw, err := res.idx.Raw(0)
	if err != nil || !strings.Contains(string(raw), athena.RebuiltKey) || !strings.Contains(string(raw), q.ID) {
		t.Errorf("the rebuilt record does not say so: %v %.300s", err, raw)
	}
	terms := res.s.Plan.Terms
	if terms[0].Where != athena.Exact || terms[1].Where != athena.Narrowed {
		t.Errorf("placements %+v", terms)
	}
	last := res.batch[len(res.batch)-1].Progress
	if !last.Done || !strings.Contains(last.Detail, q.ID) || !strings.Contains(last.Detail, "scanned") {
		t.Errorf("last progress %+v", last)
	}
}

// TestAgreesWithIndex runs filters of every kind, hostile values among them, through Athena and
// through the index on all the records: the events must be the same. Where every term ran in
// Athena exactly, Athena's rows must be exactly those events; where a term was only narrowed there,
// no fewer.
func TestAgreesWithIndex(t *testing.T) {
	srv := server(t, fakeathena.Config{}, fakeathena.Organization)
	// Every record of the table, as the table holds them (without the fields it has no column for).
	whole := options(t, "")
	whole.Since, whole.Until = "2024-03-01", "2024-03-10"
	res := run(t, context.Background(), whole)
	if res.err != nil {
		t.Fatal(res.err)
	}
	all := res.idx
	some := all.Record(all.Query(filter.Query{}).Refs[100])
	filters := []string{
		"",
		"event:TerminateInstances resource:i-0abc",
		"event:Delete*,Put*",
		"-event:Describe*",
		"source:ec2 readonly:false",
		"source:iam.amazonaws.com,sts",
		"principal:giulia",
		"user:jenkins -readonly:true",
		"principal:role",
		"type:AssumedRole error:any",
		"error:AccessDenied*",
		"-error:none",
		"error:none event:Get*",
		"error:Failure",
		"-error:any source:signin",
		"event:ConsoleLogin -error:none",
		"ua:aws-cli",
		"ua:Boto3/*",
		"-ua:HashiCorp",
		"ip:176.220.205.0/24",
		"ip:176.220.205.139",
		"ip:176.0.0.0/4",
		"ip:ec2.amazonaws.com,cloudtrail.amazonaws.com",
		"ip:2001:db8::/32",
		"region:us-west-2",
		"region:us-east-1,eu-west-1 -region:eu-west-1",
		"region:eu-*",
		"account:" + some.Account,
		"-account:" + some.Account,
		"key:ASIA*",
		"key:" + some.Identity.AccessKey,
		"resource:i-0",
		"resource:i-0abc1234567890def",
		"resource:instance",
		"resource:arn:aws:ec2:us-east-1:" + some.Account + ":instance/i-0abc1234567890def",
		"giulia",
		"TerminateInstances",
		"id:" + some.EventID,
		"-id:" + some.EventID,
		"req:" + some.RequestID,
		"since:2024-03-04T06:00:00Z until:2024-03-04T07:30:00Z",
		"-since:2024-03-04T12:00:00Z",
		// Hostile values: quotes, LIKE's own wildcards, backslashes, SQL, control characters,
		// Unicode that SQL and Go fold differently.
		`principal:"x' OR '1'='1"`,
		`event:"It's"`,
		`user:"o'brien"`,
		`ua:"x'); DROP TABLE cloudtrail; --"`,
		`-ua:"' OR ''='"`,
		`ua:"%"`,
		`ua:"_"`,
		`ua:"\\"`,
		`-ua:"a%b_c\\d"`,
		`resource:"'; DROP TABLE cloudtrail; --"`,
		`"'); SELECT 1; --"`,
		"ua:\x1b[31m",
		"event:\"\u00df*\"",
		"principal:\u212a",
		`ua:"` + strings.Repeat("a", 2000) + `"`,
	}
	for _, f := range filters {
		t.Run(f, func(t *testing.T) {
			opt := options(t, f)
			res := run(t, context.Background(), opt)
			if res.err != nil {
				t.Fatal(res.err)
			}
			// The index over all the records, narrowed to the same window.
			q, _ := filter.ParseQuery(fmt.Sprintf("since:%s until:%s %s",
				res.s.From.Format(time.RFC3339), res.s.To.Format(time.RFC3339), f))
			want := ids(all, q)
			got := ids(res.idx, opt.Query)
			if !maps.Equal(got, want) {
				t.Errorf("%d events through Athena, %d from the index on all records\nSQL:\n%s", len(got), len(want), res.s.Plan.SQL)
			}
			qs := srv.Queries()
			rows := qs[len(qs)-1].Rows
			exact := true
			for _, tp := range res.s.Plan.Terms {
				exact = exact && (tp.Where == athena.Exact || tp.Where == athena.InWindow)
			}
			// Rows are events and their duplicate deliveries; where every term ran exactly in
			// Athena, every event it returned matches.
			if rows != res.idx.Len()+res.idx.Duplicates() || exact && res.idx.Len() != len(got) {
				t.Errorf("Athena returned %d rows, %d events, %d of them matching (terms %+v)", rows, res.idx.Len(), len(got), res.s.Plan.Terms)
			}
		})
	}
}

// TestLayouts: the same events whatever the table's partitions.
func TestLayouts(t *testing.T) {
	for _, l := range []fakeathena.Layout{fakeathena.Projected, fakeathena.Manual, fakeathena.Unpartitioned} {
		t.Run(fmt.Sprint(l), func(t *testing.T) {
			srv := server(t, fakeathena.Config{RowsAsArrays: l == fakeathena.Manual}, l)
			opt := options(t, "event:TerminateInstances")
			opt.Regions = []string{"us-east-1", "us-west-2"}
			res := run(t, context.Background(), opt)
			if res.err != nil {
				t.Fatal(res.err)
			}
			q, _ := filter.ParseQuery("since:2024-03-04T00:00:00Z until:2024-03-05T00:00:00Z region:us-east-1,us-west-2 event:TerminateInstances")
			if got, want := ids(res.idx, filter.Query{}), ids(local(), q); !maps.Equal(got, want) {
				t.Errorf("%d events, want %d\n%s", len(got), len(want), res.s.Plan.SQL)
			}
			sql := srv.Queries()[0].SQL
			switch l {
			case fakeathena.Manual:
				if !strings.Contains(sql, `("year" = '2024' AND "month" = '03' AND "day" IN ('04', '05'))`) ||
					!strings.Contains(sql, `"region" IN ('us-east-1', 'us-west-2')`) {
					t.Errorf("partitions:\n%s", sql)
				}
			case fakeathena.Unpartitioned:
				if !strings.Contains(res.s.Banner(), "no date partition") || !strings.Contains(sql, `lower(coalesce("awsregion", '')) IN`) {
					t.Errorf("banner %q\n%s", res.s.Banner(), sql)
				}
			}
			// Records rebuilt from rows cast as arrays (Manual here) read as those cast as objects.
			r := res.idx.Record(res.idx.Query(filter.Query{}).Refs[0])
			if r.Identity.Principal == "" || r.Identity.Principal == "(no identity)" || len(r.Resources) == 0 {
				t.Errorf("rebuilt record: %+v", r)
			}
		})
	}
}

// TestRebuiltRecords compares every rebuilt record with its original, field by field as the index
// reads them.
func TestRebuiltRecords(t *testing.T) {
	server(t, fakeathena.Config{}, fakeathena.Projected)
	opt := options(t, "")
	opt.Since, opt.Until = "2024-03-02", "2024-03-09"
	res := run(t, context.Background(), opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	orig := map[string]cloudtrail.Record{}
	all := local()
	for _, ref := range all.Query(filter.Query{}).Refs {
		r := all.Record(ref)
		orig[r.EventID] = r
	}
	refs := res.idx.Query(filter.Query{}).Refs
	if len(refs) != len(orig) {
		t.Errorf("%d events rebuilt, %d in the table", len(refs), len(orig))
	}
	bad := 0
	for _, ref := range refs {
		got := res.idx.Record(ref)
		want := orig[got.EventID]
		// What the documented table has no column for: the session's source identity and a SAML
		// user's identity provider; the principal is derived without them.
		want.Identity.SourceIdentity, want.Identity.Provider = "", ""
		cloudtrail.DeriveIdentity(&want.Identity)
		if diff := differ(got, want); diff != "" {
			if bad++; bad <= 3 {
				t.Errorf("event %s: %s", got.EventID, diff)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d records differ", bad, len(refs))
	}
}

// TestLimit: at most --athena-limit rows, said.
func TestLimit(t *testing.T) {
	srv := server(t, fakeathena.Config{}, fakeathena.Projected)
	opt := options(t, "")
	opt.Limit = 5
	opt.PageSize = 2
	res := run(t, context.Background(), opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.idx.Len() != 5 || !res.s.Stats().LimitReached || !strings.Contains(srv.Queries()[0].SQL, "LIMIT 6") {
		t.Errorf("%d events, stats %+v", res.idx.Len(), res.s.Stats())
	}
	if d := res.batch[len(res.batch)-1].Progress.Detail; !strings.Contains(d, "limit of 5 reached") {
		t.Errorf("detail %q", d)
	}
}

// TestCancel: a cancelled load stops its query in Athena.
func TestCancel(t *testing.T) {
	srv := server(t, fakeathena.Config{Hold: true}, fakeathena.Projected)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs []string
	opt := options(t, "event:RunInstances")
	opt.Log = func(s string) { logs = append(logs, s) }
	done := make(chan result, 1)
	go func() { done <- run(t, ctx, opt) }()
	id := <-srv.Running()
	cancel()
	res := <-done
	if !errors.Is(res.err, context.Canceled) {
		t.Errorf("Run: %v", res.err)
	}
	if q := srv.Wait(id); q.State != "CANCELLED" || !slices.Contains(srv.Ops(), "athena:StopQueryExecution") {
		t.Errorf("query %s: %s; ops %v", id, q.State, srv.Ops())
	}
	if !strings.Contains(strings.Join(logs, "\n"), id+" stopped") {
		t.Errorf("logs: %q", logs)
	}
}

// TestCache: the same SQL over a settled window is answered from the cache, without a query; a
// window that reaches the present is not cached.
func TestCache(t *testing.T) {
	srv := server(t, fakeathena.Config{}, fakeathena.Projected)
	opt := options(t, "event:RunInstances")
	opt.NoCache, opt.CacheDir = false, t.TempDir()
	first := run(t, context.Background(), opt)
	second := run(t, context.Background(), opt)
	if first.err != nil || second.err != nil {
		t.Fatal(first.err, second.err)
	}
	if n := len(srv.Queries()); n != 1 {
		t.Errorf("%d queries, want 1", n)
	}
	if a, b := ids(first.idx, filter.Query{}), ids(second.idx, filter.Query{}); len(a) == 0 || !maps.Equal(a, b) {
		t.Errorf("%d events, then %d from the cache", len(a), len(b))
	}
	if st := second.s.Stats(); st.State != "cache" || st.QueryID != srv.Queries()[0].ID {
		t.Errorf("stats %+v", st)
	}
	raw, err := second.idx.Raw(0)
	if err != nil || !strings.Contains(string(raw), athena.RebuiltKey) {
		t.Errorf("raw from the cache: %v %.100s", err, raw)
	}

	opt.Until = "2024-03-04T23:50:00Z"
	opt.Now = func() time.Time { return time.Date(2024, 3, 5, 0, 20, 0, 0, time.UTC) } // the window ends 30 minutes ago
	run(t, context.Background(), opt)
	run(t, context.Background(), opt)
	if n := len(srv.Queries()); n != 3 {
		t.Errorf("%d queries, want 3: a recent window is not cached", n)
	}
}

// differ names the fields of two records that differ, as the index and the findings read them.
func differ(got, want cloudtrail.Record) string {
	var out []string
	check := func(name string, eq bool, g, w any) {
		if !eq {
			out = append(out, fmt.Sprintf("%s %v, was %v", name, g, w))
		}
	}
	check("time", got.Time.Equal(want.Time), got.Time, want.Time)
	for _, f := range [][3]string{
		{"name", got.Name, want.Name}, {"source", got.Source, want.Source}, {"region", got.Region, want.Region},
		{"account", got.Account, want.Account}, {"principal", got.Identity.Principal, want.Identity.Principal},
		{"key", got.Identity.AccessKey, want.Identity.AccessKey}, {"ip", got.SourceIP, want.SourceIP},
		{"ua", got.UserAgent, want.UserAgent}, {"error", got.ErrorCode, want.ErrorCode},
		{"message", got.ErrorMessage, want.ErrorMessage}, {"minted", got.MintedKey, want.MintedKey},
		{"inspected", got.Inspected, want.Inspected}, {"request", got.RequestID, want.RequestID},
		{"shared", got.SharedID, want.SharedID}, {"type", got.EventType, want.EventType}, {"category", got.Category, want.Category},
	} {
		check(f[0], f[1] == f[2], f[1], f[2])
	}
	check("readonly", got.ReadOnly == want.ReadOnly, got.ReadOnly, want.ReadOnly)
	check("mfa", got.Identity.MFA == want.Identity.MFA, got.Identity.MFA, want.Identity.MFA)
	check("console", got.Identity.Console == want.Identity.Console, got.Identity.Console, want.Identity.Console)
	// A resource's ARN is the index's (the first one it saw), not the event's: kinds and IDs.
	keys := func(rs []cloudtrail.Resource) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Key())
		}
		return out
	}
	check("resources", slices.Equal(keys(got.Resources), keys(want.Resources)), got.Resources, want.Resources)
	return strings.Join(out, "; ")
}
