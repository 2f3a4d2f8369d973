package incident

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
)

// hostile is a value a caller may put in a log: an escape sequence, markup, a table's pipe.
const hostile = "evil\u001b[2J<script>alert(1)</script>|x"

// incidentRecords: alice's long-term key assumes a role; the session terminates an instance from a
// source IP and with a user agent that carry markup and an escape sequence.
var incidentRecords = []string{
	`{"eventVersion":"1.08","eventTime":"2024-03-04T10:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","eventID":"e1","recipientAccountId":"111122223333",
	  "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAALICE0000000001","userName":"alice"},
	  "requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/Admin","roleSessionName":"s1"},
	  "responseElements":{"credentials":{"accessKeyId":"ASIASESSION00000001","expiration":"Mar 4, 2024, 11:00:00 AM","sessionToken":"x"}}}`,
	`{"eventVersion":"1.08","eventTime":"2024-03-04T10:05:00Z","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","awsRegion":"us-east-1","sourceIPAddress":"` + jsonEscape(hostile) + `","userAgent":"` + jsonEscape(hostile) + `","eventID":"e2","recipientAccountId":"111122223333",
	  "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Admin/s1","accountId":"111122223333","accessKeyId":"ASIASESSION00000001",
	    "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/Admin","userName":"Admin"}}},
	  "requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0abc1234"}]}}}`,
}

func jsonEscape(s string) string {
	return strings.NewReplacer("\u001b", `\u001b`, `"`, `\"`).Replace(s)
}

func loadIncident(t *testing.T) *index.Index {
	t.Helper()
	idx := index.New()
	var recs []cloudtrail.Record
	for _, raw := range incidentRecords {
		r, err := cloudtrail.DecodeRecord([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	idx.Add(recs)
	return idx
}

func build(t *testing.T, text string) Document {
	t.Helper()
	idx := loadIncident(t)
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	return Build(Input{Source: "test", Filter: text, Index: idx, Refs: idx.Query(q).Refs,
		Findings: findings.Find(idx, findings.Options{}), Now: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)})
}

func TestBuildFollowsTheChain(t *testing.T) {
	d := build(t, "event:TerminateInstances")
	if d.Total != 1 || len(d.Events) != 1 {
		t.Fatalf("events: %+v", d.Events)
	}
	e := d.Events[0]
	if e.Behind != "user/alice" || e.Call != "TerminateInstances" || e.Resource != "i-0abc1234" || e.Explanation == "" {
		t.Errorf("event row: %+v", e)
	}
	if len(d.Keys) != 1 || !strings.HasPrefix(d.Keys[0].MintedBy, "AssumeRole by user/alice") {
		t.Errorf("keys: %+v", d.Keys)
	}
	if d.Coverage.Loaded != 2 || len(d.Coverage.Accounts) != 1 || d.Coverage.Accounts[0] != "111122223333" {
		t.Errorf("coverage: %+v", d.Coverage)
	}
}

func TestCap(t *testing.T) {
	idx := loadIncident(t)
	q, _ := filter.ParseQuery("")
	d := Build(Input{Index: idx, Refs: idx.Query(q).Refs, MaxEvents: 1})
	if d.Total != 2 || len(d.Events) != 1 || d.Events[0].Call != "AssumeRole" {
		t.Fatalf("cap: total %d, %d events", d.Total, len(d.Events))
	}
	var b bytes.Buffer
	if err := Write(&b, Markdown, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "(the first 1 shown)") {
		t.Errorf("the cap is not said:\n%s", b.String())
	}
}

func TestMarkdownIsSafe(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Markdown, build(t, "")); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, 0x1b) || strings.Contains(out, "<script>") {
		t.Fatalf("raw escape or markup in Markdown:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| 2024-03-04 10:05:00Z") && strings.Count(l, "|")-strings.Count(l, `\|`) != 9 {
			t.Errorf("a pipe from the log breaks the row: %s", l)
		}
	}
	for _, want := range []string{"# Incident timeline", "## What the data covers", "## Findings", "## Timeline", "ec2:TerminateInstances", "| user/alice |", "## Access keys"} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestHTMLIsOneSafeFile(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, HTML, build(t, "")); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, 0x1b) || strings.Contains(out, "<script") {
		t.Fatalf("raw escape or markup in HTML")
	}
	for _, external := range []string{"http://", "https://", "<link", "src="} {
		if strings.Contains(out, external) {
			t.Errorf("HTML refers to something outside itself: %q", external)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;") || !strings.Contains(out, "TerminateInstances") {
		t.Errorf("HTML lacks the escaped value or the event")
	}
}
