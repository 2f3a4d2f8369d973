package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/ui/settings"
)

// aRecord is one CloudTrail record, for tests that pipe events in.
func aRecord(id, name string) string {
	return `{"eventVersion":"1.08","eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"` + name +
		`","awsRegion":"us-east-1","eventID":"` + id + `","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}}`
}

func TestQueryReadsPipedStdinWithoutDash(t *testing.T) {
	in := aRecord("1", "TerminateInstances") + "\n" + aRecord("2", "RunInstances") + "\n"
	out, stderr, code := query(t, in, "event:TerminateInstances")
	if code != exitFound || strings.Count(out, "TerminateInstances") != 1 || strings.Contains(out, "RunInstances") {
		t.Fatalf("exit %d, stdout:\n%s", code, out)
	}
	if !strings.Contains(stderr, "reading events from stdin") {
		t.Errorf("stdin read silently: %q", stderr)
	}
	// findings too: never the sample when something is piped in.
	_, stderr, _ = runRoot(t, in, "findings")
	if !strings.Contains(stderr, "reading events from stdin") {
		t.Errorf("findings: %q", stderr)
	}
}

func TestSampleFallbackIsSaid(t *testing.T) {
	_, stderr, code := query(t, "", "event:TerminateInstances")
	if code != exitFound || !strings.Contains(stderr, "built-in sample") || !strings.Contains(stderr, "fictional") {
		t.Fatalf("exit %d: the sample must be named on stderr: %q", code, stderr)
	}
}

func TestQueryJoinsUnquotedTerms(t *testing.T) {
	out, _, code := query(t, "", "--sample", "invictus", "event:CreateUser", "error:none")
	if code != exitFound || strings.Count(out, "CreateUser") != 4 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The same through a path first: the words after it are the filter.
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte(aRecord("1", "TerminateInstances")+"\n"+aRecord("2", "RunInstances")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code = query(t, "", p, "event:TerminateInstances", "principal:alice")
	if code != exitFound || !strings.Contains(out, "TerminateInstances") || strings.Contains(out, "RunInstances") {
		t.Fatalf("path then terms: exit %d:\n%s", code, out)
	}
	// A path alone: loaded, every event, with a hint.
	out, stderr, code := query(t, "", p)
	if code != exitFound || !strings.Contains(out, "RunInstances") || !strings.Contains(stderr, "no FILTER given") {
		t.Fatalf("path alone: exit %d, %q:\n%s", code, stderr, out)
	}
	// A word that does not parse on its own asks for quotes.
	_, stderr, code = query(t, "", p, "event:X", `ua:"aws`)
	if code != exitError || !strings.Contains(stderr, "quote the whole filter") {
		t.Errorf("unparsable word: exit %d, %q", code, stderr)
	}
	// A PATH after the filter is named as such; a missing one is "no such file".
	if _, stderr, code = query(t, "", "event:X", p); code != exitError || !strings.Contains(stderr, "PATHs go before") {
		t.Errorf("path after filter: exit %d, %q", code, stderr)
	}
	if _, stderr, code = query(t, "", "event:X", "./missing.json.gz"); code != exitError || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing path after the filter: exit %d, %q", code, stderr)
	}
	if _, stderr, code = query(t, "", "./missing.json.gz", "event:X"); code != exitError || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing path: exit %d, %q", code, stderr)
	}
}

func TestNegatedTermAsFlag(t *testing.T) {
	_, stderr, code := query(t, "", "--sample", "invictus", "-readonly:true")
	if code != exitError || !strings.Contains(stderr, "put -- before the filter") {
		t.Errorf("exit %d, %q", code, stderr)
	}
	out, _, code := query(t, "", "--sample", "invictus", "--", "-readonly:true", "event:CreateUser")
	if code != exitFound || strings.Count(out, "CreateUser") != 4 {
		t.Errorf("after --: exit %d:\n%s", code, out)
	}
}

func TestNothingReadIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := query(t, "", dir, "event:X"); code != exitError || !strings.Contains(stderr, "no CloudTrail files") {
		t.Errorf("empty folder: exit %d, %q", code, stderr)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := query(t, "", dir, "event:X"); code != exitError || !strings.Contains(stderr, "nothing could be read") {
		t.Errorf("only garbage: exit %d, %q", code, stderr)
	}
	if _, stderr, code := query(t, "garbage\n", "event:X"); code != exitError || !strings.Contains(stderr, "nothing could be read") {
		t.Errorf("garbage on stdin: exit %d, %q", code, stderr)
	}
}

func TestMistypedCommandAndVersion(t *testing.T) {
	if _, stderr, code := runRoot(t, "", "quary"); code != exitError || !strings.Contains(stderr, "did you mean query?") {
		t.Errorf("quary: exit %d, %q", code, stderr)
	}
	out, _, code := runRoot(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "trailscope version ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

func TestSavedFilterAndConfigSources(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	cfg := filepath.Join(dir, "config.toml")
	t.Setenv("TRAILSCOPE_CONFIG", cfg)
	state, err := settingsState()
	if err != nil {
		t.Fatal(err)
	}
	if err := state.Save("users", "event:CreateUser"); err != nil {
		t.Fatal(err)
	}
	out, _, code := query(t, "", "--sample", "invictus", "--saved", "users")
	if code != exitFound || strings.Count(out, "CreateUser") != 4 {
		t.Fatalf("--saved: exit %d:\n%s", code, out)
	}
	out, _, code = query(t, "", "--sample", "invictus", "--saved", "users", "error:any")
	if code != exitNothing {
		t.Fatalf("--saved with a term: exit %d:\n%s", code, out)
	}
	if _, stderr, code := query(t, "", "--sample", "invictus", "--saved", "nope"); code != exitError || !strings.Contains(stderr, "users") {
		t.Errorf("unknown saved filter: exit %d, %q", code, stderr)
	}

	// The config's sources stand in for PATHs.
	logs := filepath.Join(dir, "logs")
	os.Mkdir(logs, 0o700)
	os.WriteFile(filepath.Join(logs, "a.json"), []byte(aRecord("1", "TerminateInstances")), 0o600)
	os.WriteFile(cfg, []byte("sources = [\""+logs+"\"]\n"), 0o600)
	out, stderr, code := query(t, "", "event:TerminateInstances")
	if code != exitFound || !strings.Contains(out, "TerminateInstances") || !strings.Contains(stderr, "config's sources") {
		t.Fatalf("config sources: exit %d, %q:\n%s", code, stderr, out)
	}
	os.WriteFile(cfg, []byte("theme = \"neon\"\n"), 0o600)
	if _, stderr, code := query(t, "", "event:X"); code != exitError || !strings.Contains(stderr, "theme") {
		t.Errorf("bad config: exit %d, %q", code, stderr)
	}
}

func settingsState() (*settings.State, error) {
	_, s, err := userSettings()
	return s, err
}
