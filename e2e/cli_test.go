package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCommandLineHabits runs the built binary as a shell would: a real pipe on stdin with no PATH,
// a mistyped command, --version, an empty folder and a negated term taken for a flag.
func TestCommandLineHabits(t *testing.T) {
	bin := binary(t)
	home := t.TempDir() // no config, no state of the user's
	run := func(stdin string, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_STATE_HOME="+home, "TRAILSCOPE_CONFIG=")
		if stdin != "" {
			cmd.Stdin = strings.NewReader(stdin) // exec gives the process a real pipe
		}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String(), code
	}
	rec := `{"eventVersion":"1.08","eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","awsRegion":"us-east-1","eventID":"e1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","userName":"alice"}}`

	out, stderr, code := run(rec+"\n", "query", "event:TerminateInstances", "principal:alice")
	if code != 0 || !strings.Contains(out, "TerminateInstances") || !strings.Contains(stderr, "reading events from stdin") {
		t.Errorf("piped stdin without -: exit %d, %q:\n%s", code, stderr, out)
	}
	if _, stderr, code := run("", "query", "event:TerminateInstances"); code != 0 || !strings.Contains(stderr, "built-in sample") {
		t.Errorf("no stdin, no PATH: the sample must be said: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run("", "quary"); code != 2 || !strings.Contains(stderr, "did you mean query?") {
		t.Errorf("quary: exit %d, %q", code, stderr)
	}
	if out, _, code := run("", "--version"); code != 0 || !strings.HasPrefix(out, "trailscope version") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if _, stderr, code := run("", "query", t.TempDir(), "event:X"); code != 2 || !strings.Contains(stderr, "no CloudTrail files") {
		t.Errorf("empty folder: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run("garbage\n", "query", "event:X"); code != 2 || !strings.Contains(stderr, "nothing could be read") {
		t.Errorf("garbage on stdin: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run("", "query", "--sample", "invictus", "-readonly:true"); code != 2 || !strings.Contains(stderr, "put -- before the filter") {
		t.Errorf("negated term as a flag: exit %d, %q", code, stderr)
	}
}
