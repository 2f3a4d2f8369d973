// Package table is the console's table: columns laid out to the terminal's width, a header, a
// cursor, and only the visible rows drawn. The timeline, principals and resources views draw
// through it; each column says how its cell is drawn, so rows never compare column titles.
package table

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/ui/common"
)

// Column is one column of a table of rows of type R.
type Column[R any] struct {
	Title    string
	Min, Max int
	Weight   int  // share of the spare width
	Optional bool // dropped, from the end of the list, when the width does not allow it
	Right    bool // right-aligned (numbers)
	// Fit, when set, fits a cell too long for the column, sanitised, into its width: report.CutMiddle
	// keeps the tail of an ARN or an S3 key, report.CutPrincipal a principal's role and session. Other
	// cells are cut at the end.
	Fit func(text string, width int) string
	// Cell is the text of row r's cell, w cells wide; the table sanitises and fits it.
	Cell func(r R, w int) string
	// Full, when set, is the whole text of the cell (every resource, not the first three), shown when
	// the row's whole cells are asked for; else Cell's text is.
	Full func(r R) string

	width int // once laid out
	pos   int // its place in the list it was laid out from
}

// Width is the column's width once laid out.
func (c Column[R]) Width() int { return c.width }

// Layout gives each column a width for a table w cells wide: optional columns are dropped from
// the end of the list until the minimums fit, then spare width goes by weight up to each maximum.
func Layout[R any](cols []Column[R], w int) []Column[R] {
	out := append([]Column[R](nil), cols...)
	for i := range out {
		out[i].pos = i
	}
	need := func(cs []Column[R]) int {
		n := 0
		for _, c := range cs {
			n += c.Min + 1
		}
		return n
	}
	for need(out) > w {
		dropped := false
		for i := len(out) - 1; i >= 0; i-- {
			if out[i].Optional {
				out = append(out[:i], out[i+1:]...)
				dropped = true
				break
			}
		}
		if !dropped {
			break
		}
	}
	spare := w - need(out)
	for i := range out {
		out[i].width = out[i].Min
	}
	for spare > 0 {
		total := 0
		for _, c := range out {
			if c.width < c.Max {
				total += c.Weight
			}
		}
		if total == 0 {
			break
		}
		given := 0
		for i := range out {
			c := &out[i]
			if c.width >= c.Max || c.Weight == 0 {
				continue
			}
			add := max(spare*c.Weight/total, 1)
			add = min(add, c.Max-c.width, spare-given)
			c.width += add
			given += add
			if given >= spare {
				break
			}
		}
		if given == 0 {
			break
		}
		spare -= given
	}
	return out
}

// Model is a table over rows of type R that it reads one at a time (Row), so that a million rows
// cost only the visible ones.
type Model[R any] struct {
	common.Common
	Columns []Column[R]
	// Mark, when set, draws MarkWidth cells of marks before each row (the timeline's ! and •).
	Mark      func(r R) string
	MarkWidth int
	// Style, when set, draws a row that is not selected.
	Style func(r R) func(...string) string
	List  common.List
	// Whole shows, under the cursor's row, the whole text of each of its cells that the columns cut.
	Whole bool
}

// gutter is the cells before the first column: the cursor's ">" (the selection shows without
// colour, under TERM=dumb or NO_COLOR), the marks, a space.
func (m *Model[R]) gutter() int {
	if m.Mark != nil {
		return 2 + m.MarkWidth
	}
	return 2
}

// Gutter is the cells before the first column (where a click lands on no column).
func (m *Model[R]) Gutter() int { return m.gutter() }

// Hidden names the columns the width leaves out, lower case, in the order of the columns.
func (m *Model[R]) Hidden() []string {
	shown := make([]bool, len(m.Columns))
	for _, c := range m.Laid() {
		shown[c.pos] = true
	}
	var out []string
	for i, c := range m.Columns {
		if !shown[i] {
			out = append(out, strings.ToLower(c.Title))
		}
	}
	return out
}

// Laid returns the columns laid out for the table's width.
func (m *Model[R]) Laid() []Column[R] { return Layout(m.Columns, m.Width-m.gutter()) }

