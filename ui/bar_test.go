package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The bar edits through bubbles' textinput: word moves, ctrl+k, paste on one line; completion and
// history stay the bar's.
func TestBarEditsWithTextinput(t *testing.T) {
	a := newTestApp(testIndex(100), 80, 24)
	press(a, "/")
	typeText(a, "event:RunInstances user1")
	a.Update(tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModAlt})
	if got := a.bar.Position(); got != len("event:RunInstances ") {
		t.Fatalf("alt+left: cursor at %d", got)
	}
	a.Update(tea.KeyPressMsg{Code: 'k', Mod: tea.ModCtrl})
	if got := a.bar.Value(); got != "event:RunInstances " {
		t.Fatalf("ctrl+k: %q", got)
	}
	_, cmd := a.Update(tea.PasteMsg{Content: "error:\nany\x1b[2J"})
	drive(a, cmd)
	if got := a.bar.Value(); strings.ContainsAny(got, "\n\x1b") || !strings.HasPrefix(got, "event:RunInstances error: any") {
		t.Fatalf("paste: %q", got)
	}
	press(a, "ctrl+u")
	typeText(a, "regio")
	mustContain(t, screen(a), "region:") // completion still offered
	press(a, "tab")
	if got := a.bar.Value(); got != "region:" {
		t.Fatalf("tab: %q", got)
	}
	// A bad term is underlined where it is.
	press(a, "ctrl+u")
	typeText(a, "event:X since:soon")
	drive(a, a.runQuery(a.bar.Value()))
	if e := a.bar.Err(); e == nil || e.Start != len("event:X ") {
		t.Fatalf("error %+v", e)
	}
	if v := a.bar.View(); !strings.Contains(v, ";4m") || !strings.Contains(ansi.Strip(v), "event:X since:soon") {
		t.Fatalf("no underline: %q", v)
	}
}
