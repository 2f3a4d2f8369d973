// Package e2e runs the built trailscope binary in tmux on real CloudTrail data, types as a person
// would and reads the screen.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// data is the invictus attack dataset, next to the repository (../shared/data from its root).
const data = "../../shared/data/invictus_aws_dataset"

// sessionName is a tmux session of this test and this process: two runs of the suite at once (CI
// beside a developer's) must not kill each other's sessions.
func sessionName(t *testing.T) string {
	return fmt.Sprintf("trailscope-e2e-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), os.Getpid())
}

type term struct {
	t       *testing.T
	session string
}

func (tm *term) send(keys ...string) {
	tm.t.Helper()
	args := append([]string{"send-keys", "-t", tm.session}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
}

// typeText types literally.
func (tm *term) typeText(s string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", "send-keys", "-t", tm.session, "-l", s).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
}

func (tm *term) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-t", tm.session, "-p").Output()
	if err != nil {
		tm.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen holds every one of subs.
func (tm *term) waitFor(subs ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				ok = false
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q:\n%s", subs, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestConsoleInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the end-to-end test needs it (CI installs it)")
	}
	abs, err := filepath.Abs(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("the shared data is not here (%s): the end-to-end test runs on it in CI", data)
	}
	bin := filepath.Join(t.TempDir(), "trailscope")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	session := sessionName(t)
	exec.Command("tmux", "kill-session", "-t", session).Run()
	start := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", bin+" "+abs)
	start.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	tm := &term{t: t, session: session}

	tm.waitFor("trailscope", "events", "TIME", "EVENT")

	// Who created the IAM user? A filter, then the detail of the event.
	tm.send("/")
	tm.typeText("event:CreateUser")
	tm.send("Enter")
	tm.waitFor("/ event:CreateUser", "CreateUser")
	tm.send("Enter")
	s := tm.waitFor("credential chain", "who", "related")
	if !strings.Contains(s, "user/") {
		t.Fatalf("the detail names no principal:\n%s", s)
	}

	// Pivot on the principal: the "who" line is the cursor's fifth line (title, what, why, when, who).
	tm.send("j", "j", "j", "j", "p")
	tm.waitFor("/ principal:", "pivot")

	// Esc comes back to the detail.
	tm.send("Escape")
	time.Sleep(200 * time.Millisecond)
	tm.waitFor("credential chain", "/ event:CreateUser")

	// Principals with AccessDenied errors, at 80x24.
	tm.send("Escape")
	time.Sleep(200 * time.Millisecond) // an Esc followed at once by a key reads as alt+key
	tm.waitFor("TIME", "EVENT")
	tm.send("/")
	tm.send("C-u")
	tm.typeText("error:AccessDenied")
	tm.send("Enter", "2")
	s = tm.waitFor("PRINCIPAL", "principals", "/ error:AccessDenied")
	for i, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if len([]rune(l)) > 80 {
			t.Fatalf("line %d is wider than the terminal: %q", i, l)
		}
	}
	tm.send("q")
}
