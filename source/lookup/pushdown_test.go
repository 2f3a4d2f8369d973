package lookup

import (
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/lookup/fakect"
)

func TestPushDownPicksTheMostSelectiveTerm(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   string // Key=Value, or "none"
		approx bool
	}{
		{"", "none", false},
		{"event:TerminateInstances", "EventName=TerminateInstances", false},
		{"event:terminateinstances", "EventName=TerminateInstances", false}, // spelled as CloudTrail does
		{"event:Delete*", "none", false},                                    // wildcards stay local
		{"event:RunInstances,TerminateInstances", "none", false},            // so do OR lists
		{"-event:TerminateInstances", "none", false},                        // and negations
		{"source:ec2 event:TerminateInstances", "EventName=TerminateInstances", false},
		{"source:ec2", "EventSource=ec2.amazonaws.com", false},
		{"source:S3.amazonaws.com", "EventSource=s3.amazonaws.com", false},
		{"readonly:false", "ReadOnly=false", false},
		{"readonly:false source:iam", "EventSource=iam.amazonaws.com", false},
		{"key:asiatfqr7nsctsripa7a event:GetObject", "AccessKeyId=ASIATFQR7NSCTSRIPA7A", false},
		{"id:b9d1f76b-e3f8-4ca6-99d0-ce6c73145069 key:ASIA1", "EventId=b9d1f76b-e3f8-4ca6-99d0-ce6c73145069", false},
		{"principal:alice", "Username=alice", true},
		{"user:alice source:ec2", "Username=alice", true},
		{"principal:role/Admin", "none", false}, // not a user name CloudTrail knows
		{"principal:arn:aws:iam::123456789012:user/alice source:ec2", "EventSource=ec2.amazonaws.com", false},
		{"resource:i-0abc123 principal:alice", "ResourceName=i-0abc123", true},
		{"resource:i-0abc123 event:TerminateInstances", "EventName=TerminateInstances", false},
		{"ip:203.0.113.7 ua:curl error:AccessDenied since:2h", "none", false}, // nothing maps
		{"region:eu-west-1 readonly:true", "ReadOnly=true", false},
	} {
		q, err := filter.ParseQuery(tc.filter)
		if err != nil {
			t.Fatalf("%q: %v", tc.filter, err)
		}
		a := PushDown(q)
		if a.String() != tc.want || a.Approximate != tc.approx {
			t.Errorf("PushDown(%q) = %s (approximate %v), want %s (approximate %v)", tc.filter, a, a.Approximate, tc.want, tc.approx)
		}
	}
}

// TestPushDownOnTheWire checks that the chosen attribute reaches the server and that the window
// follows the filter's since: and until:.
func TestPushDownOnTheWire(t *testing.T) {
	awsEnv(t)
	events := invictusEvents(t)
	srv := fakeServer(t, fakect.Config{})
	srv.Serve(map[string][]fakect.Event{"us-east-1": events})
	want := map[string][]fakect.Event{}
	from, to := time.Date(2023, 7, 10, 12, 0, 0, 0, time.UTC), time.Date(2023, 7, 10, 12, 30, 0, 0, time.UTC)
	for _, e := range events {
		if e.Name == "DescribeInstances" && !e.Time.Before(from) && !e.Time.After(to) {
			want["us-east-1"] = append(want["us-east-1"], e)
		}
	}
	if len(want["us-east-1"]) == 0 {
		t.Fatal("no DescribeInstances in the data")
	}
	opt := fastOptions(srv) // no --region: AWS_REGION (us-east-1)
	opt.Since = ""
	opt.Query, _ = filter.ParseQuery("event:describeinstances since:2023-07-10T12:00Z until:2023-07-10T12:30Z ua:console")
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantEvents(t, res, want)
	for _, req := range srv.Requests() {
		if req.Op != "LookupEvents" {
			continue
		}
		if req.Attribute != "EventName=DescribeInstances" || !req.Start.Equal(from) || !req.End.Equal(to) {
			t.Errorf("request %+v: want EventName=DescribeInstances from %s to %s", req, from, to)
		}
	}
	if !strings.Contains(res.last().Detail, "server filter EventName=DescribeInstances") {
		t.Errorf("detail %q does not say what went to the server", res.last().Detail)
	}
	if !strings.Contains(res.session.Banner(), "CloudTrail filters on EventName=DescribeInstances") {
		t.Errorf("banner %q", res.session.Banner())
	}
}
