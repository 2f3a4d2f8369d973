package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// str reads a string at a path of keys in a decoded record.
func str(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		o, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = o[k]
	}
	s, _ := v.(string)
	return s
}

func TestBuilders(t *testing.T) {
	r := NewRand(1, 2)
	acct := "111122223333"
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	infix := r.KeyInfix()
	alice := Actor{Identity: IAMUser(acct, "alice", r.UniqueID("AIDA", infix), r.AccessKeyID("AKIA", infix)),
		SourceIP: "203.0.113.7", UserAgent: "aws-cli/2.17.4 \x1b[31m\"quoted\"\xff"}
	role := Role{Account: acct, Name: "Admin", ID: r.UniqueID("AROA", infix)}
	sess := AssumedRole(role, "alice", r.AccessKeyID("ASIA", infix), at)

	var e Event
	e.Begin(r, &alice, acct, "us-east-1", at)
	e.AssumeRole(r, sess, time.Hour)
	var m map[string]any
	if err := json.Unmarshal(e.JSON(), &m); err != nil {
		t.Fatalf("%v\n%s", err, e.JSON())
	}
	if got := str(m, "responseElements", "credentials", "accessKeyId"); got != sess.AccessKeyID {
		t.Errorf("minted %q, want %q", got, sess.AccessKeyID)
	}
	if got := str(m, "userAgent"); got != "aws-cli/2.17.4 \x1b[31m\"quoted\"\uFFFD" {
		t.Errorf("user agent round-trips as %q", got)
	}
	if str(m, "requestParameters", "roleArn") != "arn:aws:iam::111122223333:role/Admin" {
		t.Errorf("roleArn %q", str(m, "requestParameters", "roleArn"))
	}

	user := Actor{Identity: sess, SourceIP: alice.SourceIP, UserAgent: "Boto3/1.35.36"}
	for name, build := range map[string]func(e *Event){
		"RunInstances": func(e *Event) {
			e.RunInstances(r, "ami-0123456789abcdef0", "t3.micro", "subnet-0123456789abcdef0", "sg-0123456789abcdef0", "i-0aaa", "i-0bbb")
		},
		"TerminateInstances":            func(e *Event) { e.TerminateInstances("i-0aaa") },
		"CreateUser":                    func(e *Event) { e.CreateUser("mallory", r.UniqueID("AIDA", infix)) },
		"AttachUserPolicy":              func(e *Event) { e.AttachUserPolicy("mallory", "arn:aws:iam::aws:policy/AdministratorAccess") },
		"CreateAccessKey":               func(e *Event) { e.CreateAccessKey("mallory", r.AccessKeyID("AKIA", infix)) },
		"PutBucketPolicy":               func(e *Event) { e.PutBucketPolicy(r, "loot", PublicReadPolicy("loot")) },
		"GetObject":                     func(e *Event) { e.GetObject(r, "loot", "secrets/db.sql", 1234) },
		"AuthorizeSecurityGroupIngress": func(e *Event) { e.AuthorizeSecurityGroupIngress(r, "sg-0123", "tcp", 22, 22, "0.0.0.0/0") },
		"GetSecretValue":                func(e *Event) { e.GetSecretValue("prod/db") },
		"ConsoleLogin":                  func(e *Event) { e.ConsoleLogin(true, false) },
		"StopLogging":                   func(e *Event) { e.StopLogging("org-trail") },
		"ModifySnapshotAttribute":       func(e *Event) { e.ModifySnapshotAttribute("snap-0123", "999988887777") },
		"DeleteBucketPolicy":            func(e *Event) { e.S3Call(r, "DeleteBucketPolicy", false, "loot").Request.Str("policy", "") },
	} {
		e.Begin(r, &user, acct, "eu-west-1", at.Add(time.Minute))
		build(&e)
		var m map[string]any
		if err := json.Unmarshal(e.JSON(), &m); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, e.JSON())
		}
		if str(m, "eventName") != name {
			t.Errorf("%s recorded as %s", name, str(m, "eventName"))
		}
	}
	e.Begin(r, &user, acct, "eu-west-1", at)
	e.RunInstances(r, "ami-1", "t3.micro", "subnet-0123456789abcdef0", "sg-1", "i-0aaa")
	if !bytes.Contains(e.JSON(), []byte(`"instancesSet":{"items":[{"instanceId":"i-0aaa"`)) {
		t.Errorf("RunInstances response lacks instancesSet.items[].instanceId:\n%s", e.JSON())
	}
	e.Begin(r, &user, acct, "eu-west-1", at)
	e.Call("iam.amazonaws.com", "CreateUser", false)
	e.Request.Str("userName", "x")
	e.Deny("")
	var d map[string]any
	if err := json.Unmarshal(e.JSON(), &d); err != nil || str(d, "errorCode") != "AccessDenied" ||
		!strings.Contains(str(d, "errorMessage"), "iam:CreateUser") {
		t.Errorf("Deny: %v %s", err, e.JSON())
	}
	svc := Identity{AccountID: acct, InvokedBy: "kms.amazonaws.com"}
	if got := string(svc.appendJSON(nil)); got != `{"accountId":"111122223333","invokedBy":"kms.amazonaws.com"}` {
		t.Errorf("service identity without type renders as %s", got)
	}
}

