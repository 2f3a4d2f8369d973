package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// habitsBinary is the trailscope binary, or skips the test without tmux.
func habitsBinary(t *testing.T) string {
	t.Helper()
	needTmux(t)
	return binary(t)
}

// console starts the built-in sample's console in tmux at w x h with env (a HOME of its own, a
// config file and a state folder of its own come first), and kills it at the end.
func console(t *testing.T, bin, home string, w, h int, env ...string) *term {
	t.Helper()
	session := sessionName(t)
	tmux("kill-session", "-t", session).Run()
	base := []string{"HOME=" + home, "TRAILSCOPE_CONFIG=" + filepath.Join(home, "config.toml"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"), "TERM=xterm-256color"}
	cmd := fmt.Sprintf("env %s %s", strings.Join(append(base, env...), " "), bin)
	if out, err := newSession(t, session, w, h, cmd).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { tmux("kill-session", "-t", session).Run() })
	return &term{t: t, session: session}
}

// fits fails when a line of the screen is wider than w.
func fits(t *testing.T, s string, w int) {
	t.Helper()
	for i, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if n := len([]rune(l)); n > w {
			t.Fatalf("line %d is %d wide, the terminal %d: %q", i, n, w, l)
		}
	}
}

func TestConsoleAt60x20(t *testing.T) {
	bin, home := habitsBinary(t), t.TempDir()
	tm := console(t, bin, home, 60, 20)
	tm.waitFor("TIME", "EVENT")
	waitLoaded(tm)
	tm.send("k") // the sample's banner gives way to the status line
	s := tm.waitFor("hidden: source ip, error, region, time axis", "? help")
	fits(t, s, 60)
	if strings.Contains(s, "too small") {
		t.Fatalf("60x20 is refused:\n%s", s)
	}
	tm.send("?")
	tm.waitFor("Views", "Lists")
	tm.waitUntil("no row marks in the help", func(s string) bool { // it scrolls, a page at a time
		if strings.Contains(s, "Row marks") {
			return true
		}
		tm.send("PageDown")
		return false
	})
	fits(t, tm.screen(), 60)
	tm.send("G")
	s = tm.waitFor("? or esc closes this help")
	fits(t, s, 60)
	tm.send("Escape") // the next key only once it has taken effect: else it reads as alt+key
	tm.waitGone("? or esc closes this help")
	tm.send("Enter")
	s = tm.waitFor("credential chain")
	fits(t, s, 60)
	if out, err := tmux("resize-window", "-t", tm.session, "-x", "50", "-y", "15").CombinedOutput(); err != nil {
		t.Fatalf("tmux resize-window: %v: %s", err, out)
	}
	tm.waitFor("terminal too small: 50x15", "at least 60x20")
	tm.send("q")
}

// Under TERM=dumb and NO_COLOR the selected row still shows: a > before it.
func TestSelectionWithoutColour(t *testing.T) {
	bin, home := habitsBinary(t), t.TempDir()
	tm := console(t, bin, home, 80, 24, "TERM=dumb", "NO_COLOR=1")
	tm.waitFor("TIME", "EVENT")
	waitLoaded(tm)
	tm.send("j", "j")
	tm.waitUntil("no > on the third row", func(s string) bool {
		lines := strings.Split(s, "\n")
		return len(lines) > 8 && strings.HasPrefix(lines[8], ">")
	})
	tm.send("q")
}

// What a run keeps: the filter history, saved filters, marks; the config's zone; t; :report; the
// pager.
func TestConsoleKeepsWhatItShould(t *testing.T) {
	bin, home := habitsBinary(t), t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("time_zone = \"Asia/Tokyo\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pager := filepath.Join(home, "pager.sh")
	if err := os.WriteFile(pager, []byte("#!/bin/sh\ncp \"$1\" \"$HOME/paged.json\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tm := console(t, bin, home, 80, 24, "PAGER="+pager)
	tm.waitFor("TIME", "Asia/Tokyo JST")
	waitLoaded(tm)
	tm.filter("event:ConsoleLogin")
	tm.send("Space")
	tm.waitFor("marked · 1 marked")
	tm.send(":")
	tm.typeText("save logins")
	tm.send("Enter")
	tm.waitFor("saved as logins")
	tm.send("t")
	tm.waitFor("relative to the newest event", " ago")
	tm.send("Enter")
	tm.waitFor("credential chain")
	tm.send("o") // the pager copies the record and quits: the console comes back
	tm.waitFor("credential chain")
	if !poll(t, func() bool {
		b, err := os.ReadFile(filepath.Join(home, "paged.json"))
		return err == nil && strings.Contains(string(b), `"eventName": "ConsoleLogin"`)
	}) {
		t.Fatalf("the pager was not given the record:\n%s", tm.screen())
	}
	tm.send("Escape")
	tm.waitGone("credential chain")
	tm.send(":")
	tm.typeText("report ~/case.md")
	tm.send("Enter")
	tm.waitFor("wrote the report of 1 marked event")
	if b, err := os.ReadFile(filepath.Join(home, "case.md")); err != nil || !strings.Contains(string(b), "ConsoleLogin") {
		t.Fatalf("~/case.md: %v\n%s", err, b)
	}
	tm.send(":")
	tm.typeText("report ~/case.md")
	tm.send("Enter")
	tm.waitFor("file exists: overwrite it with the report? y/n")
	tm.send("n")
	tm.waitFor("not written")
	tm.send("q")

	// A second run: the history, the saved filter and the mark are there.
	tm = console(t, bin, home, 80, 24)
	tm.waitFor("TIME")
	waitLoaded(tm)
	tm.send("/", "Up")
	tm.waitFor("/ event:ConsoleLogin")
	tm.send("Escape")
	tm.waitFor("/ filter:")
	tm.send(":")
	tm.typeText("marked")
	tm.send("Enter")
	tm.waitFor("/ id:", "1 of ")
	tm.send(":")
	tm.typeText("load lo")
	tm.waitFor("load logins")
	tm.send("Enter")
	tm.waitFor("/ event:ConsoleLogin", "loaded logins")
	tm.send("q")
}
