// Package counts is the breakdown of the current result by a field: each value with its number of events,
// largest first (Index.CountBy, what `query --count-by` prints). Enter filters by the value under the
// cursor; ←/→ change the field; `:count ip` opens it on a field.
package counts

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "count"

// Model is the counts view.
type Model struct {
	common.Common
	list   common.List
	field  filter.Field
	counts []index.ValueCount
	of     string // the filter the counts are of
	total  int    // events in the result counted
	seq    int    // the computation asked for last
	stale  bool   // the result changed since the counts were computed
}

// countsMsg brings counts computed off the UI loop.
type countsMsg struct {
	seq    int
	field  filter.Field
	of     string
	counts []index.ValueCount
	total  int
}

// New returns the counts view, counting by principal.
func New(c common.Common) *Model { return &Model{Common: c, field: filter.FieldPrincipal, stale: true} }

// Name is the view's name.
func (m *Model) Name() string { return Name }

// Cursor is the row the cursor is on.
func (m *Model) Cursor() int { return m.list.Cursor }

// SetCursor puts the cursor on row i.
func (m *Model) SetCursor(i int) { m.list.Cursor = i }

// Field is the field counted by.
func (m *Model) Field() filter.Field { return m.field }

// SetArg chooses the field to count by, from `:count FIELD`.
func (m *Model) SetArg(arg string) error {
	f, err := index.ParseCountField(strings.TrimSpace(arg))
	if err != nil {
		return err
	}
	if f != m.field {
		m.field, m.stale, m.list = f, true, common.List{}
	}
	return nil
}

// Count is what the breadcrumb line says of the view: how many values.
func (m *Model) Count() (n int, noun string, ok bool) {
	if m.stale && m.counts == nil {
		return 0, "", false
	}
	return len(m.counts), "values of " + m.field.String(), true
}

// Shown counts the result, unless the counts on screen are of it.
func (m *Model) Shown() tea.Cmd {
	if !m.stale {
		return nil
	}
	m.seq++
	seq, field, idx := m.seq, m.field, m.State.Index
	refs, of := m.State.Result.Refs, m.State.Applied
	return func() tea.Msg {
		counts, _ := idx.CountBy(refs, field)
		return countsMsg{seq: seq, field: field, of: of, counts: counts, total: len(refs)}
	}
}

func (m *Model) rowsHeight() int { return m.Height - 1 }

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	c := m.Keys.Count
	return []key.Binding{l.Open, c.NextField, c.PrevField, g.Filter, g.Timeline, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	c := m.Keys.Count
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}, {l.Open, c.NextField, c.PrevField}}
}

// Update takes results and counts, and the keys of the view.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ResultMsg:
		m.stale = true
		if !msg.SameFilter {
			m.list = common.List{}
		}
		if r := msg.Restore; r != nil && r.View == Name {
			m.list.Cursor = r.Cursor
		}
		if m.State.Active == Name {
			return m.Shown()
		}
	case countsMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.counts, m.of, m.total, m.stale = msg.counts, msg.of, msg.total, msg.field != m.field || msg.of != m.State.Applied
		m.list.Clamp(len(m.counts), m.rowsHeight())
	case tea.MouseWheelMsg:
		m.list.Wheel(msg, len(m.counts), m.rowsHeight())
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.Keys.List
	if m.list.Move(msg, k, len(m.counts), m.rowsHeight()) {
		return nil
	}
	switch {
	case key.Matches(msg, m.Keys.Count.NextField, m.Keys.Count.PrevField):
		i := slices.Index(index.CountFields, m.field)
		step := 1
		if key.Matches(msg, m.Keys.Count.PrevField) {
			step = len(index.CountFields) - 1
		}
		m.field = index.CountFields[(i+step)%len(index.CountFields)]
		m.stale, m.list = true, common.List{}
		return tea.Batch(m.Shown(), common.Status("counting by "+m.field.String()))
	case key.Matches(msg, k.Open):
		if m.list.Cursor >= len(m.counts) {
			return nil
		}
		t, ok := m.term(m.counts[m.list.Cursor].Value)
		if !ok {
			return common.Status("no filter selects the events without a " + m.field.String())
		}
		return common.Goto(common.GotoMsg{Label: "open", Filter: common.Narrow(m.State.Applied, t), Remember: true})
	}
	return nil
}

// term is the filter term that selects the events of a value of the field.
func (m *Model) term(v string) (string, bool) {
	if v == "" {
		if m.field == filter.FieldError {
			return filter.Term{Field: filter.FieldError, Values: []string{"none"}}.String(), true
		}
		return "", false
	}
	return filter.Term{Field: m.field, Values: []string{v}}.String(), true
}

// View draws the header and the visible values with their counts and share.
func (m *Model) View() string {
	st := m.Styles
	valueW := max(m.Width-24, 20)
	head := common.Cell(" "+strings.ToUpper(m.field.String())+" (←/→ another field)", valueW, false) +
		common.Cell("EVENTS", 10, true) + common.Cell("SHARE", 8, true)
	out := []string{st.Header.Render(common.Cell(head, m.Width, false))}
	switch {
	case m.counts == nil:
		return strings.Join(append(out, "", "  "+st.Dim.Render("counting…")), "\n")
	case len(m.counts) == 0:
		return strings.Join(append(out, "", "  "+st.Dim.Render("no events match this filter")), "\n")
	}
	h := m.rowsHeight()
	m.list.Clamp(len(m.counts), h)
	for i := m.list.Offset; i < min(m.list.Offset+h, len(m.counts)); i++ {
		c := m.counts[i]
		v := cloudtrail.Sanitize(c.Value)
		if v == "" {
			v = report.NoValue
		}
		share := ""
		if m.total > 0 {
			share = fmt.Sprintf("%.1f%%", 100*float64(c.Count)/float64(m.total))
		}
		line := " " + common.Cell(report.CutMiddle(v, valueW-2), valueW-1, false) + common.Cell(report.Commas(c.Count), 10, true) + common.Cell(share, 8, true)
		if i == m.list.Cursor {
			line = st.Selected.Render(common.Cell(line, m.Width, false))
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
