package common

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// Cell pads or cuts s to w cells.
func Cell(s string, w int, right bool) string {
	s = ansi.Truncate(s, w, "…")
	pad := w - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// JoinLR puts left and right on one line of width w, right-aligned.
func JoinLR(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		left = ansi.Truncate(left, max(w-rw-1, 0), "…")
		lw = ansi.StringWidth(left)
	}
	if lw+rw+1 > w {
		return ansi.Truncate(left, w, "…")
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// WrapWords breaks text into lines of at most width columns, at spaces only (identifiers such as
// svc-monitoring or ARNs stay whole); a word longer than a line gets a line of its own.
func WrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	return append(lines, line)
}

// KeyHelp renders a binding as "key description".
func KeyHelp(b key.Binding) string {
	h := b.Help()
	return h.Key + " " + h.Desc
}

// Lines splits a view's text into its lines; "" has none.
func Lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// ShortTime is the layout of a time in a column w cells wide.
func ShortTime(w int) string {
	if w >= 16 {
		return "2006-01-02 15:04"
	}
	return "01-02 15:04"
}

// RowMark is a mark drawn before a row of the timeline, and what it means (the help lists them).
type RowMark struct {
	Mark, Meaning string
}

// The timeline's row marks.
var (
	MarkCursor    = RowMark{">", "the selected row (also without colour)"}
	MarkMarked    = RowMark{"*", "marked with space (:marked lists them, :report writes them)"}
	MarkUntrusted = RowMark{"≠", "from a log file that does not match its digest, or that no digest lists (:integrity)"}
	MarkError     = RowMark{"!", "the call failed (an error code)"}
	MarkWrite     = RowMark{"•", "a write: the call changed something"}
)

// RowMarks are every mark a row can carry, in the order the help lists them.
var RowMarks = []RowMark{MarkCursor, MarkMarked, MarkUntrusted, MarkError, MarkWrite}
