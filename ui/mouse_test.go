package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/ui/settings"
)

// The selected row carries a ">" in plain text: it shows under TERM=dumb and NO_COLOR, where
// reverse video may not.
func TestSelectionShowsWithoutColour(t *testing.T) {
	a := newTestApp(testIndex(300), 80, 24)
	for _, keys := range [][]string{nil, {"j", "j"}, {"2", "j"}, {"3"}, {"1", "enter"}} {
		press(a, keys...)
		n, at := 0, -1
		for i, l := range strings.Split(screen(a), "\n")[bodyTop:] {
			if strings.HasPrefix(l, ">") {
				n, at = n+1, i
			}
		}
		if n != 1 {
			t.Fatalf("after %v: %d lines start with >:\n%s", keys, n, screen(a))
		}
		if keys != nil && keys[0] == "j" && at != 2+1+2 { // the histogram, the header, two rows down
			t.Fatalf("after j j the > is on body line %d", at)
		}
	}
}

func click(a *App, x, y int) {
	_, cmd := a.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	drive(a, cmd)
}

func TestClickSelectsDoubleClickOpens(t *testing.T) {
	a := newTestApp(testIndex(300), 80, 24)
	clock := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return clock }
	row := bodyTop + 2 + 1 + 4 // the fifth event row: under the histogram and the header
	click(a, 20, row)
	if a.timeline.Cursor() != 4 || a.detail.IsOpen() {
		t.Fatalf("a click: cursor %d, detail %v", a.timeline.Cursor(), a.detail.IsOpen())
	}
	clock = clock.Add(2 * time.Second)
	click(a, 20, row) // too late to be a double click
	if a.detail.IsOpen() {
		t.Fatal("two slow clicks opened the row")
	}
	clock = clock.Add(100 * time.Millisecond)
	click(a, 20, row)
	want, _ := a.timeline.Selected()
	if got, ok := a.detail.Ref(); !ok || got != want {
		t.Fatalf("a double click did not open the row: %v %v", got, ok)
	}
	click(a, 5, 0) // the title: nothing
	press(a, "esc", "2")
	click(a, 10, bodyTop+1+2)
	if a.view("principals").Cursor() != 2 {
		t.Fatalf("a click in principals: cursor %d", a.view("principals").Cursor())
	}
}

func TestMouseCaptureCanBeTurnedOff(t *testing.T) {
	idx := testIndex(10)
	if m := newTestApp(idx, 80, 24).View().MouseMode; m != tea.MouseModeCellMotion {
		t.Fatalf("default mouse mode %v", m)
	}
	a := newApp(Options{Index: idx, NoMouse: true})
	if m := a.View().MouseMode; m != tea.MouseModeNone {
		t.Fatalf("--no-mouse: mouse mode %v", m)
	}
	off := false
	b := newKeptApp(idx, t.TempDir(), settings.Config{Mouse: &off})
	if m := b.View().MouseMode; m != tea.MouseModeNone {
		t.Fatalf("mouse = false: mouse mode %v", m)
	}
}
