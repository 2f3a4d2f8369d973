package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/ui/common"
)

// Between 60x20 and 80x24 the console drops columns and the histogram's axis, and says so.
func TestSmallTerminalDropsColumnsAndSaysWhich(t *testing.T) {
	idx := testIndex(500)
	a := newTestApp(idx, 60, 20)
	s := screen(a)
	mustContain(t, s, "TIME", "EVENT", "PRINCIPAL", "RESOURCE", "hidden: source ip, error, region, time axis")
	if strings.Contains(s, "REGION") || strings.Contains(s, "SOURCE IP") {
		t.Fatalf("60 columns still show a dropped column:\n%s", s)
	}
	big := newTestApp(idx, 200, 50)
	if s := screen(big); strings.Contains(s, "hidden:") || !strings.Contains(s, "REGION") {
		t.Fatalf("200x50 hides something:\n%s", s)
	}
	press(a, "3")
	mustContain(t, screen(a), "KIND", "RESOURCE", "EVENTS", "hidden: last event")
}

// "? help" stays on the hint line whatever the width; what does not fit ends with an ellipsis.
func TestHintLineKeepsHelp(t *testing.T) {
	idx := testIndex(50)
	for _, w := range []int{60, 80, 200} {
		a := newTestApp(idx, w, 24)
		for _, keys := range [][]string{nil, {"enter"}, {"/"}, {"esc", "esc", "?"}} {
			press(a, keys...)
			lines := strings.Split(screen(a), "\n")
			hint := lines[len(lines)-1]
			if !strings.Contains(hint, "? help") && !strings.Contains(hint, "? close help") {
				t.Fatalf("w=%d after %v: no ? on the hint line %q", w, keys, hint)
			}
			if ansi.StringWidth(hint) > w {
				t.Fatalf("w=%d: hint line too wide: %q", w, hint)
			}
			if w == 60 && keys == nil && !strings.Contains(hint, "…") {
				t.Fatalf("w=60: the cut hint line has no ellipsis: %q", hint)
			}
		}
	}
}

// The help lists every key, every ':' command and every row mark, wraps to the width and scrolls.
func TestHelpListsEverythingAndWraps(t *testing.T) {
	for _, w := range []int{60, 80, 140} {
		a := newTestApp(testIndex(50), w, 20)
		press(a, "?")
		lines := a.help.Lines()
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("w=%d: help line of %d cells: %q", w, ansi.StringWidth(l), ansi.Strip(l))
			}
		}
		all := ansi.Strip(strings.Join(lines, "\n"))
		var want []string
		for _, g := range a.keys.HelpGroups() {
			for _, b := range g.Bindings {
				want = append(want, b.Help().Key)
			}
		}
		for _, c := range keymap.Commands {
			want = append(want, ":"+c.Name)
			for _, al := range c.Aliases {
				want = append(want, ":"+al)
			}
		}
		for _, m := range common.RowMarks {
			want = append(want, m.Mark+" ")
		}
		want = append(want, "ctrl+d", "ctrl+u", ":q", "double click", "--no-mouse", "since:2h")
		for _, s := range want {
			if !strings.Contains(all, s) {
				t.Fatalf("w=%d: help lacks %q:\n%s", w, s, all)
			}
		}
		// It scrolls: the last line comes into view at the bottom, and not before.
		last := ansi.Strip(lines[len(lines)-1])
		if strings.Contains(screen(a), last) {
			t.Fatalf("w=%d: the help fits the screen; the test needs it to scroll", w)
		}
		press(a, "G")
		if !strings.Contains(screen(a), last) {
			t.Fatalf("w=%d: G did not scroll to the end:\n%s", w, screen(a))
		}
	}
}
