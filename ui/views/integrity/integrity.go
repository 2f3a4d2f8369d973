// Package integrity is the view of the loaded files' log file integrity: every digest and log file
// the check (`trailscope verify`'s, run by the console in the background once the load is done)
// judged, the worst first, with why. Its data is the console's (State.Integrity).
package integrity

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/components/table"
	"github.com/trailscope/trailscope/ui/report"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "integrity"

// Model is the integrity view.
type Model struct {
	common.Common
	table  table.Model[integrity.Result]
	report *integrity.Report // the report rows was made from
	rows   []integrity.Result
}

// New returns the integrity view.
func New(c common.Common) *Model {
	m := &Model{Common: c}
	m.table = table.Model[integrity.Result]{Common: c, Mark: mark, Style: m.rowStyle}
	m.table.Columns = []table.Column[integrity.Result]{
		{Title: "STATUS", Min: 14, Max: 14, Cell: func(r integrity.Result, _ int) string { return string(r.Status) }},
		{Title: "FILE", Min: 30, Max: 110, Weight: 3, Fit: report.CutMiddle, Cell: func(r integrity.Result, _ int) string { return r.File }},
		{Title: "REASON", Min: 20, Max: 400, Weight: 2, Cell: func(r integrity.Result, _ int) string { return r.Reason }},
		{Title: "DIGEST", Min: 20, Max: 90, Weight: 1, Fit: report.CutMiddle, Optional: true, Cell: func(r integrity.Result, _ int) string { return r.Digest }},
	}
	return m
}

// mark is "!" before a file that is not shown intact, "?" before one that could not be checked.
func mark(r integrity.Result) string {
	switch r.Status {
	case integrity.Valid:
		return " "
	case integrity.Unverifiable:
		return "?"
	}
	return "!"
}

func (m *Model) rowStyle(r integrity.Result) func(...string) string {
	switch r.Status {
	case integrity.Valid:
		return nil
	case integrity.Unverifiable:
		return m.Styles.Write.Render
	}
	return m.Styles.Error.Render
}

// SetSize sets the view's size.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	m.table.SetSize(w, h)
}

// Name is the view's name.
func (m *Model) Name() string { return Name }

// IgnoresFilter says the view shows every loaded file, whatever the filter.
func (m *Model) IgnoresFilter() bool { return true }

// Cursor is the row the cursor is on.
func (m *Model) Cursor() int { return m.table.List.Cursor }

// SetCursor puts the cursor on row i.
func (m *Model) SetCursor(i int) { m.table.List.Cursor = i }

// Shown has nothing to start: the check starts when the load is done.
func (m *Model) Shown() tea.Cmd { return nil }

// Count is the number of files judged, for the breadcrumb line.
func (m *Model) Count() (int, string, bool) {
	rows := m.results()
	return len(rows), "files", m.report != nil
}

// results are the files judged, the worst first; nil until the check is done.
func (m *Model) results() []integrity.Result {
	if r := m.State.Integrity.Report; r != m.report {
		m.report, m.rows, m.table.List = r, nil, common.List{}
		if r != nil {
			m.rows = r.ByStatus()
		}
	}
	return m.rows
}

// the summary above the rows, and the header.
const headLines = 2

func (m *Model) rowsHeight() int { return m.Height - headLines }

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{l.Open, l.Down, l.Up, l.Whole, g.Timeline, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom, l.Whole}, {l.Open}}
}

// Update moves the cursor, and Enter opens the events of the log file under it.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	n := len(m.results())
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		m.table.List.Wheel(msg, n, m.rowsHeight())
	case tea.KeyPressMsg:
		if key.Matches(msg, m.Keys.List.Open) {
			return m.open()
		}
		m.table.Move(msg, n, m.rowsHeight())
	}
	return nil
}

// open shows the events read from the log file under the cursor on the timeline: file: with the
// name of the file they were read from (CloudTrail's file names are unique: account, region, time
// and a random part).
func (m *Model) open() tea.Cmd {
	rows := m.results()
	if m.table.List.Cursor >= len(rows) {
		return nil
	}
	res := rows[m.table.List.Cursor]
	switch {
	case res.Kind != integrity.KindLog:
		return common.Status("a digest holds no events: enter on a log file shows the events read from it")
	case res.Status == integrity.Missing:
		return common.Status("this log file is missing: no events were read from it")
	}
	return common.Goto(common.GotoMsg{Label: "open", Filter: common.FileFilter(m.State.Integrity.ReadFrom(res)), Remember: true})
}

// View draws the summary and the visible files.
func (m *Model) View() string {
	st, in := m.Styles, m.State.Integrity
	rows := m.results()
	dim := func(s string) string { return "\n  " + st.Dim.Render(s) }
	switch {
	case in.Running:
		return dim("checking the loaded files against their digests…")
	case in.Err != nil:
		return dim("the check failed: " + cloudtrail.Sanitize(in.Err.Error()))
	case in.Done && in.Report == nil:
		return dim("no digest files among the loaded files: log file validation was off, or the digests were not copied " +
			"(a trail delivers them to AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/; load the folder that holds both)")
	case in.Report == nil:
		return dim("the integrity of log files is checked for local folders and s3:// buckets, once they are loaded")
	}
	summary := " " + report.IntegritySummary(*in.Report)
	if problems, _ := in.Problems(); problems > 0 {
		summary = st.Error.Render(summary)
	}
	cols := m.table.Laid()
	out := []string{summary, m.table.Header(cols, "")}
	out = append(out, m.table.Rows(cols, len(rows), m.rowsHeight(), func(i int) integrity.Result { return rows[i] })...)
	return strings.Join(out, "\n")
}
