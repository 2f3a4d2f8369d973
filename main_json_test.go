package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// TestQueryJSONIsTheArchive checks that JSON lines are the records as the archive holds them, byte
// for byte (a hash matches), from every kind of file, oldest first.
func TestQueryJSONIsTheArchive(t *testing.T) {
	rec := func(n int, extra string) string {
		// Odd but valid JSON: key order, escapes, non-ASCII, a space after a colon.
		return fmt.Sprintf(`{"eventVersion":"1.08","eventTime":"2024-01-01T00:%02d:00Z", "eventSource":"s3.amazonaws.com","eventName":"GetObject",`+
			`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/\u00e9l\u00e8ve"},"userAgent":"a\u001b[2J\/b","eventID":"id-%d"%s}`, n, n, extra)
	}
	dir := t.TempDir()
	put := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var gzbuf bytes.Buffer
	zw := gzip.NewWriter(&gzbuf)
	fmt.Fprintf(zw, `{"Records":[%s,%s]}`, rec(4, ""), rec(1, `,"requestParameters":{"key":"日本"}`))
	zw.Close()
	put("a.json.gz", gzbuf.Bytes())
	put("b.jsonl", []byte(rec(3, "")+"\n"+rec(0, "")+"\n"))
	lookup, _ := json.Marshal(map[string]any{"Events": []any{map[string]string{"CloudTrailEvent": rec(2, "")}}})
	put("c.json", lookup)
	want := []string{rec(0, ""), rec(1, `,"requestParameters":{"key":"日本"}`), rec(2, ""), rec(3, ""), rec(4, "")}

	out, stderr, code := query(t, "", "--format", "json", dir, "")
	if code != exitFound {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		if sha256.Sum256([]byte(l)) != sha256.Sum256([]byte(want[i])) {
			t.Errorf("line %d is not the archive's record:\n got %s\nwant %s", i, l, want[i])
		}
	}

	// A pretty-printed record loses only its line breaks and indentation.
	pretty := "[\n  {\n    \"eventTime\": \"2024-01-01T00:00:00Z\",\n    \"eventName\": \"A\",\n    \"eventID\": \"p\"\n  }\n]\n"
	dir = t.TempDir()
	put("p.json", []byte(pretty))
	out, _, _ = query(t, "", "--format", "json", dir, "")
	if out != `{"eventTime":"2024-01-01T00:00:00Z","eventName":"A","eventID":"p"}`+"\n" {
		t.Errorf("a pretty-printed record as a JSON line: %q", out)
	}
}
