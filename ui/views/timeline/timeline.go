// Package timeline is the console's home view: the histogram of the result over time above a
// virtual table of its events (only the visible rows are read and drawn), zoom in time, and the
// order of the rows.
package timeline

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/components/table"
	"github.com/trailscope/trailscope/ui/report"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "timeline"

// Model is the timeline view.
type Model struct {
	common.Common
	table       table.Model[cloudtrail.Record]
	refs        []index.EventRef // the rows on screen: the result's events, oldest first
	newestFirst bool
	timeCol     int   // the TIME column's place, -1 when the config leaves it out
	card        *card // the principal card, when the filter opens one principal (card.go)
}

// New returns the timeline over the console's state.
func New(c common.Common) *Model {
	m := &Model{Common: c, newestFirst: true}
	m.table = table.Model[cloudtrail.Record]{Common: c, Mark: m.mark, MarkWidth: 2, Style: m.rowStyle}
	m.SetColumns(nil)
	return m
}

// columns are the timeline's columns by the names the config's columns give, in their default
// order: optional ones are dropped from the end when the width does not allow them.
func (m *Model) columns() map[string]table.Column[cloudtrail.Record] {
	type rec = cloudtrail.Record
	return map[string]table.Column[rec]{
		"time": {Title: "TIME", Min: 11, Max: 19, Cell: func(r rec, w int) string { return m.timeCell(r.Time, w) }},
		"event": {Title: "EVENT", Min: 14, Max: 34, Weight: 2, Cell: func(r rec, _ int) string {
			if r.Name == "" {
				return r.EventType
			}
			return r.Name
		}},
		"principal": {Title: "PRINCIPAL", Min: 14, Max: 60, Weight: 3, Fit: report.CutPrincipal, Cell: func(r rec, _ int) string { return r.Identity.Principal },
			Full: func(r rec) string { return r.Identity.Principal }},
		"resource": {Title: "RESOURCE", Min: 12, Max: 48, Weight: 2, Optional: true, Fit: report.CutMiddle, Cell: func(r rec, _ int) string { return report.ResourceCell(r.Resources) },
			Full: func(r rec) string { return report.ResourceList(r.Resources) }},
		"ip":     {Title: "SOURCE IP", Min: 15, Max: 20, Weight: 1, Optional: true, Cell: func(r rec, _ int) string { return r.SourceIP }},
		"error":  {Title: "ERROR", Min: 14, Max: 28, Weight: 1, Optional: true, Cell: func(r rec, _ int) string { return r.ErrorCode }},
		"region": {Title: "REGION", Min: 12, Max: 14, Optional: true, Cell: func(r rec, _ int) string { return r.Region }},
	}
}

// DefaultColumns are the timeline's columns when the config names none.
var DefaultColumns = []string{"time", "event", "principal", "resource", "ip", "error", "region"}

// SetColumns shows the columns named (settings.TimelineColumns' names), in that order; none: the
// default ones. A name it does not know is left out.
func (m *Model) SetColumns(names []string) {
	if len(names) == 0 {
		names = DefaultColumns
	}
	all := m.columns()
	m.table.Columns = m.table.Columns[:0]
	m.timeCol = -1
	for _, n := range names {
		if c, ok := all[n]; ok {
			if n == "time" {
				m.timeCol = len(m.table.Columns)
			}
			m.table.Columns = append(m.table.Columns, c)
		}
	}
}

// mark draws a row's marks: the user's mark, then whether the call failed or wrote.
func (m *Model) mark(r cloudtrail.Record) string {
	user := " "
	if m.State.Marks[r.EventID] && r.EventID != "" {
		user = common.MarkMarked.Mark
	}
	if res, ok := m.State.Integrity.Of(r); ok && common.Untrusted(res) {
		return user + common.MarkUntrusted.Mark
	}
	switch {
	case r.ErrorCode != "":
		return user + common.MarkError.Mark
	case r.ReadOnly == cloudtrail.False:
		return user + common.MarkWrite.Mark
	}
	return user + " "
}

func (m *Model) rowStyle(r cloudtrail.Record) func(...string) string {
	switch {
	case r.ErrorCode != "":
		return m.Styles.Error.Render
	case r.ReadOnly == cloudtrail.False:
		return m.Styles.Write.Render
	}
	return nil
}

// Name is the view's name.
func (m *Model) Name() string { return Name }

// SetSize sets the view's size; the table gets the body less the histogram and the header.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.table.SetSize(w, h)
}

// rowsHeight is the number of event rows: the body less the principal card, the histogram and the
// header.
func (m *Model) rowsHeight() int { return max(m.Height-1-m.chartHeight()-len(m.cardLines()), 1) }

// shortBody is the body height under which the histogram loses its axis: rows matter more.
const shortBody = 17

