package findings

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/inspect"
)

// rawList is a RawStore over records kept as they are, for tests.
type rawList struct {
	mu   sync.Mutex
	recs [][]byte
}

func (s *rawList) Raw(off int64, n int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recs[off], nil
}

// trail builds records for the findings tests: CloudTrail JSON made from a few fields, decoded as a
// source would, with the raw record kept for the rules that read it.
type trail struct {
	t     *testing.T
	store rawList
	recs  []cloudtrail.Record
	start time.Time
	n     int
}

func newTrail(t *testing.T) *trail {
	return &trail{t: t, start: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
}

// user is an IAM user's identity with a long-term key.
func user(name string) map[string]any {
	return map[string]any{"type": "IAMUser", "userName": name, "arn": "arn:aws:iam::111111111111:user/" + name,
		"accountId": "111111111111", "principalId": "AIDA" + strings.ToUpper(name), "accessKeyId": "AKIA" + strings.ToUpper(name) + "0000000000"}
}

// session is an assumed role's identity with a temporary key.
func session(role, name, key string) map[string]any {
	return map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/" + role + "/" + name,
		"accountId": "111111111111", "principalId": "AROA" + strings.ToUpper(role) + ":" + name, "accessKeyId": key,
		"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": role,
			"arn": "arn:aws:iam::111111111111:role/" + role}}}
}

// add appends a record at start+at: source and name of the call, who made it, from where, and any
// other top-level fields.
func (tr *trail) add(at time.Duration, source, name string, who map[string]any, ip string, more map[string]any) {
	tr.t.Helper()
	tr.n++
	rec := map[string]any{
		"eventVersion": "1.08", "eventTime": tr.start.Add(at).Format(time.RFC3339), "eventSource": source + ".amazonaws.com",
		"eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": "aws-cli/2.15.0 Python/3.11",
		"eventID": fmt.Sprintf("00000000-0000-0000-0000-%012d", tr.n), "eventType": "AwsApiCall",
		"recipientAccountId": "111111111111", "userIdentity": who, "readOnly": strings.HasPrefix(name, "Describe") || strings.HasPrefix(name, "Get"),
	}
	for k, v := range more {
		rec[k] = v
	}
	b, err := json.Marshal(rec)
	if err != nil {
		tr.t.Fatal(err)
	}
	r, err := cloudtrail.DecodeRecord(b)
	if err != nil {
		tr.t.Fatal(err)
	}
	tr.store.mu.Lock()
	r.Raw = cloudtrail.RawRef{Store: &tr.store, Off: int64(len(tr.store.recs)), Len: len(b)}
	tr.store.recs = append(tr.store.recs, b)
	tr.store.mu.Unlock()
	tr.recs = append(tr.recs, r)
}

func (tr *trail) index() *index.Index {
	x := index.New()
	x.Add(tr.recs)
	return x
}

