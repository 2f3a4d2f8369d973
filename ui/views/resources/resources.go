// Package resources is the "what" view: one row per resource the result's events touched, those the
// filter names first; Enter shows a resource's events.
package resources

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
const Name = "resources"

var sorts = []string{"events", "principals", "last seen", "kind"}

// Model is the resources view.
type Model struct {
	common.Common
	sums  *summaries.Summaries
	table table.Model[index.ResourceSummary]
	rows  []index.ResourceSummary
	sort  int
}

// New returns the resources view over the shared summaries.
func New(c common.Common, sums *summaries.Summaries) *Model {
	m := &Model{Common: c, sums: sums}
	type rs = index.ResourceSummary
	m.table = table.Model[rs]{Common: c}
	m.table.Columns = []table.Column[rs]{
		{Title: "KIND", Min: 12, Max: 22, Weight: 1, Cell: func(r rs, _ int) string { return r.Resource.Kind }},
		{Title: "RESOURCE", Min: 20, Max: 70, Weight: 4, Fit: report.CutMiddle, Cell: func(r rs, _ int) string { return r.Resource.ID }},
		{Title: "EVENTS", Min: 7, Max: 9, Right: true, Cell: func(r rs, _ int) string { return report.Commas(r.Events) }},
		{Title: "WHO", Min: 4, Max: 5, Right: true, Cell: func(r rs, _ int) string { return fmt.Sprint(r.Principals) }},
		{Title: "LAST EVENT", Min: 18, Max: 30, Weight: 1, Optional: true, Cell: func(r rs, _ int) string { return r.LastEvent }},
		{Title: "LAST SEEN", Min: 11, Max: 16, Weight: 1, Optional: true, Cell: func(r rs, w int) string { return r.Last.Format(common.ShortTime(w)) }},
		{Title: "LAST BY", Min: 18, Max: 40, Weight: 2, Optional: true, Fit: report.CutPrincipal, Cell: func(r rs, _ int) string { return r.LastBy }},
		{Title: "FIRST SEEN", Min: 11, Max: 16, Weight: 1, Optional: true, Cell: func(r rs, w int) string { return r.First.Format(common.ShortTime(w)) }},
	}
	return m
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

// Shown counts the result, unless the counts on screen are current.
func (m *Model) Shown() tea.Cmd { return m.sums.Shown() }

// Count is what the breadcrumb line says of the view: how many resources; false while counting.
func (m *Model) Count() (n int, noun string, ok bool) {
	if s := m.sums.Current(); s != nil {
		return len(s.Resources), "resources", true
	}
	return 0, "", false
}

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{g.Filter, l.Open, l.Sort, g.Timeline, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}, {l.Open, l.Sort}}
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

// build orders the resources; resources whose ID the filter names come first.
func (m *Model) build() {
	s := m.sums.Current()
	if s == nil {
		m.rows = nil
		return
	}
	named := filterWords(m.State.Applied)
	m.rows = s.Resources
	by := m.sort
	slices.SortStableFunc(m.rows, func(x, y index.ResourceSummary) int {
		if len(named) > 0 {
			if c := cmp.Compare(b2i(matchesAny(y.Resource.ID, named)), b2i(matchesAny(x.Resource.ID, named))); c != 0 {
				return c
			}
		}
		var c int
		switch by {
		case 1:
			c = cmp.Compare(y.Principals, x.Principals)
		case 2:
			c = y.Last.Compare(x.Last)
		case 3:
			c = strings.Compare(x.Resource.Kind, y.Resource.Kind)
		}
		if c != 0 {
			return c
		}
		if c := cmp.Compare(y.Events, x.Events); c != 0 {
			return c
		}
		return strings.Compare(x.Resource.ID, y.Resource.ID)
	})
	m.table.List.Clamp(len(m.rows), m.rowsHeight())
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// filterWords returns the bare words and resource: values of a filter, lower-cased.
func filterWords(text string) []string {
	q, err := filter.ParseQuery(text)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range q.Terms {
		if !t.Negate && (t.Field == filter.FieldText || t.Field == filter.FieldResource) {
			for _, v := range t.Values {
				out = append(out, strings.ToLower(v))
			}
		}
	}
	return out
}

func matchesAny(s string, words []string) bool {
	s = strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
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
		out = append(out, "", "  "+st.Dim.Render("no resources among the events of this filter"))
	default:
		out = append(out, m.table.Rows(cols, len(m.rows), m.rowsHeight(), func(i int) index.ResourceSummary { return m.rows[i] })...)
	}
	return strings.Join(out, "\n")
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.Keys.List
	if m.table.Move(msg, len(m.rows), m.rowsHeight()) || len(m.rows) == 0 {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		r := m.rows[m.table.List.Cursor].Resource
		term := filter.Term{Field: filter.FieldResource, Values: []string{r.ID}}.String()
		return common.Goto(common.GotoMsg{Label: "open", Filter: common.Narrow(m.State.Applied, term), Remember: true})
	case key.Matches(msg, k.Sort):
		m.sort = (m.sort + 1) % len(sorts)
		m.build()
		m.table.List.Cursor = 0
		return common.Status("resources by " + sorts[m.sort])
	}
	return nil
}
