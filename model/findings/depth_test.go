package findings

import (
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

func byPrincipal(fs []Finding, p string) *Finding {
	for i := range fs {
		if fs[i].Principal == p {
			return &fs[i]
		}
	}
	return nil
}

// A user making a key for itself: medium alone, high right after probing or a policy change.
func TestSelfMadeKey(t *testing.T) {
	tr := newTrail(t)
	self := func(name string) map[string]any {
		return map[string]any{"requestParameters": map[string]any{"userName": name},
			"responseElements": map[string]any{"accessKey": map[string]any{"accessKeyId": "AKIANEW" + strings.ToUpper(name) + "00000000", "userName": name}}}
	}
	denied := map[string]any{"errorCode": "AccessDenied", "errorMessage": "not authorized"}
	// alice: nothing before it.
	tr.add(60*time.Minute, "iam", "CreateAccessKey", user("alice"), "203.0.113.1", self("alice"))
	// mallory: probes, denied, then a key of her own.
	for i, n := range []string{"ListUsers", "ListRoles", "GetAccountAuthorizationDetails", "ListBuckets"} {
		tr.add(time.Duration(10+i)*time.Minute, "iam", n, user("mallory"), "198.51.100.9", denied)
	}
	tr.add(30*time.Minute, "iam", "CreateAccessKey", user("mallory"), "198.51.100.9", self("mallory"))
	// eve: grants herself everything, then a key.
	tr.add(0, "iam", "PutUserPolicy", user("eve"), "198.51.100.10", map[string]any{"requestParameters": map[string]any{"userName": "eve", "policyName": "x", "policyDocument": `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}})
	tr.add(5*time.Minute, "iam", "CreateAccessKey", user("eve"), "198.51.100.10", self("eve"))
	// bob: an administrator attaches a policy to him; he makes a key 10 minutes later.
	tr.add(0, "iam", "AttachUserPolicy", user("admin"), "203.0.113.2", map[string]any{"requestParameters": map[string]any{"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}})
	tr.add(10*time.Minute, "iam", "CreateAccessKey", user("bob"), "203.0.113.3", self("bob"))
	// carol: an hour and a half after a policy change is no longer "right after".
	tr.add(0, "iam", "PutUserPolicy", user("carol"), "203.0.113.4", map[string]any{"requestParameters": map[string]any{"userName": "carol", "policyName": "y", "policyDocument": `{}`}})
	tr.add(90*time.Minute, "iam", "CreateAccessKey", user("carol"), "203.0.113.4", self("carol"))

	fs := only(Find(tr.index(), Options{}), "access-key-self")
	for _, tt := range []struct {
		who  string
		sev  catalog.Severity
		note string
	}{
		{"user/alice", catalog.SeverityMedium, "a second key, made with AKIAALICE0000000000"},
		{"user/mallory", catalog.SeverityHigh, "after 4 denied calls"},
		{"user/eve", catalog.SeverityHigh, "after PutUserPolicy"},
		{"user/bob", catalog.SeverityHigh, "after AttachUserPolicy by user/admin"},
		{"user/carol", catalog.SeverityMedium, ""},
	} {
		f := byPrincipal(fs, tt.who)
		if f == nil {
			t.Errorf("%s: no finding among %+v", tt.who, fs)
			continue
		}
		if f.Severity != tt.sev || !strings.Contains(f.Title, tt.note) || strings.Contains(f.Title, "after") != strings.HasPrefix(tt.note, "after") {
			t.Errorf("%s: %s %q", tt.who, f.Severity, f.Title)
		}
	}
	if len(only(Find(tr.index(), Options{}), "access-key-other-user")) != 0 {
		t.Errorf("a user's own key raised access-key-other-user")
	}
}

// Denied log deliveries after a bucket policy change: evidence being lost.
func TestLogDeliveryDenied(t *testing.T) {
	tr := newTrail(t)
	svc := func(name string) map[string]any {
		return map[string]any{"type": "AWSService", "invokedBy": name}
	}
	tr.add(0, "s3", "PutBucketPolicy", user("admin"), "203.0.113.2", map[string]any{"requestParameters": map[string]any{"bucketName": "org-logs",
		"bucketPolicy": map[string]any{"Statement": []any{map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject"}}}}})
	tr.add(time.Minute, "s3", "PutBucketPolicy", user("admin"), "203.0.113.2", map[string]any{"requestParameters": map[string]any{"bucketName": "other-bucket"}})
	for i := range 6 {
		tr.add(time.Duration(5+i)*time.Minute, "s3", "PutObject", svc("delivery.logs.amazonaws.com"), "delivery.logs.amazonaws.com",
			map[string]any{"errorCode": "AccessDenied", "errorMessage": "Access Denied", "eventCategory": "Data",
				"requestParameters": map[string]any{"bucketName": "org-logs", "key": "AWSLogs/111111111111/vpcflowlogs/x.log.gz"}})
	}
	// CloudTrail denied by a key, with no policy change in the records: still lost evidence.
	for i := range 3 {
		tr.add(time.Duration(20+i)*time.Minute, "kms", "GenerateDataKey", svc("cloudtrail.amazonaws.com"), "cloudtrail.amazonaws.com",
			map[string]any{"errorCode": "AccessDenied"})
	}
	// Two denials of Config are not yet a pattern.
	for i := range 2 {
		tr.add(time.Duration(30+i)*time.Minute, "s3", "PutObject", svc("config.amazonaws.com"), "config.amazonaws.com", map[string]any{"errorCode": "AccessDenied"})
	}
	x := tr.index()
	fs := only(Find(x, Options{}), "log-delivery-denied")
	if len(fs) != 2 {
		t.Fatalf("findings %+v", fs)
	}
	logs, ct := fs[0], fs[1]
	if logs.Severity != catalog.SeverityHigh || logs.Count != 7 || !strings.Contains(logs.Title, "6 denied deliveries by delivery.logs.amazonaws.com") ||
		!strings.Contains(logs.Title, "after PutBucketPolicy on org-logs by user/admin at 2024-05-01 09:00") {
		t.Errorf("logs: %s %d %q", logs.Severity, logs.Count, logs.Title)
	}
	if ct.Severity != catalog.SeverityMedium || ct.Count != 3 || strings.Contains(ct.Title, "after") || strings.Contains(ct.Title, "attempted") {
		t.Errorf("cloudtrail: %s %d %q", ct.Severity, ct.Count, ct.Title)
	}
	// The filter opens the finding's events.
	for _, f := range fs {
		got := query(t, x, f.Filter)
		if len(got) != f.Count {
			t.Errorf("%q opens %d events, want %d", f.Filter, len(got), f.Count)
		}
	}
}

// query returns the events a filter selects.
func query(t *testing.T, x *index.Index, text string) []index.EventRef {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return x.Query(q).Refs
}
