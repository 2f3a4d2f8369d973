package index

import (
	"fmt"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// rec builds a record for index tests; mutate adjusts it.
func rec(i int, name string, mutate ...func(*cloudtrail.Record)) cloudtrail.Record {
	r := cloudtrail.Record{
		Time:      t0.Add(time.Duration(i) * time.Minute),
		Name:      name,
		Source:    "ec2.amazonaws.com",
		Region:    "us-east-1",
		Account:   "111111111111",
		SourceIP:  "203.0.113.10",
		UserAgent: "aws-cli/2.15.0",
		ReadOnly:  cloudtrail.True,
		EventID:   fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		RequestID: fmt.Sprintf("req-%d", i),
		Identity:  cloudtrail.Identity{Type: "IAMUser", UserName: "alice", ARN: "arn:aws:iam::111111111111:user/alice", AccessKey: "AKIAALICE", Account: "111111111111"},
	}
	for _, m := range mutate {
		m(&r)
	}
	cloudtrail.DeriveIdentity(&r.Identity)
	return r
}

func names(x *Index, refs []EventRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, x.Record(r).Name)
	}
	return out
}

func testIndex() *Index {
	x := New()
	// Out of order, across two batches, with a duplicate delivery.
	x.Add([]cloudtrail.Record{
		rec(3, "TerminateInstances", func(r *cloudtrail.Record) {
			r.ReadOnly = cloudtrail.False
			r.Resources = []cloudtrail.Resource{{Kind: "ec2:instance", ID: "i-0abc"}}
			r.Identity = cloudtrail.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::111111111111:assumed-role/Admin/bob", IssuerName: "Admin", AccessKey: "ASIABOB", Account: "111111111111"}
		}),
		rec(1, "DescribeInstances"),
		rec(2, "AssumeRole", func(r *cloudtrail.Record) {
			r.Source = "sts.amazonaws.com"
			r.MintedKey = "ASIABOB"
			r.ReadOnly = cloudtrail.False
			r.Identity = cloudtrail.Identity{Type: "IAMUser", UserName: "bob", ARN: "arn:aws:iam::111111111111:user/bob", AccessKey: "AKIABOB"}
		}),
	})
	x.Add([]cloudtrail.Record{
		rec(0, "ConsoleLogin", func(r *cloudtrail.Record) {
			r.Source = "signin.amazonaws.com"
			r.ErrorCode = "Failed authentication"
			r.SourceIP = "198.51.100.7"
			r.Region = "eu-west-1"
		}),
		rec(1, "DescribeInstances"), // the same eventID again
		rec(4, "RunInstances", func(r *cloudtrail.Record) {
			r.ReadOnly = cloudtrail.False
			r.ErrorCode = "Client.UnauthorizedOperation"
			r.SourceIP = "ec2.amazonaws.com"
			r.UserAgent = "Boto3/1.34 \x1b[31m"
			r.Resources = []cloudtrail.Resource{{Kind: "ec2:instance", ID: "i-0def"}, {Kind: "ec2:security-group", ID: "sg-1"}}
		}),
	})
	return x
}

func TestIndexOrderAndDuplicates(t *testing.T) {
	x := testIndex()
	if x.Len() != 5 || x.Duplicates() != 1 {
		t.Fatalf("Len %d Duplicates %d, want 5 and 1", x.Len(), x.Duplicates())
	}
	got := names(x, x.Query(filter.Query{}).Refs)
	want := []string{"ConsoleLogin", "DescribeInstances", "AssumeRole", "TerminateInstances", "RunInstances"}
	if !slices.Equal(got, want) {
		t.Errorf("time order %v, want %v", got, want)
	}
	oldest, newest, ok := x.Span()
	if !ok || !oldest.Equal(t0) || !newest.Equal(t0.Add(4*time.Minute)) {
		t.Errorf("Span %v %v %v", oldest, newest, ok)
	}
}

