package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/model/integrity"
)

func TestIntegrity(t *testing.T) {
	r := integrity.Report{Chains: []integrity.Chain{{Name: "c"}}, Results: []integrity.Result{
		{File: "/a/d1.json.gz", Kind: integrity.KindDigest, Status: integrity.Valid},
		{File: "/a/d2.json.gz", Kind: integrity.KindDigest, Status: integrity.DigestMissing},
		{File: "/a/l1\x1b[2J.json.gz", Kind: integrity.KindLog, Status: integrity.Modified, Digest: "/a/d1.json.gz", Reason: "SHA-256 differs"},
	}}
	if got, want := IntegritySummary(r), "1 chain, 2 digests: 1 digest-missing, 1 valid; 1 log file: 1 modified"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := WriteIntegrity(&b, Table, r.ByStatus()); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(rows) != 4 || !strings.HasPrefix(rows[1], "digest-missing") || !strings.Contains(rows[2], `l1\x1b[2J.json.gz  d1.json.gz`) || strings.Contains(b.String(), "\x1b") {
		t.Errorf("table:\n%s", b.String())
	}
	b.Reset()
	if err := WriteIntegrity(&b, JSON, r.Results[2:]); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != `{"file":"/a/l1\u001b[2J.json.gz","kind":"log","status":"modified","digest":"/a/d1.json.gz","reason":"SHA-256 differs"}`+"\n" {
		t.Errorf("json: %s", got)
	}
}
