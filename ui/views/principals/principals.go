// Package principals is the "who" view: one row per principal of the result, roles expanding into
// their sessions, sorted by a choice of counts; Enter shows a principal's events.
package principals

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/components/summaries"
	"github.com/trailscope/trailscope/ui/components/table"
	"github.com/trailscope/trailscope/ui/report"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "principals"

// row is one row of the view: a role or principal, or a session under a role.
type row struct {
	s       *index.PrincipalSummary
	session bool
	parent  string // the role a session belongs to
}

var sorts = []string{"events", "errors", "writes", "last seen", "name"}

// Model is the principals view.
type Model struct {
	common.Common
	sums     *summaries.Summaries
	table    table.Model[row]
	rows     []row
	expanded map[string]bool
	sort     int
}

// New returns the principals view over the shared summaries.
func New(c common.Common, sums *summaries.Summaries) *Model {
	m := &Model{Common: c, sums: sums, expanded: map[string]bool{}}
	m.table = table.Model[row]{Common: c, Style: m.rowStyle}
	count := func(f func(p *index.PrincipalSummary) int) func(row, int) string {
		return func(r row, _ int) string { return report.Commas(f(r.s)) }
	}
	m.table.Columns = []table.Column[row]{
		{Title: "PRINCIPAL", Min: 33, Max: 70, Weight: 4, Fit: report.CutMiddle, Cell: m.nameCell},
		{Title: "EVENTS", Min: 7, Max: 9, Right: true, Cell: count(func(p *index.PrincipalSummary) int { return p.Events })},
		{Title: "WRITES", Min: 6, Max: 8, Right: true, Cell: count(func(p *index.PrincipalSummary) int { return p.Writes })},
		{Title: "ERRORS", Min: 6, Max: 8, Right: true, Cell: count(func(p *index.PrincipalSummary) int { return p.Errors })},
		{Title: "LAST SEEN", Min: 11, Max: 16, Weight: 1, Optional: true, Cell: func(r row, w int) string { return r.s.Last.Format(common.ShortTime(w)) }},
		{Title: "TYPE", Min: 12, Max: 16, Weight: 1, Optional: true, Cell: func(r row, _ int) string { return r.s.Type }},
		{Title: "IPS", Min: 4, Max: 5, Right: true, Optional: true, Cell: func(r row, _ int) string { return fmt.Sprint(r.s.IPs) }},
		{Title: "FIRST SEEN", Min: 11, Max: 16, Weight: 1, Optional: true, Cell: func(r row, w int) string { return r.s.First.Format(common.ShortTime(w)) }},
		{Title: "REGIONS", Min: 7, Max: 7, Right: true, Optional: true, Cell: func(r row, _ int) string { return fmt.Sprint(r.s.Regions) }},
	}
	return m
}

func (m *Model) nameCell(r row, _ int) string {
	p := r.s
	switch {
	case r.session:
		return "  " + strings.TrimPrefix(p.Principal, r.parent+" ")
	case len(p.Sessions) > 0 && m.expanded[p.Principal]:
		return "▾ " + p.Principal
	case len(p.Sessions) > 0:
		return "▸ " + p.Principal
	}
	return "  " + p.Principal
}

func (m *Model) rowStyle(r row) func(...string) string {
	switch p := r.s; {
	case p.Errors > 0 && p.Errors*2 >= p.Events:
		return m.Styles.Error.Render
	case r.session:
		return m.Styles.Dim.Render
	}
	return nil
}

// Name is the view's name.
func (m *Model) Name() string { return Name }

// Hidden names the columns the width leaves out.
func (m *Model) Hidden() []string { return m.table.Hidden() }

// SetSize sets the view's size.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.table.SetSize(w, h)
}

func (m *Model) rowsHeight() int { return m.Height - 1 }

// Cursor is the row the cursor is on.
func (m *Model) Cursor() int { return m.table.List.Cursor }

// SetCursor puts the cursor on row i.
func (m *Model) SetCursor(i int) { m.table.List.Cursor = i }

// Rows is the number of rows.
func (m *Model) Rows() int { return len(m.rows) }

// Shown counts the result, unless the counts on screen are current.
func (m *Model) Shown() tea.Cmd { return m.sums.Shown() }