// only returns the findings of one rule.
func only(fs []Finding, rule string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestBurstRefs(t *testing.T) {
	tr := newTrail(t)
	// 4 calls a minute apart, a gap, then 3 more.
	for _, m := range []int{0, 1, 2, 3, 30, 31, 32} {
		tr.add(time.Duration(m)*time.Minute, "ec2", "DescribeInstances", user("alice"), "203.0.113.7", nil)
	}
	x := tr.index()
	x.Read(func(v index.View) {
		testBurstRefs(t, v, v.TimeOrder([]index.EventRef{0, 1, 2, 3, 4, 5, 6}))
	})
}

func testBurstRefs(t *testing.T, v index.View, refs []index.EventRef) {
	for _, tt := range []struct {
		window    time.Duration
		threshold int
		want      int
	}{
		{5 * time.Minute, 4, 4}, {5 * time.Minute, 3, 7}, {5 * time.Minute, 5, 0}, {time.Hour, 7, 7}, {90 * time.Second, 2, 7},
	} {
		if got := burstRefs(v, refs, tt.window, tt.threshold, nil); len(got) != tt.want {
			t.Errorf("window %v, threshold %d: %d events, want %d", tt.window, tt.threshold, len(got), tt.want)
		}
	}
}

func TestDeniedBurstThresholds(t *testing.T) {
	tr := newTrail(t)
	for i := range 10 {
		tr.add(time.Duration(i)*time.Minute, "iam", "ListUsers", user("mallory"), "198.51.100.9",
			map[string]any{"errorCode": "AccessDenied", "errorMessage": "not authorized"})
	}
	x := tr.index()
	fs := only(Find(x, Options{}), "access-denied-burst")
	if len(fs) != 1 || fs[0].Count != 10 || fs[0].Principal != "user/mallory" || fs[0].Severity != catalog.SeverityMedium {
		t.Fatalf("default thresholds: %+v", fs)
	}
	if !strings.Contains(fs[0].Filter, "error:AccessDenied") && !strings.Contains(fs[0].Filter, "id:") {
		t.Errorf("filter %q", fs[0].Filter)
	}
	if fs := only(Find(x, Options{DeniedBurst: 11}), "access-denied-burst"); len(fs) != 0 {
		t.Errorf("11 needed, 10 made: %+v", fs)
	}
	if fs := only(Find(x, Options{DeniedWindow: 5 * time.Minute}), "access-denied-burst"); len(fs) != 0 {
		t.Errorf("10 in 9 minutes is no burst in 5: %+v", fs)
	}
	if fs := Find(x, Options{Rules: []string{"trail-stopped"}}); len(fs) != 0 {
		t.Errorf("only trail-stopped asked for: %+v", fs)
	}
	if fs := Find(x, Options{MinSeverity: catalog.SeverityHigh}); len(fs) != 0 {
		t.Errorf("nothing high: %+v", fs)
	}
}

func TestFailedLogins(t *testing.T) {
	tr := newTrail(t)
	login := func(at time.Duration, name, ip string, ok bool) {
		who := map[string]any{"type": "IAMUser", "userName": name, "accountId": "111111111111",
			"arn": "arn:aws:iam::111111111111:user/" + name, "principalId": "AIDA" + name}
		more := map[string]any{"responseElements": map[string]any{"ConsoleLogin": "Success"},
			"additionalEventData": map[string]any{"MFAUsed": "Yes"}, "eventType": "AwsConsoleSignIn"}
		if !ok {
			more["responseElements"] = map[string]any{"ConsoleLogin": "Failure"}
			if at%2 == 0 {
				more["errorMessage"] = "Failed authentication" // and once in a while only the response says so
			}
		}
		tr.add(at, "signin", "ConsoleLogin", who, ip, more)
	}
	// A spray: six failures against three users from one address, then one of them gets in.
	for i, u := range []string{"ann", "bob", "cyd", "ann", "bob", "cyd"} {
		login(time.Duration(i)*time.Minute, u, "198.51.100.20", false)
	}
	login(10*time.Minute, "bob", "198.51.100.20", true)
	// One user failing from many places.
	for i := range 5 {
		login(2*time.Hour+time.Duration(i)*time.Minute, "dee", fmt.Sprintf("203.0.113.%d", i+1), false)
	}
	// Two typos: nothing.
	login(5*time.Hour, "eve", "192.0.2.1", false)
	login(5*time.Hour+time.Minute, "eve", "192.0.2.1", false)
	fs := only(Find(tr.index(), Options{}), "console-login-failures")
	if len(fs) != 2 {
		t.Fatalf("%d findings, want the spray and dee's: %+v", len(fs), fs)
	}
	byIP, byUser := fs[0], fs[1]
	if byIP.Principal != "" {
		byIP, byUser = byUser, byIP
	}
	if byIP.Count != 6 || byIP.Severity != catalog.SeverityHigh || !strings.Contains(byIP.Title, "against 3 users") ||
		!strings.Contains(byIP.Title, "then a success") || byIP.Failed != 6 {
		t.Errorf("spray: %s %q, %d events, %d failed", byIP.Severity, byIP.Title, byIP.Count, byIP.Failed)
	}
	if byUser.Principal != "user/dee" || byUser.Count != 5 || byUser.Severity != catalog.SeverityMedium {
		t.Errorf("dee: %+v", byUser)
	}
}

func TestConsoleLoginMFA(t *testing.T) {
	tr := newTrail(t)
	sso := session("AWSReservedSSO_Admin_0123", "ann@example.com", "")
	for i, c := range []struct {
		who map[string]any
		mfa string
	}{{user("ann"), "No"}, {user("bob"), "Yes"}, {sso, "No"}, {map[string]any{"type": "Root", "accountId": "111111111111",
		"arn": "arn:aws:iam::111111111111:root", "principalId": "111111111111"}, "No"}} {
		tr.add(time.Duration(i)*time.Minute, "signin", "ConsoleLogin", c.who, "203.0.113.5", map[string]any{
			"responseElements": map[string]any{"ConsoleLogin": "Success"}, "additionalEventData": map[string]any{"MFAUsed": c.mfa}})
	}
	fs := Find(tr.index(), Options{})
	noMFA := only(fs, "console-login-no-mfa")
	if len(noMFA) != 1 || noMFA[0].Principal != "user/ann" {
		t.Errorf("without MFA: %+v (bob used MFA; SSO users' MFA is their identity provider's)", noMFA)
	}
	root := only(fs, "root-console-login")
	if len(root) != 1 || root[0].Severity != catalog.SeverityCritical || !strings.Contains(root[0].Title, "without MFA") {
		t.Errorf("root: %+v", root)
	}
}

func TestWriteSpike(t *testing.T) {
	tr := newTrail(t)
	// Two days of a write an hour, then 120 in one hour.
	for h := range 48 {
		tr.add(time.Duration(h)*time.Hour, "ec2", "CreateTags", user("ops"), "203.0.113.5", nil)
	}
	for i := range 120 {
		tr.add(48*time.Hour+time.Duration(i)*20*time.Second, "ec2", "CreateTags", user("ops"), "203.0.113.5", nil)
	}
	// A newcomer's first hour of 120 writes has no baseline to compare with.
	for i := range 120 {
		tr.add(48*time.Hour+time.Duration(i)*20*time.Second, "ec2", "CreateTags", user("newbie"), "203.0.113.6", nil)
	}
	fs := only(Find(tr.index(), Options{}), "write-spike")
	if len(fs) != 1 || fs[0].Principal != "user/ops" || fs[0].Count != 120 || !strings.Contains(fs[0].Title, "120 writes") {
		t.Fatalf("spikes: %+v", fs)
	}
	if fs := only(Find(tr.index(), Options{SpikeFactor: 200}), "write-spike"); len(fs) != 0 {
		t.Errorf("factor 200: %+v", fs)
	}
}

func TestNovelty(t *testing.T) {
	tr := newTrail(t)
	// A day of habits: one address, one region, one client.
	for i := range 30 {
		tr.add(time.Duration(i)*30*time.Minute, "s3", "ListBuckets", user("ci"), "203.0.113.5", nil)
		tr.add(time.Duration(i)*30*time.Minute, "s3", "ListBuckets", user("roamer"), fmt.Sprintf("%d.1.2.3", 20+i), nil)
	}
	// Then the same network, a new one, a new region and a new tool.
	tr.add(30*time.Hour, "s3", "ListBuckets", user("ci"), "203.0.114.9", nil)
	tr.add(31*time.Hour, "s3", "ListBuckets", user("ci"), "198.51.100.66", map[string]any{"userAgent": "Boto3/1.34 Python/3.12"})
	tr.add(32*time.Hour, "ec2", "DescribeRegions", user("ci"), "203.0.113.5", map[string]any{"awsRegion": "ap-south-2"})
	tr.add(33*time.Hour, "s3", "ListBuckets", user("roamer"), "192.0.2.99", nil)
	fs := Find(tr.index(), Options{})
	ip := only(fs, "new-source-ip")
	if len(ip) != 1 || ip[0].Principal != "user/ci" || ip[0].Count != 1 || !strings.Contains(ip[0].Title, "198.51.100.66") {
		t.Errorf("new IP: %+v (203.0.114.9 is the same /16; roamer has no habit)", ip)
	}
	if r := only(fs, "new-region"); len(r) != 1 || !strings.Contains(r[0].Title, "ap-south-2") {
		t.Errorf("new region: %+v", r)
	}
	if u := only(fs, "new-user-agent"); len(u) != 1 || !strings.Contains(u[0].Title, "Boto3") {
		t.Errorf("new client: %+v", u)
	}
	if fs := only(Find(tr.index(), Options{NoveltyBaseline: 48 * time.Hour}), "new-source-ip"); len(fs) != 0 {
		t.Errorf("a baseline longer than the span finds no novelty: %+v", fs)
	}
}

func TestInstanceCredentialsAndChains(t *testing.T) {
	tr := newTrail(t)
	const instKey, ciKey, deployKey = "ASIAINSTANCE00000001", "ASIACIRUNNER00000001", "ASIADEPLOY0000000001"
	ec2 := map[string]any{"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}
	mint := func(at time.Duration, who map[string]any, ip, role, name, key string) {
		tr.add(at, "sts", "AssumeRole", who, ip, map[string]any{
			"requestParameters": map[string]any{"roleArn": "arn:aws:iam::111111111111:role/" + role, "roleSessionName": name},
			"responseElements":  map[string]any{"credentials": map[string]any{"accessKeyId": key}}})
	}
	mint(0, ec2, "ec2.amazonaws.com", "app-instance-role", "i-0123456789abcdef0", instKey)
	inst := session("app-instance-role", "i-0123456789abcdef0", instKey)
	tr.add(time.Minute, "s3", "ListBuckets", inst, "3.80.1.2", nil) // from the instance
	// A CI runner on that instance assumes a deploy role: same address, not a person.
	mint(2*time.Minute, inst, "3.80.1.2", "ci-deploy", "ci", ciKey)
	tr.add(3*time.Minute, "s3", "ListBuckets", session("ci-deploy", "ci", ciKey), "3.80.1.2", nil)
	// alice assumes a role, which the findings must trace back to her.
	mint(4*time.Minute, user("alice"), "198.51.100.7", "deploy", "alice", deployKey)
	tr.add(5*time.Minute, "ec2", "AuthorizeSecurityGroupIngress", session("deploy", "alice", deployKey), "198.51.100.7",
		map[string]any{"requestParameters": map[string]any{"groupId": "sg-0abc", "ipPermissions": map[string]any{"items": []any{
			map[string]any{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": map[string]any{"items": []any{map[string]any{"cidrIp": "0.0.0.0/0"}}}}}}}})
	// The instance's key, used from alice's address.
	tr.add(6*time.Minute, "iam", "ListRoles", inst, "198.51.100.7", nil)
	x := tr.index()
	fs := Find(x, Options{})
	creds := only(fs, "instance-credentials-elsewhere")
	if len(creds) != 1 || creds[0].Count != 1 || !strings.Contains(creds[0].Title, "also used by user/alice") ||
		creds[0].Origin != "service ec2.amazonaws.com" {
		t.Errorf("instance credentials: %+v", creds)
	}
	sg := only(fs, "sg-open-world")
	if len(sg) != 1 || sg[0].Origin != "user/alice" || len(sg[0].Chain) != 1 || sg[0].Severity != catalog.SeverityHigh ||
		!strings.Contains(sg[0].Title, "22/tcp from 0.0.0.0/0 on sg-0abc") {
		t.Errorf("security group: %+v", sg)
	}
	// With AWS's ranges, the instance's own address is inside and alice's outside.
	ranges := []netip.Prefix{netip.MustParsePrefix("3.80.0.0/12")}
	creds = only(Find(x, Options{AWSRanges: ranges}), "instance-credentials-elsewhere")
	if len(creds) != 1 || creds[0].Count != 1 {
		t.Errorf("with AWS ranges: %+v", creds)
	}
}

// TestFindingsWhileAdding runs the rules while batches land (go test -race checks the locking).
func TestFindingsWhileAdding(t *testing.T) {
	tr := newTrail(t)
	for i := range 400 {
		tr.add(time.Duration(i)*time.Second, "iam", "ListUsers", user(fmt.Sprintf("u%d", i%7)), "203.0.113.5",
			map[string]any{"errorCode": "AccessDenied"})
		tr.add(time.Duration(i)*time.Second, "cloudtrail", "StopLogging", user("mallory"), "198.51.100.1", nil)
	}
	defer func(n int) { scanYield = n }(scanYield)
	scanYield = 7 // let go of the lock often, while batches land
	x := index.New()
	f := NewFinder(x)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < len(tr.recs); i += 50 {
			x.Add(tr.recs[i:min(i+50, len(tr.recs))])
		}
	}()
	for {
		f.Find(Options{})
		select {
		case <-done:
			fs := f.Find(Options{})
			if got := only(fs, "trail-stopped"); len(got) != 1 || got[0].Count != 400 {
				t.Errorf("after the load: %+v", got)
			}
			return
		default:
		}
	}
}

func TestUserAgentFamily(t *testing.T) {
	for ua, want := range map[string]string{
		"aws-cli/2.15.0 Python/3.11.6 Linux/6.1":            "aws-cli",
		"[aws-cli/2.15.0 Python/3.11.6]":                    "aws-cli",
		"Boto3/1.34.0 md/Botocore#1.34.0":                   "Boto3",
		"stratus-red-team_5c59eb79-6dac-405c-a4c4-1e0b0e5f": "stratus-red-team",
		"Mozilla/5.0 (X11; Linux x86_64)":                   "the console",
		"[S3Console/0.4, aws-internal/3]":                   "the console",
		"AWS Internal":                                      "the console",
		"terraform-provider-aws_5.0":                        "terraform-provider-aws",
	} {
		if got := userAgentFamily(ua); got != want {
			t.Errorf("%q: %q, want %q", ua, got, want)
		}
	}
}

// TestInspectRecord: what a source may keep at decode time is what the rules read from raw records.
func TestInspectRecord(t *testing.T) {
	tr := newTrail(t)
	tr.add(0, "ec2", "AuthorizeSecurityGroupIngress", user("ann"), "203.0.113.5", map[string]any{
		"requestParameters": map[string]any{"groupId": "sg-0abc", "cidrIp": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}})
	tr.add(time.Minute, "signin", "ConsoleLogin", user("ann"), "203.0.113.5", map[string]any{
		"responseElements": map[string]any{"ConsoleLogin": "Success"}, "additionalEventData": map[string]any{"MFAUsed": "No"}})
	tr.add(2*time.Minute, "ec2", "DescribeInstances", user("ann"), "203.0.113.5", nil)
	want := []inspect.Fact{
		{Read: true, Hit: true, Sev: catalog.SeverityHigh, Detail: "22/tcp from 0.0.0.0/0 on sg-0abc"},
		{Read: true, NoMFA: true},
	}
	for i, r := range tr.recs {
		s := r.Inspected // what DecodeRecord kept
		if i == 2 {
			if s != "" {
				t.Errorf("DescribeInstances inspected: %q", s)
			}
			continue
		}
		got, ok := inspect.Decode(s)
		if !ok || got != want[i] {
			t.Errorf("%s: %q gives %+v, want %+v", r.Name, s, got, want[i])
		}
	}
	if _, ok := inspect.Decode("f0\x1f1"); ok {
		t.Error("decoded a malformed fact")
	}
}

func TestRules(t *testing.T) {
	if err := CheckRuleIDs([]string{"trail-stopped", "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("CheckRuleIDs: %v", err)
	}
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] || r.Title == "" || r.Rationale == "" || r.Tactic == "" {
			t.Errorf("rule %+v: duplicate or incomplete", r)
		}
		seen[r.ID] = true
	}
}
