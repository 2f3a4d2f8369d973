package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
)

// load reads paths into a new index and returns it with the problems met.
func load(t testing.TB, paths []string, opt Options) (*index.Index, []cloudtrail.Problem, cloudtrail.Progress) {
	t.Helper()
	idx := index.New()
	var problems []cloudtrail.Problem
	var last cloudtrail.Progress
	err := Read(context.Background(), paths, opt, func(b cloudtrail.Batch) {
		idx.Add(b.Records)
		problems = append(problems, b.Problems...)
		last = b.Progress
	})
	if err != nil {
		t.Fatalf("Read(%v): %v", paths, err)
	}
	if !last.Done {
		t.Errorf("the last batch should say Done")
	}
	return idx, problems, last
}

const invictusRecord = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5U6Q3TMDR","arn":"arn:aws:iam::123837392027:user/benjamin","accountId":"123837392027","accessKeyId":"AKIATFQZ7NSC8Q4X21BJ","userName":"benjamin"},"eventTime":"2023-07-10T11:42:36Z","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.13.0","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0abc"}]}},"responseElements":null,"requestID":"r-1","eventID":"293ba626-3be5-4a26-ab1b-0f4c54f49959","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management"}`

func withID(rec, id string) string {
	return strings.Replace(rec, "293ba626-3be5-4a26-ab1b-0f4c54f49959", id, 1)
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func write(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFormats(t *testing.T) {
	r1, r2 := withID(invictusRecord, "00000000-0000-4000-8000-000000000001"), withID(invictusRecord, "00000000-0000-4000-8000-000000000002")
	lookup, _ := json.Marshal(map[string]any{"Events": []any{
		map[string]any{"EventId": "x", "CloudTrailEvent": r1},
		map[string]any{"EventId": "y", "CloudTrailEvent": r2},
	}})
	tests := []struct {
		name string
		file string
		data []byte
	}{
		{"s3 delivery", "a.json", []byte(`{"Records":[` + r1 + `,` + r2 + `]}`)},
		{"s3 delivery gzipped", "AWSLogs/1/CloudTrail/us-east-1/2023/07/10/a.json.gz", gz(t, []byte(`{"Records":[`+r1+`,`+r2+`]}`))},
		{"gzip by magic, not by name", "a.json", gz(t, []byte(`{"Records":[`+r1+`,`+r2+`]}`))},
		{"json array", "a.json", []byte("[\n" + r1 + ",\n" + r2 + "\n]")},
		{"json lines", "a.jsonl", []byte(r1 + "\n" + r2 + "\n")},
		{"json lines without a final newline, CRLF", "a.jsonl", []byte(r1 + "\r\n" + r2)},
		{"cloudwatch export lines", "000000.gz", gz(t, []byte("2023-07-10T11:42:36.000Z "+r1+"\n2023-07-10T11:42:36.000Z "+r2+"\n"))},
		{"lookup-events output", "lookup.json", lookup},
		{"byte order mark", "a.json", []byte("\xef\xbb\xbf[" + r1 + "," + r2 + "]")},
		{"delivery files concatenated (cat *.json)", "all.json", []byte(`{"Records":[` + r1 + `]}{"Records":[` + r2 + `]}`)},
		{"delivery files concatenated, one a line", "all.json", []byte(`{"Records":[` + r1 + "]}\n" + `{"Records":[` + r2 + "]}\n")},
		{"arrays concatenated", "all.json", []byte(`[` + r1 + `] [` + r2 + `]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.file, tt.data)
			idx, problems, _ := load(t, []string{dir}, Options{})
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			if idx.Len() != 2 {
				t.Fatalf("%d events, want 2", idx.Len())
			}
			for ref := range index.EventRef(2) {
				raw, err := idx.Raw(ref)
				if err != nil {
					t.Fatalf("Raw: %v", err)
				}
				var got map[string]any
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("Raw gave invalid JSON %q: %v", raw, err)
				}
				if got["eventID"] != idx.Record(ref).EventID {
					t.Errorf("Raw(%d) is the record of %v, want %s", ref, got["eventID"], idx.Record(ref).EventID)
				}
			}
		})
	}
}

func TestStdin(t *testing.T) {
	in := strings.NewReader(`{"Records":[` + invictusRecord + `]}`)
	idx, problems, _ := load(t, []string{"-"}, Options{Stdin: in})
	if idx.Len() != 1 || len(problems) > 0 {
		t.Fatalf("%d events, problems %v", idx.Len(), problems)
	}
	raw, err := idx.Raw(0)
	if err != nil || string(raw) != invictusRecord {
		t.Errorf("Raw from stdin = %q, %v", raw, err)
	}
}

func TestBadInput(t *testing.T) {
	good := []byte(`{"Records":[` + invictusRecord + `]}`)
	full := gz(t, []byte(`{"Records":[`+withID(invictusRecord, "00000000-0000-4000-8000-000000000001")+`,`+
		strings.Repeat(withID(invictusRecord, "00000000-0000-4000-8000-000000000002")+",", 1)+
		withID(invictusRecord, "00000000-0000-4000-8000-000000000003")+`]}`))
	bomb := gz(t, bytes.Repeat([]byte(" "), 3<<20))
	tests := []struct {
		name     string
		data     []byte
		events   int    // good events in the bad file itself
		reason   string // in the problem
		record   int
		skipped  bool
		problems int
	}{
		{"truncated gzip", full[:len(full)-20], -1, "truncated", 0, false, -1},
		{"truncated json", good[:len(good)-40], 0, "invalid JSON", 1, false, 1},
		{"invalid json in the middle", []byte(`[` + invictusRecord + `, {"eventTime": nope}]`), 1, "invalid JSON", 2, false, 1},
		{"a record of the wrong shape", []byte(`[` + invictusRecord + `, {"eventTime":"2023-07-10T11:42:36Z","userIdentity":"oops","eventName":42,"readOnly":"maybe","eventID":"w"}]`), 1, "eventName is a number, not a string", 2, false, 1},
		{"userIdentity as a string", []byte(`{"Records":[` + withID(invictusRecord, "00000000-0000-4000-8000-0000000000a1") + `,` +
			withID(invictusRecord, "00000000-0000-4000-8000-0000000000a2") + `,{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":"root"}]}`),
			2, "userIdentity is a string, not an object", 3, false, 1},
		{"an eventID that is a number", []byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","eventID":7}` + "\n" + invictusRecord + "\n"), 1, "eventID is a number, not a string", 1, false, 1},
		{"tolerated: unknown fields, a region as a number", []byte(`[{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","eventID":"x1","awsRegion":5,"new":{"a":1}}]`), 1, "", 0, false, 0},
		{"not a time", []byte(`[{"eventTime":"yesterday","eventName":"X"}]`), 0, "not a time", 1, false, 1},
		{"not CloudTrail", []byte(`{"hello":"world"}`), 0, "not a CloudTrail record", 1, false, 1},
		{"binary", []byte("\x00\x01\x02ELF\x7f\xff"), 0, "not JSON", 0, false, 1},
		{"empty", nil, 0, "empty file", 0, false, 1},
		{"gzip bomb", bomb, 0, "gzip bomb", 0, false, 1},
		{"digest", []byte(`{"awsAccountId":"1","digestStartTime":"2020-09-11T18:36:49Z","logFiles":[]}`), 0, "", 0, true, 0},
		{"oversized record", []byte(`[{"eventTime":"2023-07-10T11:42:36Z","eventName":"` + strings.Repeat("A", 600<<10) + `"}]`), 0, "limit", 1, false, 1},
		{"lines with a bad one", []byte(invictusRecord + "\nnot json at all\n" + withID(invictusRecord, "00000000-0000-4000-8000-000000000009") + "\n"), 2, "not a JSON record", 2, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bad := write(t, dir, "bad.json", tt.data)
			other := write(t, dir, "good.json", []byte(`{"Records":[`+withID(invictusRecord, "11111111-0000-4000-8000-000000000001")+`]}`))
			idx, problems, prog := load(t, []string{bad, other}, Options{MaxFileSize: 2 << 20})
			if tt.events >= 0 && idx.Len() != tt.events+1 {
				t.Errorf("%d events, want %d (the good file's and %d)", idx.Len(), tt.events+1, tt.events)
			}
			if tt.problems >= 0 && len(problems) != tt.problems {
				t.Errorf("problems %v, want %d", problems, tt.problems)
			}
			if prog.Problems != len(problems) {
				t.Errorf("progress counts %d problems, batches carried %d", prog.Problems, len(problems))
			}
			if tt.skipped != (prog.Skipped == 1) {
				t.Errorf("skipped %d", prog.Skipped)
			}
			if tt.reason != "" {
				found := false
				for _, p := range problems {
					if p.File == bad && strings.Contains(p.Reason, tt.reason) && (tt.record == 0 || p.Record == tt.record) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem for %s with %q at record %d in %v", bad, tt.reason, tt.record, problems)
				}
			}
		})
	}
}

func TestTruncatedGzipKeepsRecordsBeforeTheDamage(t *testing.T) {
	var recs []string
	for i := range 2000 {
		recs = append(recs, withID(invictusRecord, strings.Replace("00000000-0000-4000-8000-00000000XXXX", "XXXX", string(rune('a'+i%26))+string(rune('a'+i/26%26))+"00", 1)))
	}
	full := gz(t, []byte(`[`+strings.Join(recs, ",\n")+`]`))
	dir := t.TempDir()
	p := write(t, dir, "cut.json.gz", full[:len(full)*3/4])
	idx, problems, _ := load(t, []string{p}, Options{})
	if idx.Len() == 0 || len(problems) == 0 {
		t.Fatalf("%d events and problems %v: want some events and a problem", idx.Len(), problems)
	}
	if _, err := idx.Raw(0); err != nil {
		t.Errorf("drill-down into a truncated file: %v", err)
	}
}

func TestFolderWalk(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "AWSLogs/o-abc/111/CloudTrail/us-east-1/2024/01/01/a.json.gz", gz(t, []byte(`{"Records":[`+invictusRecord+`]}`)))
	write(t, dir, "AWSLogs/111/CloudTrail-Digest/us-east-1/2024/01/01/d.json.gz", gz(t, []byte(`{"digestStartTime":"x"}`)))
	write(t, dir, "README.md", []byte("# not data"))
	idx, problems, prog := load(t, []string{dir}, Options{})
	if idx.Len() != 1 || len(problems) != 0 || prog.Skipped != 1 || prog.Files != 1 {
		t.Errorf("events %d problems %v progress %+v", idx.Len(), problems, prog)
	}
	if err := Read(context.Background(), []string{filepath.Join(dir, "missing")}, Options{}, func(cloudtrail.Batch) {}); err == nil {
		t.Error("a missing path should be an error")
	}
}