// Count is what the breadcrumb line says of the view: how many principals; false while counting.
func (m *Model) Count() (n int, noun string, ok bool) {
	if s := m.sums.Current(); s != nil {
		return len(s.Principals), "principals", true
	}
	return 0, "", false
}

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{g.Filter, l.Open, l.Expand, l.Sort, g.Timeline, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}, {l.Open, l.Expand, l.Collapse, l.Sort}}
}

func (m *Model) onScreen() bool { return m.State.Active == Name }

// Update takes results and their counts, and the keys of the view.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ResultMsg:
		if !msg.SameFilter {
			m.table.List = common.List{}
		}
		if r := msg.Restore; r != nil && r.View == Name {
			m.table.List.Cursor = r.Cursor
		}
		return m.sums.OnResult(msg, m.onScreen())
	case *summaries.Msg:
		changed, cmd := m.sums.Take(msg, m.onScreen())
		if changed {
			m.build()
		}
		return cmd
	case tea.MouseWheelMsg:
		m.table.List.Wheel(msg, len(m.rows), m.rowsHeight())
	case common.ClickMsg:
		if m.table.Click(msg.Y-1, len(m.rows), m.rowsHeight()) && msg.Double {
			return m.onKey(tea.KeyPressMsg{Code: tea.KeyEnter})
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

func compare(by int) func(a, b index.PrincipalSummary) int {
	return func(a, b index.PrincipalSummary) int {
		var c int
		switch by {
		case 1:
			c = cmp.Compare(b.Errors, a.Errors)
		case 2:
			c = cmp.Compare(b.Writes, a.Writes)
		case 3:
			c = b.Last.Compare(a.Last)
		case 4:
			c = strings.Compare(a.Principal, b.Principal)
		}
		if c != 0 {
			return c
		}
		if c := cmp.Compare(b.Events, a.Events); c != 0 {
			return c
		}
		return strings.Compare(a.Principal, b.Principal)
	}
}

// build flattens the principals with the expanded roles' sessions under them.
func (m *Model) build() {
	m.rows = m.rows[:0]
	s := m.sums.Current()
	if s == nil {
		return
	}
	ps := s.Principals
	slices.SortStableFunc(ps, compare(m.sort))
	for i := range ps {
		p := &ps[i]
		m.rows = append(m.rows, row{s: p})
		if len(p.Sessions) > 0 && m.expanded[p.Principal] {
			slices.SortStableFunc(p.Sessions, compare(m.sort))
			for j := range p.Sessions {
				m.rows = append(m.rows, row{s: &p.Sessions[j], session: true, parent: p.Principal})
			}
		}
	}
	m.table.List.Clamp(len(m.rows), m.rowsHeight())
}

// View draws the header and the visible rows.
func (m *Model) View() string {
	st := m.Styles
	cols := m.table.Laid()
	out := []string{m.table.Header(cols, sorts[m.sort])}
	switch {
	case m.sums.Current() == nil:
		out = append(out, "", "  "+st.Dim.Render("counting…"))
	case len(m.rows) == 0:
		out = append(out, "", "  "+st.Dim.Render("no events match this filter"))
	default:
		out = append(out, m.table.Rows(cols, len(m.rows), m.rowsHeight(), func(i int) row { return m.rows[i] })...)
	}
	return strings.Join(out, "\n")
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.Keys.List
	l := &m.table.List
	if m.table.Move(msg, len(m.rows), m.rowsHeight()) || len(m.rows) == 0 {
		return nil
	}
	r := m.rows[l.Cursor]
	switch {
	case key.Matches(msg, k.Open):
		term := "type:none"
		if r.s.Principal != "(no identity)" {
			term = filter.Term{Field: filter.FieldPrincipal, Values: []string{r.s.Principal}}.String()
		}
		return common.Goto(common.GotoMsg{Label: "open", Filter: common.Narrow(m.State.Applied, term), Remember: true})
	case key.Matches(msg, k.Expand, k.Collapse):
		role := r.s.Principal
		if r.session {
			role = r.parent
		}
		if len(r.s.Sessions) == 0 && !r.session {
			return nil
		}
		m.expanded[role] = !m.expanded[role]
		m.build()
		for i, row := range m.rows {
			if !row.session && row.s.Principal == role {
				l.Cursor = i
			}
		}
		l.Clamp(len(m.rows), m.rowsHeight())
	case key.Matches(msg, k.Sort):
		m.sort = (m.sort + 1) % len(sorts)
		m.build()
		l.Cursor = 0
		return common.Status("principals by " + sorts[m.sort])
	}
	return nil
}
