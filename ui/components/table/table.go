// Package table is the console's table: columns laid out to the terminal's width, a header, a
// cursor, and only the visible rows drawn. The timeline, principals and resources views draw
// through it; each column says how its cell is drawn, so rows never compare column titles.
package table

import (
	"strings"

	tea "charm.land/bubbletea/v2"

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
	// Cell is the text of row r's cell, w cells wide; the table sanitises and fits it.
	Cell func(r R, w int) string

	width int // once laid out
}

// Width is the column's width once laid out.
func (c Column[R]) Width() int { return c.width }

// Layout gives each column a width for a table w cells wide: optional columns are dropped from
// the end of the list until the minimums fit, then spare width goes by weight up to each maximum.
func Layout[R any](cols []Column[R], w int) []Column[R] {
	out := append([]Column[R](nil), cols...)
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
	// Mark, when set, draws a one-cell mark before each row (the timeline's ! and •); the rows then
	// start two cells in, else one.
	Mark func(r R) string
	// Style, when set, draws a row that is not selected.
	Style func(r R) func(...string) string
	List  common.List
}

// gutter is the cells before the first column.
func (m *Model[R]) gutter() int {
	if m.Mark != nil {
		return 2
	}
	return 1
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

// Rows draws the visible rows of n, h at most, keeping the cursor in view.
func (m *Model[R]) Rows(cols []Column[R], n, h int, row func(i int) R) []string {
	m.List.Clamp(n, h)
	out := make([]string, 0, min(h, n))
	for i := m.List.Offset; i < min(m.List.Offset+h, n); i++ {
		out = append(out, m.line(cols, row(i), i == m.List.Cursor))
	}
	return out
}

func (m *Model[R]) line(cols []Column[R], r R, selected bool) string {
	var b strings.Builder
	if m.Mark != nil {
		b.WriteString(m.Mark(r))
	}
	b.WriteString(" ")
	for _, c := range cols {
		b.WriteString(common.Cell(cloudtrail.Sanitize(c.Cell(r, c.width)), c.width, c.Right) + " ")
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

// Move applies a list key to n rows shown h at a time; it reports whether the key was one.
func (m *Model[R]) Move(msg tea.KeyPressMsg, n, h int) bool {
	return m.List.Move(msg, m.Keys.List, n, h)
}
