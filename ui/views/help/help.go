// Package help is the help overlay: every key binding, generated from the keymap, the ':' commands
// from their table, the row marks, the mouse and the filter language from the model's qualifiers,
// wrapped to the width and scrolled in a bubbles viewport.
package help

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
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
	vp viewport.Model
}

// New returns the help overlay.
func New(c common.Common) *Model {
	m := &Model{Common: c, vp: viewport.New()}
	l := c.Keys.List
	m.vp.KeyMap = viewport.KeyMap{Up: l.Up, Down: l.Down, PageUp: l.PageUp, PageDown: l.PageDown}
	m.vp.MouseWheelEnabled = true
	return m
}

// Reset scrolls back to the top, for the next time it opens.
func (m *Model) Reset() { m.vp.GotoTop() }

// SetSize sets the overlay's size; the text is wrapped again to the width.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.vp.SetWidth(w)
	m.vp.SetHeight(h)
	m.vp.SetContentLines(m.lines())
}

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{l.Up, l.Down, l.PageDown, l.Top, g.Back}
}

// FullHelp is the keys of the overlay.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}}
}

// Update scrolls with the list keys and the wheel.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		l := m.Keys.List
		switch {
		case key.Matches(msg, l.Top):
			m.vp.GotoTop()
			return nil
		case key.Matches(msg, l.Bottom):
			m.vp.GotoBottom()
			return nil
		}
	case tea.MouseWheelMsg:
	default:
		return nil
	}
	m.vp, _ = m.vp.Update(msg)
	return nil
}

// View draws the lines in view; the content is drawn again, for the styles may have changed.
func (m *Model) View() string {
	off := m.vp.YOffset()
	m.vp.SetContentLines(m.lines())
	m.vp.SetYOffset(off)
	return m.vp.View()
}

// Lines returns every line of the help, wrapped to the width (for tests and for the viewport).
func (m *Model) Lines() []string { return m.lines() }

// section is a titled block of entries: a key (or a command, a mark) and what it does.
type section struct {
	title   string
	entries [][2]string
}

func (m *Model) sections() []section {
	var out []section
	for _, g := range m.Keys.HelpGroups() {
		s := section{title: g.Title}
		for _, b := range g.Bindings {
			h := b.Help()
			s.entries = append(s.entries, [2]string{h.Key, h.Desc})
		}
		out = append(out, s)
	}
	cmds := section{title: "Commands (type : then the name; tab completes)"}
	for _, c := range keymap.Commands {
		name := ":" + c.Name
		if c.Args != "" {
			name += " " + c.Args
		}
		desc := c.Help
		if len(c.Aliases) > 0 {
			desc += " (also :" + strings.Join(c.Aliases, " :") + ")"
		}
		cmds.entries = append(cmds.entries, [2]string{name, desc})
	}
	marks := section{title: "Row marks"}
	for _, rm := range common.RowMarks {
		marks.entries = append(marks.entries, [2]string{rm.Mark, rm.Meaning})
	}
	mouse := section{title: "Mouse", entries: [][2]string{
		{"wheel", "scroll the list, the detail or this help"},
		{"click", "select a row"},
		{"double click", "open the row"},
		{"--no-mouse", "leave the mouse to the terminal, to select text (config: mouse = false)"},
	}}
	return append(out, cmds, marks, mouse)
}

// lines draws the sections, two side by side when the width allows, each entry's text wrapped,
// then the filter language.
func (m *Model) lines() []string {
	st := m.Styles
	width := max(m.Width-1, 20)
	cols := 1
	if width >= 100 {
		cols = 2
	}
	colW := (width - (cols - 1)) / cols
	var blocks [][]string
	for _, s := range m.sections() {
		blocks = append(blocks, m.block(s, colW))
	}
	var out []string
	for i := 0; i < len(blocks); i += cols {
		row := blocks[i:min(i+cols, len(blocks))]
		n := 0
		for _, b := range row {
			n = max(n, len(b))
		}
		for j := range n {
			line := ""
			for k, b := range row {
				cell := ""
				if j < len(b) {
					cell = b[j]
				}
				if k < len(row)-1 {
					cell = common.Cell(cell, colW, false) + " "
				}
				line += cell
			}
			out = append(out, " "+line)
		}
	}
	out = append(out, " "+st.HelpTitle.Render("Filter language"))
	for _, l := range common.WrapWords("terms are ANDed · -term negates · commas OR · \"quotes\" for spaces · bare words match principal, event, resource and IP", width-1) {
		out = append(out, " "+st.Dim.Render(l))
	}
	var qs []string
	for _, q := range filter.Qualifiers {
		qs = append(qs, q.Example)
	}
	for _, l := range common.WrapWords(strings.Join(qs, "  "), width-1) {
		out = append(out, " "+st.Dim.Render(l))
	}
	return append(out, "", " "+st.Dim.Render("? or esc closes this help"))
}

// block draws a section in a column w cells wide: the keys in a column of their own, the text
// wrapped beside them.
func (m *Model) block(s section, w int) []string {
	st := m.Styles
	kw := 0
	for _, e := range s.entries {
		kw = max(kw, ansi.StringWidth(e[0]))
	}
	kw = min(kw, max(w/3, 8))
	out := []string{st.HelpTitle.Render(ansi.Truncate(s.title, w, "…"))}
	for _, e := range s.entries {
		k := e[0]
		descW := max(w-kw-2, 10)
		var desc []string
		if ansi.StringWidth(k) > kw {
			// A long key gets its own line; its text goes under it.
			out = append(out, st.Key.Render(ansi.Truncate(k, w, "…")))
			desc = common.WrapWords(e[1], descW)
			for _, d := range desc {
				out = append(out, strings.Repeat(" ", kw+2)+st.KeyDesc.Render(d))
			}
			continue
		}
		for i, d := range common.WrapWords(e[1], descW) {
			lead := strings.Repeat(" ", kw+2)
			if i == 0 {
				lead = st.Key.Render(common.Cell(k, kw, false)) + "  "
			}
			out = append(out, lead+st.KeyDesc.Render(d))
		}
	}
	return append(out, "")
}
