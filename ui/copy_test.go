package ui

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// clipboard runs cmd and returns what it puts on the clipboard (OSC 52), "" when nothing; the
// other messages are fed back to the app.
func clipboard(a *App, cmd tea.Cmd) string {
	if cmd == nil {
		return ""
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		got := ""
		for _, c := range m {
			got += clipboard(a, c)
		}
		return got
	case nil:
		return ""
	default:
		if t := reflect.TypeOf(m); t.Name() == "setClipboardMsg" {
			return reflect.ValueOf(m).String()
		}
		_, next := a.Update(m)
		drive(a, next)
	}
	return ""
}

func pressFor(a *App, k string) tea.Cmd {
	_, cmd := a.Update(keyMsg(k))
	return cmd
}

func TestCopyValueAndRecord(t *testing.T) {
	a := newTestApp(testIndex(50), 80, 24)
	press(a, "enter")
	ref, _ := a.detail.Ref()
	rec := a.state.Index.Record(ref)

	if got := clipboard(a, pressFor(a, "y")); got != "" {
		t.Fatalf("y on the title copied %q", got)
	}
	mustContain(t, screen(a), "no value on this line")
	a.detail.SeekLabel("who")
	if got := clipboard(a, pressFor(a, "y")); got != rec.Identity.Principal {
		t.Fatalf("y on who copied %q, want %q", got, rec.Identity.Principal)
	}
	mustContain(t, screen(a), "copied the value")

	whole := clipboard(a, pressFor(a, "Y"))
	var v map[string]any
	if err := json.Unmarshal([]byte(whole), &v); err != nil || v["eventID"] != rec.EventID {
		t.Fatalf("Y copied %q (%v)", whole, err)
	}
	if strings.Contains(whole, "\x1b") {
		t.Fatal("the copied record carries an escape")
	}

	// A JSON object of the record copies as JSON: requestParameters, under the summary.
	press(a, "G")
	for i := 0; i < 200 && !strings.Contains(lineAtCursor(a), "requestParameters"); i++ {
		press(a, "k")
	}
	if !strings.Contains(lineAtCursor(a), "requestParameters") {
		t.Fatalf("no requestParameters line:\n%s", screen(a))
	}
	obj := clipboard(a, pressFor(a, "y"))
	var params map[string]any
	if err := json.Unmarshal([]byte(obj), &params); err != nil || params["instanceId"] != "i-0abc" {
		t.Fatalf("y on requestParameters copied %q (%v)", obj, err)
	}
}

// lineAtCursor is the screen's line that starts with the cursor's >.
func lineAtCursor(a *App) string {
	for _, l := range strings.Split(screen(a), "\n") {
		if strings.HasPrefix(l, ">") {
			return l
		}
	}
	return ""
}

// A served session runs nothing on the server's terminal: no pager.
func TestNoPagerInASharedSession(t *testing.T) {
	a := newApp(Options{Index: testIndex(20), Shared: true})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(a, a.runQuery(""))
	press(a, "enter", "o")
	mustContain(t, screen(a), "no pager in a shared session")
}