// chartHeight is the lines of the histogram: the bars and, when the body is tall enough, the axis.
func (m *Model) chartHeight() int {
	if m.Height < shortBody {
		return 1
	}
	return 2
}

// Hidden names what the size leaves out: the columns too wide for it, the histogram's axis.
func (m *Model) Hidden() []string {
	h := m.table.Hidden()
	if m.chartHeight() < 2 {
		h = append(h, "time axis")
	}
	return h
}

// Cursor is the row the cursor is on.
func (m *Model) Cursor() int { return m.table.List.Cursor }

// SetCursor puts the cursor on row i.
func (m *Model) SetCursor(i int) {
	m.table.List.Cursor = i
	m.table.List.Clamp(len(m.refs), m.rowsHeight())
}

// Shown has nothing to start: the result is the root's.
func (m *Model) Shown() tea.Cmd { return nil }

// NewestFirst reports the order of the rows.
func (m *Model) NewestFirst() bool { return m.newestFirst }

// Row returns the event shown on row i, in the chosen order.
func (m *Model) Row(i int) index.EventRef {
	if m.newestFirst {
		return m.refs[len(m.refs)-1-i]
	}
	return m.refs[i]
}

// Selected returns the event under the cursor; false when there are no rows.
func (m *Model) Selected() (index.EventRef, bool) {
	if len(m.refs) == 0 {
		var none index.EventRef
		return none, false
	}
	return m.Row(m.table.List.Cursor), true
}

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{g.Filter, l.Open, l.Mark, l.ZoomIn, l.ZoomOut, l.Sort, g.Time, g.Principals, g.Resources, g.Export, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}, {l.Open, l.Mark, l.Sort, l.ZoomIn, l.ZoomOut}}
}

// Update takes a new result, the keys of the view and the detail's steps to the next event.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ResultMsg:
		m.onResult(msg)
		return m.cardCmd()
	case cardMsg:
		m.takeCard(msg)
	case common.StepMsg:
		n := len(m.refs)
		if n == 0 {
			return nil
		}
		m.table.List.Cursor += msg.Delta
		m.table.List.Clamp(n, m.rowsHeight())
		return common.Open(m.Row(m.table.List.Cursor), "")
	case tea.MouseWheelMsg:
		m.table.List.Wheel(msg, len(m.refs), m.rowsHeight())
	case common.ClickMsg:
		if m.table.Click(msg.Y-len(m.cardLines())-m.chartHeight()-1, len(m.refs), m.rowsHeight()) && msg.Double {
			return common.Open(m.Row(m.table.List.Cursor), "")
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

// onResult shows the new result, keeping the cursor on the event it was on, or on msg.Keep.
func (m *Model) onResult(msg common.ResultMsg) {
	l := &m.table.List
	var keep index.EventRef
	hadKeep := false
	switch {
	case msg.Keep != nil:
		keep, hadKeep = *msg.Keep, true
	case msg.SameFilter && l.Cursor > 0 && l.Cursor < len(m.refs):
		keep, hadKeep = m.Row(l.Cursor), true
	}
	m.refs = m.State.Result.Refs
	if !msg.SameFilter {
		*l = common.List{}
	}
	if hadKeep {
		for i, n := 0, len(m.refs); i < n; i++ {
			if m.Row(i) == keep {
				l.Cursor = i
				l.Offset = i - m.rowsHeight()/2
				break
			}
		}
	}
	if r := msg.Restore; r != nil && r.View == Name && !hadKeep {
		l.Cursor = r.Cursor
	}
	l.Clamp(len(m.refs), m.rowsHeight())
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.Keys.List
	l := &m.table.List
	n := len(m.refs)
	if m.table.Move(msg, n, m.rowsHeight()) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if n == 0 {
			return nil
		}
		return common.Open(m.Row(l.Cursor), "")
	case key.Matches(msg, k.Mark):
		if n == 0 {
			return nil
		}
		ref := m.Row(l.Cursor)
		l.Cursor = min(l.Cursor+1, n-1) // on to the next, as a file manager marks
		l.Clamp(n, m.rowsHeight())
		return common.Cmd(common.MarkMsg{Ref: ref})
	case key.Matches(msg, k.Sort):
		// A new order starts at its top: the newest or the oldest event.
		m.newestFirst = !m.newestFirst
		*l = common.List{}
		if m.newestFirst {
			return common.Status("newest first")
		}
		return common.Status("oldest first")
	case key.Matches(msg, k.ZoomIn):
		return m.zoomIn()
	case key.Matches(msg, k.ZoomOut):
		return m.zoomOut()
	}
	return nil
}

