package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runRoot runs trailscope with args and stdin, and returns its output and exit code.
func runRoot(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	var in io.Reader // "" is a terminal: nothing piped in
	if stdin != "" {
		in = strings.NewReader(stdin)
	}
	root := newRoot(in, &out, &errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	var c exitCode
	switch {
	case errors.As(err, &c):
		code = int(c)
	case err != nil:
		code = exitError
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

// query runs trailscope query.
func query(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runRoot(t, stdin, append([]string{"query"}, args...)...)
}

func TestQuery(t *testing.T) {
	out, _, code := query(t, "", "--sample", "invictus", "event:CreateUser")
	if code != exitFound || strings.Count(out, "CreateUser") != 4 || !strings.HasPrefix(out, "TIME") {
		t.Fatalf("table (exit %d):\n%s", code, out)
	}

	out, _, _ = query(t, "", "--sample", "invictus", "--format", "json", "event:CreateUser")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec["eventName"] != "CreateUser" {
			t.Fatalf("json line %q: %v", l, err)
		}
	}
	if len(lines) != 4 {
		t.Errorf("%d json lines, want 4", len(lines))
	}

	out, _, _ = query(t, "", "--sample", "invictus", "--format", "csv", "--explain", "event:CreateUser")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 5 || rows[0][len(rows[0])-1] != "explanation" || !strings.Contains(rows[1][len(rows[1])-1], "persistence") {
		t.Fatalf("csv with --explain (%v):\n%s", err, out)
	}

	out, _, _ = query(t, "", "--sample", "invictus", "--explain", "event:DescribeEventAggregates")
	if !strings.Contains(out, "Health call (not in the catalog)") {
		t.Errorf("an event the catalog does not know should show its service only:\n%s", out)
	}

	if _, stderr, code := query(t, "", "--sample", "invictus", "event:NoSuchCall"); code != exitNothing || !strings.Contains(stderr, "no events match") {
		t.Errorf("no match: exit %d, %q", code, stderr)
	}
	if _, stderr, code := query(t, "", "--sample", "invictus", "evnt:x"); code != exitError || !strings.Contains(stderr, "did you mean event") {
		t.Errorf("bad filter: exit %d, %q", code, stderr)
	}
	if _, _, code := query(t, "", "/no/such/path", "event:x"); code != exitError {
		t.Errorf("missing path: exit %d", code)
	}
}

func TestQueryStdinConcatenatedFiles(t *testing.T) {
	rec := func(id, name string) string {
		return `{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"` + name + `","eventID":"` + id + `","userAgent":"evil\u001b[2J"}`
	}
	in := `{"Records":[` + rec("a", "RunInstances") + `]}{"Records":[` + rec("b", "TerminateInstances") + `]}` + "\n"
	out, _, code := query(t, in, "--format", "csv", "-", "")
	if code != exitFound || !strings.Contains(out, "RunInstances") || !strings.Contains(out, "TerminateInstances") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `evil\x1b[2J`) {
		t.Errorf("an escape sequence from a record reached the output:\n%q", out)
	}
}

// TestQueryPrefilter: a query reads the records that cannot match past without decoding them, and
// gives the same answer; what it says of the records counts those too.
func TestQueryPrefilter(t *testing.T) {
	rec := func(id, name string) string {
		return `{"eventTime":"2024-01-01T00:00:0` + id + `Z","eventSource":"ec2.amazonaws.com","eventName":"` + name +
			`","eventID":"` + id + `","awsRegion":"eu-west-1","userIdentity":{"type":"IAMUser","userName":"alice"}}`
	}
	dir := t.TempDir()
	body := `{"Records":[` + rec("1", "RunInstances") + `,` + rec("2", `\u0054erminateInstances`) + `,` + rec("3", "TerminateInstances") +
		`,{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":["RunInstances"],"eventID":"4","userIdentity":{}}]}`
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := query(t, "", "--format", "csv", dir, "event:terminateinstances")
	if code != exitFound || strings.Count(out, "TerminateInstances") != 2 || strings.Contains(stderr, "skipped") {
		t.Fatalf("exit %d (the damaged record cannot match: not read, not a problem):\n%s%s", code, out, stderr)
	}
	if _, stderr, code := query(t, "", dir, "event:NoSuchCall"); code != exitNothing || !strings.Contains(stderr, "(4 records read)") {
		t.Errorf("no match: exit %d, %q", code, stderr)
	}
	if _, stderr, code := query(t, "", dir, "event:RunInstances"); code != exitFound || !strings.Contains(stderr, "eventName is an array") {
		t.Errorf("a damaged record that could match is read, and said: exit %d, %q", code, stderr)
	}
}

// TestQueryJSONOutline: every record as JSON needs only the records' time and ID decoded; the lines,
// and what is said of damaged records, are those of a query that decodes everything.
func TestQueryJSONOutline(t *testing.T) {
	rec := func(id, at, name string) string {
		return `{"eventTime":"2024-01-01T00:00:` + at + `Z","eventSource":"ec2.amazonaws.com","eventName":"` + name +
			`","eventID":"` + id + `","awsRegion":5,"userIdentity":{"type":"IAMUser","userName":"alice"}}`
	}
	dir := t.TempDir()
	a := `{"Records":[` + rec("1", "30", "RunInstances") + `,` + rec("2", "10", "StopInstances") + `,{"eventTime":"2024-01-01T00:00:00Z","eventName":"X","userIdentity":"alice"}]}`
	b := `{"Records":[` + rec("3", "20", "StartInstances") + `,` + rec("1", "30", "RunInstances") + `]}` // a duplicate delivery
	for name, body := range map[string]string{"a.json": a, "b.json": b} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	outline, errOutline, code := query(t, "", "--format", "json", dir, "")
	whole, errWhole, _ := query(t, "", "--format", "json", dir, "--", "-event:NoSuchCall")
	if code != exitFound || outline != whole || strings.Count(outline, "\n") != 3 || !strings.Contains(errOutline, "userIdentity is a string") {
		t.Fatalf("exit %d; every record:\n%s%s\nevery record not NoSuchCall:\n%s%s", code, outline, errOutline, whole, errWhole)
	}
	if got := strings.Index(outline, `"2"`) < strings.Index(outline, `"3"`) && strings.Index(outline, `"3"`) < strings.Index(outline, `"1"`); !got {
		t.Errorf("not oldest first:\n%s", outline)
	}
}