func TestIndexQuery(t *testing.T) {
	x := testIndex()
	tests := []struct {
		filter string
		want   []string
	}{
		{"event:TerminateInstances", []string{"TerminateInstances"}},
		{"event:terminate*,RunInstances", []string{"TerminateInstances", "RunInstances"}},
		{"-event:Describe*", []string{"ConsoleLogin", "AssumeRole", "TerminateInstances", "RunInstances"}},
		{"source:sts", []string{"AssumeRole"}},
		{"source:signin.amazonaws.com", []string{"ConsoleLogin"}},
		{"principal:bob", []string{"AssumeRole", "TerminateInstances"}},
		{"user:Admin", []string{"TerminateInstances"}},
		{"type:AssumedRole", []string{"TerminateInstances"}},
		{"key:ASIABOB", []string{"TerminateInstances"}},
		{"resource:i-0abc", []string{"TerminateInstances"}},
		{"resource:i-0", []string{"TerminateInstances", "RunInstances"}},
		{"resource:arn:aws:ec2:us-east-1:111111111111:instance/i-0abc", []string{"TerminateInstances"}},
		{"ip:198.51.100.0/24", []string{"ConsoleLogin"}},
		{"ip:203.0.113.10", []string{"DescribeInstances", "AssumeRole", "TerminateInstances"}},
		{"ip:ec2.amazonaws.com", []string{"RunInstances"}},
		{"region:eu-west-1", []string{"ConsoleLogin"}},
		{"account:111111111111 event:AssumeRole", []string{"AssumeRole"}},
		{"error:any", []string{"ConsoleLogin", "RunInstances"}},
		{"error:none", []string{"DescribeInstances", "AssumeRole", "TerminateInstances"}},
		{"error:Client.*", []string{"RunInstances"}},
		{"ua:boto3", []string{"RunInstances"}},
		{"readonly:false", []string{"AssumeRole", "TerminateInstances", "RunInstances"}},
		{"since:2m", []string{"AssumeRole", "TerminateInstances", "RunInstances"}},
		{"until:2024-05-01T10:01:00Z", []string{"ConsoleLogin", "DescribeInstances"}},
		{"-since:3m", []string{"ConsoleLogin"}},
		{"id:00000000-0000-4000-8000-000000000003", []string{"TerminateInstances"}},
		{"req:req-4", []string{"RunInstances"}},
		{"terminate", []string{"TerminateInstances"}},
		{"198.51", []string{"ConsoleLogin"}},
		{"sg-1", []string{"RunInstances"}},
		{"event:Nothing", nil},
	}
	for _, tt := range tests {
		q, err := filter.ParseQuery(tt.filter)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", tt.filter, err)
		}
		if got := names(x, x.Query(q).Refs); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func TestIndexChain(t *testing.T) {
	x := New()
	x.Add([]cloudtrail.Record{
		rec(0, "AssumeRole", func(r *cloudtrail.Record) { r.MintedKey = "ASIA1"; r.Identity.AccessKey = "AKIAALICE" }),
		rec(1, "AssumeRole", func(r *cloudtrail.Record) {
			r.MintedKey = "ASIA2"
			r.Identity = cloudtrail.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/Dev/alice", AccessKey: "ASIA1"}
		}),
		rec(2, "AuthorizeSecurityGroupIngress", func(r *cloudtrail.Record) {
			r.Identity = cloudtrail.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::2:assumed-role/Prod/dev-session", AccessKey: "ASIA2"}
		}),
		// A loop in crafted data must end.
		rec(3, "AssumeRole", func(r *cloudtrail.Record) {
			r.MintedKey = "ASIALOOP"
			r.Identity = cloudtrail.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/X/y", AccessKey: "ASIALOOP"}
		}),
	})
	chain := x.Chain(2)
	if len(chain) != 2 {
		t.Fatalf("chain of %d links, want 2: %+v", len(chain), chain)
	}
	if chain[0].Key != "ASIA2" || chain[0].Caller != "role/Dev (session alice)" || chain[1].Key != "ASIA1" || chain[1].Caller != "user/alice" {
		t.Errorf("chain %+v", chain)
	}
	if got := x.Chain(0); len(got) != 0 {
		t.Errorf("a long-term key has no chain, got %+v", got)
	}
	if got := x.Chain(3); len(got) != 1 {
		t.Errorf("a self-minted loop gives one link, got %+v", got)
	}
	if ref, ok := x.MintedBy("ASIA2"); !ok || ref != 1 {
		t.Errorf("MintedBy(ASIA2) = %d %v", ref, ok)
	}
}

// A long-term key's chain ends at the CreateAccessKey that made it; lineage: follows a key both ways.
func TestIndexLongTermLineage(t *testing.T) {
	x := New()
	admin := func(r *cloudtrail.Record) {
		r.Identity = cloudtrail.Identity{Type: "IAMUser", UserName: "admin", ARN: "arn:aws:iam::1:user/admin", AccessKey: "AKIAADMIN"}
	}
	x.Add([]cloudtrail.Record{
		rec(0, "CreateAccessKey", admin, func(r *cloudtrail.Record) {
			r.MintedKey = "AKIABOB"
			r.Resources = []cloudtrail.Resource{{Kind: "iam:user", ID: "bob"}}
		}),
		rec(1, "ListBuckets", func(r *cloudtrail.Record) { r.Identity.AccessKey = "AKIABOB"; r.Identity.UserName = "bob" }),
		rec(2, "AssumeRole", func(r *cloudtrail.Record) {
			r.Identity.AccessKey, r.Identity.UserName, r.MintedKey = "AKIABOB", "bob", "ASIABOBSESSION"
		}),
		rec(3, "DeleteTrail", func(r *cloudtrail.Record) {
			r.Identity = cloudtrail.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/Ops/bob", AccessKey: "ASIABOBSESSION"}
		}),
		rec(4, "ListUsers", admin),
	})
	chain := x.Chain(3)
	if len(chain) != 2 || chain[1].Event != "CreateAccessKey" || !chain[1].LongTerm || chain[1].For != "bob" ||
		chain[1].Caller != "user/admin" || chain[0].LongTerm {
		t.Fatalf("chain %+v", chain)
	}
	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{"key:AKIABOB", []string{"ListBuckets", "AssumeRole"}},
		{"lineage:AKIABOB", []string{"CreateAccessKey", "ListBuckets", "AssumeRole", "DeleteTrail"}},
		{"lineage:ASIABOBSESSION", []string{"CreateAccessKey", "AssumeRole", "DeleteTrail"}},
		{"lineage:AKIAADMIN", []string{"CreateAccessKey", "ListBuckets", "AssumeRole", "DeleteTrail", "ListUsers"}},
		{"-lineage:AKIABOB", []string{"ListUsers"}},
	} {
		q, err := filter.ParseQuery(tt.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(x, x.Query(q).Refs); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func TestIndexValues(t *testing.T) {
	x := testIndex()
	vals := x.Values(filter.FieldEvent)
	if len(vals) != 5 {
		t.Errorf("Values(event) = %v", vals)
	}
	ips := x.Values(filter.FieldIP)
	if ips[0].Value != "203.0.113.10" || ips[0].Count != 3 {
		t.Errorf("most frequent IP %v", ips[0])
	}
	if got := x.Values(filter.FieldSince); got != nil {
		t.Errorf("Values(since) = %v, want nil", got)
	}
}

func TestIndexConcurrentAddAndQuery(t *testing.T) {
	x := New()
	done := make(chan bool)
	go func() {
		for b := 0; b < 50; b++ {
			batch := make([]cloudtrail.Record, 100)
			for i := range batch {
				batch[i] = rec(b*100+i, "GetObject")
			}
			x.Add(batch)
		}
		close(done)
	}()
	q, _ := filter.ParseQuery("event:GetObject")
	for {
		res := x.Query(q)
		if !slices.IsSortedFunc(res.Refs, func(a, b EventRef) int { return x.Time(a).Compare(x.Time(b)) }) {
			t.Fatal("result out of time order during a load")
		}
		select {
		case <-done:
			if n := len(x.Query(q).Refs); n != 5000 {
				t.Fatalf("after the load: %d events, want 5000", n)
			}
			return
		default:
		}
	}
}

func TestIndexSharedKeyMakesFewIdentities(t *testing.T) {
	// Published samples redact keys ("AKIA****"): many principals share one. The index must still
	// keep one identity per principal, not one per event.
	x := New()
	var batch []cloudtrail.Record
	for i := range 1000 {
		user := fmt.Sprintf("user%d", i%3)
		batch = append(batch, rec(i, "GetObject", func(r *cloudtrail.Record) {
			r.Identity = cloudtrail.Identity{Type: "IAMUser", UserName: user, ARN: "arn:aws:iam::1:user/" + user, AccessKey: "AKIA****************"}
		}))
	}
	x.Add(batch)
	if n := x.idents.len(); n != 3 {
		t.Errorf("%d identities for 3 principals sharing a key", n)
	}
	if got := len(x.Query(mustParse(t, "principal:user1")).Refs); got != 333 {
		t.Errorf("principal:user1 matched %d events, want 333", got)
	}
}

func mustParse(t *testing.T, s string) filter.Query {
	t.Helper()
	q, err := filter.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestEventSize keeps the stored event at 96 bytes: a million of them are the largest part of a loaded
// index, and a field placed carelessly pads every one of them.
func TestEventSize(t *testing.T) {
	if n := unsafe.Sizeof(event{}); n > 96 {
		t.Errorf("an event is %d bytes, want at most 96", n)
	}
}