// timeLayout picks how much of a time the timeline shows: the clock alone when the result lies in
// one day, the date when it spans days, the year when it spans years (in the clock's zone); all
// of it when the column is wide enough (width 0: the narrowest that the span allows).
func (m *Model) timeLayout(width int) string {
	h, c := &m.State.Hist, m.State.Clock
	if h.From.IsZero() {
		return "01-02 15:04"
	}
	from, to := c.In(h.From), c.In(h.To.Add(-time.Nanosecond))
	switch {
	case from.Year() != to.Year():
		if width >= 19 {
			return "2006-01-02 15:04:05"
		}
		return "2006-01-02 15:04"
	case width >= 19:
		return "2006-01-02 15:04:05"
	case from.YearDay() == to.YearDay():
		return "15:04:05"
	}
	return "01-02 15:04"
}

// timeCell writes t as the clock says: in UTC or the zone, to the span's layout, or relative to
// the newest event loaded.
func (m *Model) timeCell(t time.Time, w int) string {
	c := m.State.Clock
	if c.Mode == common.TimesRelative {
		_, newest, ok := m.State.Index.Span()
		if !ok {
			newest = t
		}
		return common.Ago(t, newest)
	}
	return c.In(t).Format(m.timeLayout(w))
}

// fitTimeColumn sizes the TIME column to the layout the span and the clock need.
func (m *Model) fitTimeColumn() {
	if m.timeCol < 0 {
		return
	}
	c := &m.table.Columns[m.timeCol]
	switch {
	case m.State.Clock.Mode == common.TimesRelative:
		c.Min, c.Max = 10, 12
	default:
		n := len(m.timeLayout(0))
		c.Min, c.Max = n, max(n, 19)
		if n == 8 {
			c.Max = 8
		}
	}
}

// View draws the histogram and the visible rows only.
func (m *Model) View() string {
	st := m.Styles
	s := m.State
	out := append(m.cardLines(), m.histogramView()...)
	m.fitTimeColumn()
	cols := m.table.Laid()
	out = append(out, m.table.Header(cols, ""))
	n := len(m.refs)
	if n == 0 {
		msg := "no events match this filter"
		switch {
		case s.Loading && s.Index.Len() == 0:
			msg = "waiting for the first events…"
		case s.Loading:
			msg = "no events match this filter so far (loading…)"
		case s.Index.Len() == 0:
			msg = "no events loaded"
			if s.Banner != "" {
				msg = ""
			}
		}
		out = append(out, "", "  "+st.Dim.Render(msg))
		if s.Index.Len() == 0 && s.Banner != "" {
			for _, l := range strings.Split(s.Banner, "\n") {
				out = append(out, "  "+l)
			}
		}
		return strings.Join(out, "\n")
	}
	out = append(out, m.table.Rows(cols, n, m.rowsHeight(), func(i int) cloudtrail.Record { return s.Index.Record(m.Row(i)) })...)
	return strings.Join(out, "\n")
}

var blocks = []rune(" ▁▂▃▄▅▆▇█")

// histogramView draws the result over time: bars coloured by their share of errors, and an axis.
func (m *Model) histogramView() []string {
	st := m.Styles
	h := m.State.Hist
	if h.Max == 0 {
		return []string{st.Dim.Render("  (no events to chart)"), ""}[:m.chartHeight()]
	}
	var b strings.Builder
	for i, c := range h.Counts {
		if i >= m.Width {
			break
		}
		lvl := 0
		if c > 0 {
			lvl = max(1, (c*8+h.Max-1)/h.Max)
		}
		ch := string(blocks[lvl])
		switch e := h.Errors[i]; {
		case e > 0 && e*2 >= c:
			b.WriteString(st.BarError.Render(ch))
		case e > 0:
			b.WriteString(st.BarWarn.Render(ch))
		default:
			b.WriteString(st.Bar.Render(ch))
		}
	}
	span := h.To.Sub(h.From)
	layout := "2006-01-02 15:04"
	if span < 2*time.Minute {
		layout = "01-02 15:04:05"
	}
	c := m.State.Clock
	left := c.In(h.From).Format(layout)
	right := c.In(h.To).Format(layout)
	mid := fmt.Sprintf(" %s · max %s/bar · z zoom Z out ", durText(span), report.Commas(h.Max))
	fill := m.Width - len(left) - len(right) - ansi.StringWidth(mid)
	axis := left + strings.Repeat("─", max(fill/2, 1)) + mid + strings.Repeat("─", max(fill-fill/2, 1)) + right
	return []string{b.String(), st.Axis.Render(ansi.Truncate(axis, m.Width, ""))}[:m.chartHeight()]
}

func durText(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.0fd", d.Hours()/24)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%.0fh", d.Hours())
	case d >= 2*time.Minute:
		return fmt.Sprintf("%.0fm", d.Minutes())
	}
	return d.Round(time.Second).String()
}
