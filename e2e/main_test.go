package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestMain keeps the tests' own tmux server up between tests: by default a tmux server exits when
// its last session ends, and a test's new session started at that moment fails ("server exited
// unexpectedly"). The server goes when the tests are done.
func TestMain(m *testing.M) {
	if _, err := exec.LookPath("tmux"); err == nil {
		tmux("start-server", ";", "set-option", "-g", "exit-empty", "off").Run()
	}
	code := m.Run()
	if _, err := exec.LookPath("tmux"); err == nil {
		tmux("kill-server").Run()
	}
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is the trailscope binary the tests run, built once for all of them.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// binary returns the path of the trailscope binary built from this checkout.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "trailscope-e2e-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "trailscope")
		build := exec.Command("go", "build", "-o", built.bin, ".")
		build.Dir = ".."
		if out, err := build.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// needTmux skips a test that drives the console when tmux is missing.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the end-to-end test needs it (CI installs it)")
	}
}

// awsEnv is the environment of a console that calls a local stand-in for AWS: a HOME and caches of
// its own, the test's credentials and region, nothing of the machine's AWS configuration, and the
// endpoints ("AWS_ENDPOINT_URL=...") given.
func awsEnv(home, accessKey, region string, endpoints ...string) string {
	return strings.Join(append([]string{
		"TERM=xterm-256color", "HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"AWS_ACCESS_KEY_ID=" + accessKey, "AWS_SECRET_ACCESS_KEY=e2e-secret", "AWS_SESSION_TOKEN=",
		"AWS_REGION=" + region, "AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_CA_BUNDLE=", "AWS_EC2_METADATA_DISABLED=true",
	}, endpoints...), " ")
}

// opener returns what starts cmd in the test's tmux session, w x h, anew each time it is called
// (a console that was quit is opened again); the session is killed at the end of the test.
func opener(t *testing.T, w, h int, cmd string) func() *term {
	session := sessionName(t)
	t.Cleanup(func() { tmux("kill-session", "-t", session).Run() })
	return func() *term {
		t.Helper()
		tmux("kill-session", "-t", session).Run()
		if out, err := newSession(t, session, w, h, cmd).CombinedOutput(); err != nil {
			t.Fatalf("tmux new-session: %v: %s", err, out)
		}
		return &term{t: t, session: session}
	}
}