// Header draws the column titles, naming the sort order on the right when sortedBy is set.
func (m *Model[R]) Header(cols []Column[R], sortedBy string) string {
	st := m.Styles
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", m.gutter()))
	for _, c := range cols {
		b.WriteString(common.Cell(c.Title, c.width, c.Right) + " ")
	}
	h := strings.TrimRight(b.String(), " ")
	if sortedBy == "" {
		return st.Header.Render(h)
	}
	if by := "  by " + sortedBy; len([]rune(h))+len(by) <= m.Width {
		return st.Header.Render(h) + st.Dim.Render(by)
	}
	return st.Header.Render(h)
}

// Rows draws the visible rows of n, h lines at most, keeping the cursor in view (and, with Whole, the
// whole cells under it).
func (m *Model[R]) Rows(cols []Column[R], n, h int, row func(i int) R) []string {
	var whole []string
	if m.Whole && n > 0 {
		m.List.Clamp(n, h)
		whole = m.wholeCells(cols, row(m.List.Cursor))
		whole = whole[:min(len(whole), max(h-1, 0))]
		h -= len(whole)
	}
	m.List.Clamp(n, h)
	out := make([]string, 0, min(h, n)+len(whole))
	for i := m.List.Offset; i < min(m.List.Offset+h, n); i++ {
		out = append(out, m.line(cols, row(i), i == m.List.Cursor))
		if i == m.List.Cursor {
			out = append(out, whole...)
		}
	}
	return out
}

// wholeCells are the lines that show the whole text of the cells of r that their columns cut.
func (m *Model[R]) wholeCells(cols []Column[R], r R) []string {
	var out []string
	indent := m.gutter() + 2
	for _, c := range cols {
		text := c.Cell(r, 1<<16)
		if c.Full != nil {
			text = c.Full(r)
		}
		text = cloudtrail.Sanitize(text)
		if ansi.StringWidth(text) <= c.width && c.Full == nil || text == "" {
			continue
		}
		label := strings.ToLower(c.Title) + ": "
		wrapped := ansi.Hardwrap(label+text, max(m.Width-indent, 10), true)
		for _, l := range strings.Split(wrapped, "\n") {
			out = append(out, m.Styles.Dim.Render(strings.Repeat(" ", indent)+l))
		}
	}
	if len(out) == 0 {
		out = append(out, m.Styles.Dim.Render(strings.Repeat(" ", indent)+"every cell of this row is whole"))
	}
	return out
}

func (m *Model[R]) line(cols []Column[R], r R, selected bool) string {
	var b strings.Builder
	if selected {
		b.WriteString(">")
	} else {
		b.WriteString(" ")
	}
	if m.Mark != nil {
		b.WriteString(common.Cell(m.Mark(r), m.MarkWidth, false))
	}
	b.WriteString(" ")
	for _, c := range cols {
		text := cloudtrail.Sanitize(c.Cell(r, c.width))
		if c.Fit != nil {
			text = c.Fit(text, c.width)
		}
		b.WriteString(common.Cell(text, c.width, c.Right) + " ")
	}
	line := strings.TrimRight(b.String(), " ")
	switch {
	case selected:
		return m.Styles.Selected.Render(common.Cell(line, m.Width, false))
	case m.Style != nil:
		if style := m.Style(r); style != nil {
			return style(line)
		}
	}
	return line
}

// Move applies a list key to n rows shown h at a time, or toggles the whole cells of the row; it
// reports whether the key was one.
func (m *Model[R]) Move(msg tea.KeyPressMsg, n, h int) bool {
	if key.Matches(msg, m.Keys.List.Whole) {
		m.Whole = !m.Whole
		return true
	}
	return m.List.Move(msg, m.Keys.List, n, h)
}

// Click puts the cursor on the row drawn on line y of the rows (0: the first row below the
// header), of n rows shown h at a time; it reports whether a row is there.
func (m *Model[R]) Click(y, n, h int) bool {
	if y < 0 || y >= h || m.List.Offset+y >= n {
		return false
	}
	m.List.Cursor = m.List.Offset + y
	return true
}
