package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runFindings runs `trailscope findings` and returns stdout, stderr and the exit code.
func runFindings(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runRoot(t, "", append([]string{"findings"}, args...)...)
}

func TestFindingsCommand(t *testing.T) {
	// The built-in sample: findings, so exit 1, a table, and the summary on stderr.
	out, errOut, code := runFindings(t, "--min-severity", "high")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings); stderr: %s", code, errOut)
	}
	for _, want := range []string{"SEVERITY", "root-console-login", "without MFA", "sg-open-world", "BEHIND", "user/bhaddad"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\nmedium ") || !strings.Contains(errOut, "findings:") {
		t.Errorf("--min-severity high kept lower ones, or no summary:\n%s\n%s", out, errOut)
	}

	// JSON: one finding per line, each with a filter and its event IDs.
	out, _, code = runFindings(t, "--format", "json", "--rules", "instance-burst,access-denied-burst")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var f struct {
			Rule, Severity, Filter string
			Count                  int
			EventIDs               []string `json:"event_ids"`
		}
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		if f.Rule != "instance-burst" && f.Rule != "access-denied-burst" || f.Filter == "" || len(f.EventIDs) != f.Count {
			t.Errorf("unexpected finding: %s", l)
		}
	}

	// No findings: exit 0.
	dir := t.TempDir()
	quiet := `{"Records":[{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"ec2.amazonaws.com",
	"eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0",
	"eventID":"11111111-1111-1111-1111-111111111111","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"123456789012",
	"userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIAEXAMPLE"}}]}`
	if err := os.WriteFile(filepath.Join(dir, "quiet.json"), []byte(quiet), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runFindings(t, dir)
	if code != 0 || out != "" || !strings.Contains(errOut, "no findings over 1 events") {
		t.Errorf("quiet log: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// Errors: exit 2.
	for _, args := range [][]string{
		{"--format", "csv"}, {"--min-severity", "dire"}, {"--rules", "no-such-rule"},
		{"--aws-ip-ranges", filepath.Join(dir, "missing.json")}, {filepath.Join(dir, "missing")},
	} {
		if _, _, code := runFindings(t, args...); code != exitError {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}

	// The rules list.
	out, _, code = runFindings(t, "--list-rules")
	if code != 0 || !strings.Contains(out, "trail-stopped") || !strings.Contains(out, "defence evasion") {
		t.Errorf("--list-rules: exit %d:\n%s", code, out)
	}
}

func TestReadAWSRanges(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ip-ranges.json")
	doc := `{"syncToken":"1","prefixes":[{"ip_prefix":"3.5.140.0/22","region":"ap-northeast-2","service":"AMAZON"}],
	"ipv6_prefixes":[{"ipv6_prefix":"2600:1f14::/35","region":"us-west-2","service":"EC2"}]}`
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readAWSRanges(p)
	if err != nil || len(got) != 2 || got[0].String() != "3.5.140.0/22" {
		t.Errorf("readAWSRanges: %v, %v", got, err)
	}
	if err := os.WriteFile(p, []byte(`{"prefixes":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAWSRanges(p); err == nil {
		t.Error("no error for a file without prefixes")
	}
}
