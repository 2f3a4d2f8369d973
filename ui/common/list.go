package common

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/keymap"
)

// List is the cursor and scroll of a list or table.
type List struct {
	Cursor, Offset int
}

// Clamp keeps the cursor in [0,n) and visible in a window of h rows.
func (l *List) Clamp(n, h int) {
	l.Cursor = min(max(l.Cursor, 0), max(n-1, 0))
	if h <= 0 {
		return
	}
	if l.Cursor < l.Offset {
		l.Offset = l.Cursor
	}
	if l.Cursor >= l.Offset+h {
		l.Offset = l.Cursor - h + 1
	}
	l.Offset = min(max(l.Offset, 0), max(n-h, 0))
}

// Move applies a list key to a list of n rows shown h at a time; it reports whether the key was one.
func (l *List) Move(msg tea.KeyPressMsg, k keymap.List, n, h int) bool {
	switch {
	case key.Matches(msg, k.Up):
		l.Cursor--
	case key.Matches(msg, k.Down):
		l.Cursor++
	case key.Matches(msg, k.PageUp):
		l.Cursor -= max(h-1, 1)
		l.Offset -= max(h-1, 1)
	case key.Matches(msg, k.PageDown):
		l.Cursor += max(h-1, 1)
		l.Offset += max(h-1, 1)
	case key.Matches(msg, k.Top):
		l.Cursor = 0
	case key.Matches(msg, k.Bottom):
		l.Cursor = n - 1
	default:
		return false
	}
	l.Offset = min(max(l.Offset, 0), max(n-h, 0))
	l.Clamp(n, h)
	return true
}

// Wheel moves the cursor by the mouse wheel: three rows a notch. It reports whether msg was a notch.
func (l *List) Wheel(msg tea.MouseWheelMsg, n, h int) bool {
	d := WheelDelta(msg)
	if d == 0 {
		return false
	}
	l.Cursor += d
	l.Clamp(n, h)
	return true
}

// WheelDelta is the rows a wheel notch moves: -3, 3, or 0 for another button.
func WheelDelta(msg tea.MouseWheelMsg) int {
	switch msg.Mouse().Button {
	case tea.MouseWheelUp:
		return -3
	case tea.MouseWheelDown:
		return 3
	}
	return 0
}
