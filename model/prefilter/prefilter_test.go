package prefilter_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/prefilter"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/synth/world"
)

func parse(t testing.TB, text string) filter.Query {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestFor(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"event:TerminateInstances", true},
		{"event:Delete* error:none", true},
		{"-event:TerminateInstances", false}, // a negation rules nothing out
		{"principal:alice", true},            // a run of the value outside the words a Principal is written with
		{"principal:session", false},         // a word of DeriveIdentity's, in no record
		{"user:role/ses*", false},            // "role", "ses": words and parts of words only
		{"principal:?", false},
		{"resource:i-0abc", false},
		{"terminate", false},
		{"readonly:false", false},
		{"event:*", false},
		{"ua:aws-cli/2", false},            // JSON may write the slash as \/
		{"ip:2001:db8::/32", false},        // IPv6 is written in many ways
		{"ip:203.0.113.0/20", false},       // not a whole number of octets
		{"ip:203.0.113.0/24", true},        // "203.0.113."
		{"ip:ec2.amazonaws.com", true},     // a service's name
		{"error:any", false},               // any errorCode, whatever it says
		{"event:X since:2h", false},        // since the newest event of all, not of the matches
		{"event:X since:2026-01-01", true}, // an absolute bound is the record's own
		{"event:X lineage:ASIAEXAMPLE", false},
		{"principal:alice region:eu-west-1", true},
	} {
		if _, ok := prefilter.For(parse(t, c.text)); ok != c.ok {
			t.Errorf("For(%q): ok %v, want %v", c.text, ok, c.ok)
		}
	}
}

