package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
)

func TestWriteFindings(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	fs := []findings.Finding{
		{Rule: "sg-open-world", Severity: catalog.SeverityHigh, Title: "Security group opened\x1b[31m to the internet",
			Rationale: "why", Tactic: catalog.Exposure, Principal: "role/Deploy (session s)", Origin: "user/alice",
			Chain: []string{"user/alice"}, Count: 2, First: at, Last: at.Add(time.Minute), Filter: `event:AuthorizeSecurityGroupIngress`},
		{Rule: "console-login-failures", Severity: catalog.SeverityMedium, Title: "Burst of failed console sign-ins",
			SourceIPs: []string{"198.51.100.7"}, Count: 6, Failed: 6, First: at, Last: at},
	}
	var b bytes.Buffer
	if err := WriteFindings(&b, Table, index.New(), fs); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"SEVERITY", "BEHIND", "user/alice", `\x1b[31m`, "from 198.51.100.7", "2024-05-01T10:01:00Z"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("an escape sequence reached the terminal")
	}

	b.Reset()
	if err := WriteFindings(&b, JSON, index.New(), fs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || strings.Contains(b.String(), "\x1b") {
		t.Fatalf("JSON lines: %q", b.String())
	}
	var got struct {
		Rule, Severity, Title, Origin string
		Chain                         []string
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	if got.Severity != "high" || got.Origin != "user/alice" || !strings.Contains(got.Title, "\x1b[31m") || len(got.Chain) != 1 {
		t.Errorf("decoded %+v", got)
	}

	if s := FindingsSummary(fs); s != "2 findings: 1 high, 1 medium" {
		t.Errorf("summary %q", s)
	}
	if s := FindingsSummary(nil); s != "no findings" {
		t.Errorf("summary %q", s)
	}
	if _, err := ParseFindingsFormat("csv"); err == nil {
		t.Error("csv accepted for findings")
	}
}
