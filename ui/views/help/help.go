// Package help is the help overlay: every key binding, generated from the keymap, the ':' commands
// from their table, and the filter language from the model's qualifiers.
package help

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/ui/common"
)

// Name is the overlay's name, for the breadcrumbs.
const Name = "help"

// Model is the help overlay and its scroll.
type Model struct {
	common.Common
	off int
}

// New returns the help overlay.
func New(c common.Common) *Model { return &Model{Common: c} }

// Reset scrolls back to the top, for the next time it opens.
func (m *Model) Reset() { m.off = 0 }

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{l.Up, l.Down, l.PageDown, g.Back}
}

// FullHelp is the keys of the overlay.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}}
}

// Update scrolls with the list keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		l := common.List{Cursor: m.off, Offset: m.off}
		n := max(len(m.lines())-m.Height+1, 1)
		l.Move(msg, m.Keys.List, n, 1)
		m.off = l.Cursor
	}
	return nil
}

// View draws the lines from the scroll on.
func (m *Model) View() string {
	lines := m.lines()
	return strings.Join(lines[min(m.off, len(lines)):], "\n")
}

// lines draws every key binding, two groups side by side, and the filter language.
func (m *Model) lines() []string {
	st := m.Styles
	colW := max((m.Width-2)/2, 30)
	var cols [][]string
	entry := func(k, desc string) string {
		return st.Key.Render(common.Cell(k, 12, false)) + " " + st.KeyDesc.Render(desc)
	}
	for _, g := range m.Keys.HelpGroups() {
		col := []string{st.HelpTitle.Render(g.Title)}
		for _, b := range g.Bindings {
			h := b.Help()
			col = append(col, entry(h.Key, h.Desc))
		}
		cols = append(cols, append(col, ""))
	}
	col := []string{st.HelpTitle.Render("Commands (:)")}
	for _, c := range keymap.Commands {
		col = append(col, entry(":"+c.Name, c.Help))
	}
	cols = append(cols, append(col, ""))
	var out []string
	for i := 0; i < len(cols); i += 2 {
		left := cols[i]
		var right []string
		if i+1 < len(cols) {
			right = cols[i+1]
		}
		for j := 0; j < max(len(left), len(right)); j++ {
			l, r := "", ""
			if j < len(left) {
				l = left[j]
			}
			if j < len(right) {
				r = right[j]
			}
			out = append(out, " "+common.Cell(l, colW, false)+" "+r)
		}
	}
	out = append(out, " "+st.HelpTitle.Render("Filter language")+st.Dim.Render("  terms are ANDed · -term negates · commas OR · \"quotes\" for spaces"))
	var line strings.Builder
	line.WriteString(" ")
	for _, q := range filter.Qualifiers {
		item := q.Example + "  "
		if ansi.StringWidth(line.String())+len(item) > m.Width {
			out = append(out, st.Dim.Render(line.String()))
			line.Reset()
			line.WriteString(" ")
		}
		line.WriteString(item)
	}
	out = append(out, st.Dim.Render(line.String()), " "+st.Dim.Render("bare words match principal, event, resource and IP · ? or esc closes"))
	return out
}