func TestObject(t *testing.T) {
	var o Object
	if got := string(o.JSON()); got != "null" {
		t.Errorf("empty object: %s", got)
	}
	o.Open()
	if got := string(o.JSON()); got != "{}" {
		t.Errorf("opened object: %s", got)
	}
	o.Reset()
	o.Str("a", "x\n\"\\\x00").Int("n", -42).Bool("b", true).Null("z").Obj("o").Arr("l").Str("", "1").Obj("").End().End().Str("k", "v")
	o.Arr("open").Int("", 1) // left open: closed when rendered
	want := `{"a":"x\n\"\\\u0000","n":-42,"b":true,"z":null,"o":{"l":["1",{}],"k":"v","open":[1]}}`
	if got := string(o.JSON()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !json.Valid(o.JSON()) {
		t.Error("invalid JSON")
	}
}

// Records for a scenario are built by hand: here a user assumes a role and the session terminates an
// instance. The session's key links the second record to the first.
func ExampleEvent() {
	r := NewRand(1, 0)
	acct, infix := "111122223333", r.KeyInfix()
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	alice := Actor{Identity: IAMUser(acct, "alice", r.UniqueID("AIDA", infix), r.AccessKeyID("AKIA", infix)),
		SourceIP: "203.0.113.7", UserAgent: "aws-cli/2.17.4"}
	sess := AssumedRole(Role{Account: acct, Name: "Admin", ID: r.UniqueID("AROA", infix)}, "alice",
		r.AccessKeyID("ASIA", infix), t)

	var e Event
	var out []byte
	e.Begin(r, &alice, acct, "us-east-1", t)
	e.AssumeRole(r, sess, time.Hour)
	out = e.AppendJSON(out)
	out = append(out, '\n')
	e.Begin(r, &Actor{Identity: sess, SourceIP: alice.SourceIP, UserAgent: alice.UserAgent}, acct, "us-east-1", t.Add(time.Minute))
	e.TerminateInstances("i-0abc1234567890def")
	out = e.AppendJSON(out)

	for _, line := range bytes.Split(out, []byte("\n")) {
		var rec struct {
			EventName    string
			UserIdentity struct{ ARN, AccessKeyID string }
			Response     struct{ Credentials struct{ AccessKeyID string } } `json:"responseElements"`
		}
		json.Unmarshal(line, &rec)
		fmt.Println(rec.EventName, rec.UserIdentity.ARN, rec.UserIdentity.AccessKeyID[:4], rec.Response.Credentials.AccessKeyID == sess.AccessKeyID)
	}
	// Output:
	// AssumeRole arn:aws:iam::111122223333:user/alice AKIA true
	// TerminateInstances arn:aws:sts::111122223333:assumed-role/Admin/alice ASIA false
}
