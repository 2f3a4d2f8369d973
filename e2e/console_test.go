// Package e2e runs the built trailscope binary in tmux on real CloudTrail data, types as a person
// would and reads the screen.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// data is the invictus attack dataset, next to the repository (../shared/data from its root).
const data = "../../shared/data/invictus_aws_dataset"

type term struct {
	t       *testing.T
	session string
}

func (tm *term) send(keys ...string) {
	tm.t.Helper()
	args := append([]string{"send-keys", "-t", tm.session}, keys...)
	if out, err := tmux(args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
}

// typeText types literally.
func (tm *term) typeText(s string) {
	tm.t.Helper()
	if out, err := tmux("send-keys", "-t", tm.session, "-l", s).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
}

// filter types a filter into the timeline's bar and waits until its result is on screen, and returns
// the screen. The filter line shows the text as soon as it is typed, and the rows of the result before
// may hold what the filter asks for: the breadcrumb names the filter only once its result has landed.
func (tm *term) filter(text string) string {
	tm.t.Helper()
	tm.send("/")
	tm.typeText(text)
	tm.send("Enter")
	return tm.waitFor("/ "+text, "timeline "+text[:min(len(text), 20)])
}

// pivotOnWho pivots from an open detail on its principal, and waits for the principal's events: the
// "who" line is the cursor's fifth (title, what, why, when, who).
func (tm *term) pivotOnWho() {
	tm.t.Helper()
	tm.send("j", "j", "j", "j", "p")
	tm.waitFor("/ principal:", "pivot")
}

func (tm *term) screen() string {
	out, err := tmux("capture-pane", "-t", tm.session, "-p").Output()
	if err != nil {
		tm.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen holds every one of subs, and returns it.
func (tm *term) waitFor(subs ...string) string {
	tm.t.Helper()
	return tm.waitUntil(fmt.Sprintf("the screen never showed %q", subs), func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	})
}

// waitGone waits until the screen holds none of subs, and returns it.
func (tm *term) waitGone(subs ...string) string {
	tm.t.Helper()
	return tm.waitUntil(fmt.Sprintf("the screen kept showing one of %q", subs), func(s string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return false
			}
		}
		return true
	})
}

// waitUntil waits until ok holds of the screen, and returns it; when it gives up (see patience) the
// test fails with why and the screen.
func (tm *term) waitUntil(why string, ok func(screen string) bool) string {
	tm.t.Helper()
	var s string
	if !poll(tm.t, func() bool { s = tm.screen(); return ok(s) }) {
		tm.t.Fatalf("%s:\n%s", why, s)
	}
	return s
}

// waitEnded waits until the console has quit, which ends its tmux session.
func (tm *term) waitEnded() {
	tm.t.Helper()
	if !poll(tm.t, func() bool { return tmux("has-session", "-t", tm.session).Run() != nil }) {
		tm.t.Fatalf("the console did not quit:\n%s", tm.screen())
	}
}

// poll calls ok until it holds, and reports whether it did before patience ran out.
func poll(t *testing.T, ok func() bool) bool {
	giveUp := patience(t)
	for !ok() {
		if time.Now().After(giveUp) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// tmuxSocket names the tmux server of these tests, one for each test process: other checkouts' tests
// and scripts on the same machine use tmux too, and may kill their sessions or their server at any
// time.
var tmuxSocket = fmt.Sprintf("trailscope-e2e-%d", os.Getpid())

// tmux is a command to the tests' own tmux server.
func tmux(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", tmuxSocket}, args...)...)
}

// newSession is the tmux command that starts cmd in a new session, w x h, in a folder of the test's
// own: what the console writes where it runs (an export) stays out of the checkout.
func newSession(t *testing.T, session string, w, h int, cmd string) *exec.Cmd {
	return tmux("new-session", "-d", "-s", session, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "-c", t.TempDir(), cmd)
}

// sessionName is the tmux session of a test.
func sessionName(t *testing.T) string {
	return "trailscope-e2e-" + strings.ReplaceAll(t.Name(), "/", "-")
}

// patience is when a wait gives up: shortly before the test binary's own deadline (go test
// -timeout), so that a loaded machine makes these tests slower, never failed, while a screen that
// never comes still fails the test with what was on it.
func patience(t *testing.T) time.Time {
	d, ok := t.Deadline()
	if !ok {
		return time.Now().Add(10 * time.Minute)
	}
	return d.Add(-min(time.Until(d)/10, 30*time.Second))
}

func TestConsoleInTmux(t *testing.T) {
	needTmux(t)
	abs, err := filepath.Abs(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("the shared data is not here (%s): the end-to-end test runs on it in CI", data)
	}
	bin := binary(t)
	session := sessionName(t)
	start := newSession(t, session, 80, 24, bin+" "+abs)
	start.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { tmux("kill-session", "-t", session).Run() })
	tm := &term{t: t, session: session}

	tm.waitFor("trailscope", "events", "TIME", "EVENT")

	// Who created the IAM user? A filter, then the detail of the event.
	tm.filter("event:CreateUser")
	tm.send("Enter")
	s := tm.waitFor("credential chain", "who", "related")
	if !strings.Contains(s, "user/") {
		t.Fatalf("the detail names no principal:\n%s", s)
	}

	tm.pivotOnWho()

	// Esc comes back to the detail.
	tm.send("Escape")
	tm.waitFor("credential chain", "/ event:CreateUser")

	// Principals with AccessDenied errors, at 80x24. (The next key goes only once the Esc has
	// taken effect: an Esc followed at once by a key reads as alt+key.)
	tm.send("Escape")
	tm.waitGone("credential chain")
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
