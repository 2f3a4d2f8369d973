// Package problems is the view of what a load could not read: a file, or a record in it, and why.
package problems

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/ui/common"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "problems"

// Model is the problems view; the problems are the console's (State.Problems).
type Model struct {
	common.Common
	list common.List
}

// New returns the problems view.
func New(c common.Common) *Model { return &Model{Common: c} }

// Name is the view's name.
func (m *Model) Name() string { return Name }

// Cursor is the row the cursor is on.
func (m *Model) Cursor() int { return m.list.Cursor }

// SetCursor puts the cursor on row i.
func (m *Model) SetCursor(i int) { m.list.Cursor = i }

// Shown has nothing to start.
func (m *Model) Shown() tea.Cmd { return nil }

func (m *Model) rowsHeight() int { return m.Height - 1 }

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{g.Filter, l.Open, l.Sort, g.Timeline, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}}
}

// Update moves the cursor.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	n := len(m.State.Problems)
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		m.list.Wheel(msg, n, m.rowsHeight())
	case tea.KeyPressMsg:
		m.list.Move(msg, m.Keys.List, n, m.rowsHeight())
	}
	return nil
}

// View draws the visible problems.
func (m *Model) View() string {
	st := m.Styles
	problems := m.State.Problems
	out := []string{st.Header.Render(common.Cell(" FILE", m.Width/2, false) + " " + "REASON")}
	if len(problems) == 0 {
		out = append(out, "", "  "+st.Dim.Render("nothing went wrong: every file read was understood"))
		return strings.Join(out, "\n")
	}
	h := m.rowsHeight()
	m.list.Clamp(len(problems), h)
	for i := m.list.Offset; i < min(m.list.Offset+h, len(problems)); i++ {
		p := problems[i]
		file := p.File
		if p.Record > 0 {
			file = fmt.Sprintf("%s #%d", p.File, p.Record)
		}
		line := " " + common.Cell(cloudtrail.Sanitize(file), m.Width/2-1, false) + " " + cloudtrail.Sanitize(p.Reason)
		if i == m.list.Cursor {
			line = st.Selected.Render(common.Cell(line, m.Width, false))
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// IgnoresFilter says the view does not show the filter's result: the breadcrumb names no filter beside it.
func (m *Model) IgnoresFilter() bool { return true }
