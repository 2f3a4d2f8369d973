// Package coverage is the view of what the loaded records can and cannot show (model/coverage): the
// time each account and region covers and its gaps, data and Insights events, and the trails the records
// name with what each change turned on or off. It is computed off the UI loop when the view comes on
// screen, again when the index has grown.
package coverage

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	cov "github.com/trailscope/trailscope/model/coverage"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "coverage"

// Model is the coverage view.
type Model struct {
	common.Common
	list   common.List // the first line shown; the cursor is the top line
	report *cov.Report // nil until computed
	n      int         // events in the index when the report was computed; -1: none yet
	busy   bool
	lines  []string // the report's lines fitted to width (wrapped), kept until either changes
	width  int
}

// coverageMsg brings a coverage computed off the UI loop.
type coverageMsg struct {
	report cov.Report
	n      int
}

// New returns the coverage view.
func New(c common.Common) *Model { return &Model{Common: c, n: -1} }

// Name is the view's name.
func (m *Model) Name() string { return Name }

// IgnoresFilter says the view shows every loaded event, whatever the filter.
func (m *Model) IgnoresFilter() bool { return true }

// Cursor is the first line shown.
func (m *Model) Cursor() int { return m.list.Cursor }

// SetCursor scrolls to line i.
func (m *Model) SetCursor(i int) { m.list.Cursor = i }

// Shown computes the coverage, unless it is current or being computed.
func (m *Model) Shown() tea.Cmd {
	idx := m.State.Index
	if m.busy || m.n == idx.Len() {
		return nil
	}
	m.busy = true
	return func() tea.Msg {
		n := idx.Len()
		return coverageMsg{report: cov.Compute(idx, 0), n: n}
	}
}

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{l.Down, l.Up, l.PageDown, g.Filter, g.Timeline, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}}
}

// Update takes a computed coverage, the end of a load and the scrolling keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case coverageMsg:
		m.busy = false
		m.report, m.n, m.lines = &msg.report, msg.n, nil
		if m.State.Active == Name && m.n != m.State.Index.Len() {
			return m.Shown()
		}
	case common.LoadedMsg:
		if m.State.Active == Name {
			return m.Shown()
		}
	case tea.MouseWheelMsg:
		m.list.Wheel(msg, m.scrollable(), 1)
	case tea.KeyPressMsg:
		m.list.Move(msg, m.Keys.List, m.scrollable(), 1)
	}
	return nil
}

// scrollable is how many first lines there are to scroll through: the last page stays full.
func (m *Model) scrollable() int { return max(len(m.wrapped())-m.Height+2, 1) }

// wrapped is the report's lines fitted to the width (its table by report.CoverageLines): a long line
// goes on under its own indentation.
func (m *Model) wrapped() []string {
	if m.report == nil {
		return nil
	}
	w := max(m.Width-2, 20)
	if m.lines != nil && m.width == w {
		return m.lines
	}
	var out []string
	for _, l := range report.CoverageLines(*m.report, w) {
		if ansi.StringWidth(l) <= w {
			out = append(out, l)
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " ")) + 4
		for i, part := range strings.Split(ansi.Wrap(l, w, " "), "\n") {
			if i > 0 {
				part = strings.Repeat(" ", indent) + strings.TrimLeft(part, " ")
			}
			out = append(out, part)
		}
	}
	m.lines, m.width = out, w
	return out
}

// View draws the lines from the scroll position.
func (m *Model) View() string {
	st := m.Styles
	out := []string{st.Header.Render(common.Cell(" WHAT THE LOADED RECORDS COVER", m.Width, false))}
	if m.report == nil {
		return strings.Join(append(out, "", "  "+st.Dim.Render("working out the coverage…")), "\n")
	}
	m.list.Clamp(m.scrollable(), 1)
	lines := m.wrapped()
	for _, l := range lines[min(m.list.Cursor, len(lines)):] {
		if len(out) >= m.Height {
			break
		}
		if l != "" && !strings.HasPrefix(l, " ") {
			l = st.Crumb.Render(l)
		}
		out = append(out, " "+l)
	}
	return strings.Join(out, "\n")
}