const record = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Ops/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY000001"},"eventTime":"2026-01-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0abc"}]}},"responseElements":null,"requestID":"req-1","eventID":"0b3c9f0e-1111-4a6b-9c1d-000000000001","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		text, rec string
		want      bool
	}{
		{"event:TerminateInstances", record, true},
		{"event:terminateinstances", record, true}, // as the index, ignoring case
		{"EVENT:TERMINATE*", record, true},
		{"event:RunInstances", record, false},
		{"event:RunInstances,TerminateInstances", record, true},
		{"event:TerminateInstances region:us-east-1", record, false},
		{"source:ec2 key:asiaexamplekey000001", record, true},
		{"ip:203.0.113.0/24", record, true},
		{"ip:198.51.100.0/24", record, false},
		{"ip:198.51.100.7", strings.Replace(record, "203.0.113.7", "::ffff:c633:6407", 1), true}, // 198.51.100.7 as IPv6
		{"ua:AWS-CLI", record, true},
		{"error:AccessDenied", record, false},
		{"event:RunInstances", strings.Replace(record, "TerminateInstances", `\u0052unInstances`, 1), true}, // R
		{"event:RunInstances", strings.Replace(record, "TerminateInstances", `\u0054erminateInstances`, 1), false},
		{"event:RunInstances", strings.Replace(record, "TerminateInstances", `\\u0052unInstances`, 1), false}, // a backslash, then u0052
		{"event:Tasks", strings.Replace(record, "TerminateInstances", `Ta\u017fks`, 1), true},                 // ſ, escaped
		{"event:RunInstances", strings.Replace(record, "TerminateInstances", `\u00`, 1), false},
		{"event:Tasks", strings.Replace(record, "TerminateInstances", "Ta\u017fks", 1), true}, // ſ folds onto s
		{"event:RunInstances", strings.Replace(record, "alice", "\xff\xfe", 1), true},         // not ASCII: decoded
		{"event:RunInstances", strings.Repeat(" ", 20<<10) + record, false},                   // past the stack buffer
		{"principal:alice", record, true},
		{"principal:ALICE", record, true},
		{"principal:bob", record, false},
		{`principal:"role/Ops (session alice)"`, record, true}, // "alice", the longest run that is no word
		{`principal:"role/Ops (session bobby)"`, record, false},
		{"principal:ops*ali", record, true},
		{"principal:arn:aws:sts::111122223333:assumed-role", record, true}, // the identity's ARN
	} {
		p, ok := prefilter.For(parse(t, c.text))
		if !ok {
			t.Fatalf("For(%q) has nothing to rule out", c.text)
		}
		if got := p.Match([]byte(c.rec)); got != c.want {
			t.Errorf("Match(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// matchesAlone reports whether the index matches rec alone with q.
func matchesAlone(rec []byte, q filter.Query) bool {
	r, err := cloudtrail.DecodeRecord(rec)
	if err != nil {
		return false
	}
	idx := index.New()
	idx.Add([]cloudtrail.Record{r})
	return len(idx.Query(q).Refs) > 0
}

// fuzzQueries are the queries FuzzMatch tries on every record.
var fuzzQueries = []string{
	"event:TerminateInstances", "event:term*", "source:ec2", "type:assumedrole", "key:ASIAEXAMPLEKEY000001",
	"region:eu-west-1", "account:111122223333", "error:AccessDenied", "ua:cli", "req:req-1",
	"ip:203.0.113.0/24", "ip:203.0.113.7", "ip:ec2.amazonaws.com", "event:x since:2026-01-01",
	"principal:alice", `principal:"ops (session alice)"`, `user:"root (1111"`, `principal:"service ec2"`,
	`principal:"federated/bob (via user/carol)"`, `principal:"saml/x (idp)"`, "principal:?",
}

// FuzzMatch checks the Prefilter's one promise on any bytes: it never rules out a record the index
// matches.
func FuzzMatch(f *testing.F) {
	f.Add([]byte(record))
	f.Add([]byte(strings.Replace(record, "TerminateInstances", `\u0054erminateInstances`, 1)))
	f.Add([]byte(strings.Replace(record, "eu-west-1", "EU-WEST-1", 1)))
	f.Add([]byte(strings.Replace(record, "TerminateInstances", `\\u0054\u0065rminat\u0045Instances`, 1)))
	f.Add([]byte(strings.Replace(record, "ec2", `\u0065\u0063\u0032`, 1)))
	f.Add([]byte(strings.Replace(record, "203.0.113.7", "::ffff:cb00:7107", 1)))
	f.Add([]byte(strings.Replace(record, "ec2.amazonaws.com", "EC2.AMAZONAWS.COM", 1)))
	f.Add([]byte(strings.Replace(record, `"errorCode"`, `"x"`, 1)[:len(record)-1] + `,"errorCode":"AccessDenied"}`))
	f.Add([]byte(strings.Replace(record, `"type":"AssumedRole"`, `"type":"Root"`, 1)))
	f.Add([]byte(strings.Replace(record, `"type":"AssumedRole"`, `"type":"AWSService","invokedBy":"ec2.amazonaws.com"`, 1)))
	f.Add([]byte(strings.Replace(record, `"type":"AssumedRole"`, `"type":"FederatedUser","sessionContext":{"sessionIssuer":{"userName":"carol"}}`, 1)))
	queries := make([]filter.Query, len(fuzzQueries))
	for i, text := range fuzzQueries {
		queries[i] = parse(f, text)
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		for _, q := range queries {
			p, ok := prefilter.For(q)
			if ok && !p.Match(rec) && matchesAlone(rec, q) {
				t.Fatalf("%q rules out a record the index matches:\n%s", q.Text, rec)
			}
		}
	})
}

// load reads dir into an index, through keep when it is not nil, and returns how many records keep
// passed over.
func load(t *testing.T, dir string, keep func([]byte) bool) (*index.Index, int) {
	t.Helper()
	idx := index.New()
	passed := 0
	err := archive.Read(context.Background(), []string{dir}, archive.Options{Keep: keep}, func(b cloudtrail.Batch) {
		idx.Add(b.Records)
		passed = b.Progress.Passed
	})
	if err != nil {
		t.Fatal(err)
	}
	return idx, passed
}

func eventIDs(idx *index.Index, q filter.Query) []string {
	var ids []string
	for _, ref := range idx.Query(q).Refs {
		ids = append(ids, idx.Record(ref).EventID)
	}
	slices.Sort(ids)
	return ids
}

// TestSameAnswers loads an organization trail's archive whole and through the prefilter of each of
// many queries, made of the values the archive holds: the answers are the same events.
func TestSameAnswers(t *testing.T) {
	dir := t.TempDir()
	if _, err := world.Generate(world.Options{Events: 6_000, Files: 4, Seed: 3, Days: 2, Gzip: true, Shape: world.ShapeOrg,
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, dir); err != nil {
		t.Fatal(err)
	}
	// Records written as no generator writes them: escapes, upper case, an IPv4 address as IPv6.
	odd := []string{
		strings.Replace(record, "TerminateInstances", `\u0054erminateInstances`, 1),
		strings.Replace(strings.Replace(record, "eu-west-1", "EU-WEST-1", 1), "-000000000001\"", "-000000000002\"", 1),
		strings.Replace(strings.Replace(record, "203.0.113.7", "::ffff:cb00:7107", 1), "-000000000001\"", "-000000000003\"", 1),
	}
	if err := os.WriteFile(filepath.Join(dir, "odd.json"), []byte(`{"Records":[`+strings.Join(odd, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	whole, passed := load(t, dir, nil)
	if passed != 0 {
		t.Fatalf("%d records passed over with no prefilter", passed)
	}
	texts := []string{"event:TerminateInstances", "region:eu-west-1", "ip:203.0.113.7", "ip:203.0.113.0/24"}
	for _, f := range []filter.Field{filter.FieldEvent, filter.FieldSource, filter.FieldType, filter.FieldKey,
		filter.FieldRegion, filter.FieldAccount, filter.FieldError, filter.FieldUA, filter.FieldIP, filter.FieldPrincipal} {
		values := whole.Values(f)
		if len(values) == 0 {
			t.Fatalf("no values of %s in the archive", f)
		}
		for i, v := range []index.ValueCount{values[0], values[len(values)/2], values[len(values)-1]} {
			if v.Value == "" {
				continue
			}
			term := filter.Term{Field: f, Values: []string{v.Value}}
			texts = append(texts, term.String())
			if i == 0 {
				texts = append(texts, strings.ToUpper(term.String()), term.String()+" -readonly:true")
			}
			if f == filter.FieldPrincipal && len(v.Value) > 12 { // a part of it, and its tail with the words cut
				texts = append(texts, filter.Term{Field: f, Values: []string{v.Value[3:9]}}.String(),
					filter.Term{Field: f, Values: []string{v.Value[len(v.Value)-12:]}}.String())
			}
			if f == filter.FieldUA && len(v.Value) > 6 {
				texts = append(texts, filter.Term{Field: f, Values: []string{v.Value[2:6]}}.String())
			}
		}
	}
	texts = append(texts, "event:Delete*,Put* error:none", "event:Get* region:us-east-1 principal:a", "error:*Denied*")
	tried, narrowed := 0, 0
	for _, text := range texts {
		q, err := filter.ParseQuery(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		p, ok := prefilter.For(q)
		if !ok {
			continue
		}
		tried++
		narrow, passed := load(t, dir, p.Match)
		want, got := eventIDs(whole, q), eventIDs(narrow, q)
		if !slices.Equal(got, want) {
			t.Errorf("%q: %d events through the prefilter, %d loading everything", text, len(got), len(want))
		}
		if passed > 0 {
			narrowed++
		}
	}
	if tried < 20 || narrowed < tried*3/4 {
		t.Fatalf("%d queries had a prefilter, %d of them passed records over", tried, narrowed)
	}
}
