// Package findings is the view of what the detection rules found in the loaded events, most severe
// first; Enter opens a finding's events as a timeline with the filter that selects them. The rules
// run off the UI loop with a Finder that remembers what it read, again when the index grows.
package findings

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	rules "github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "findings"

// Model is the findings view.
type Model struct {
	common.Common
	list     common.List
	finder   *rules.Finder
	findings []rules.Finding
	n        int  // events in the index when the findings on screen were computed; -1: none yet
	busy     bool // a computation runs
}

// findingsMsg brings findings computed off the UI loop.
type findingsMsg struct {
	findings []rules.Finding
	n        int
}

// New returns the findings view.
func New(c common.Common) *Model { return &Model{Common: c} }

// Name is the view's name.
func (m *Model) Name() string { return Name }

// Cursor is the finding the cursor is on.
func (m *Model) Cursor() int { return m.list.Cursor }

// SetCursor puts the cursor on finding i.
func (m *Model) SetCursor(i int) { m.list.Cursor = i }

// Findings returns the findings on screen.
func (m *Model) Findings() []rules.Finding { return m.findings }

// Over is the number of events the findings on screen were computed over; -1 before the first.
func (m *Model) Over() int {
	if m.finder == nil {
		return -1
	}
	return m.n
}

// Shown runs the rules, unless they run already or have run over the index as it is.
func (m *Model) Shown() tea.Cmd { return m.Compute() }

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l := m.Keys.Global, m.Keys.List
	return []key.Binding{m.Keys.Findings.Open, l.Up, l.Down, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l := m.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}, {m.Keys.Findings.Open}}
}

// Update takes findings computed off the UI loop, the end of a load and the keys of the view.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.LoadedMsg:
		return m.Compute()
	case findingsMsg:
		return m.onFindings(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

// Compute runs the rules in the background, unless they run already or have run over the index as
// it is.
func (m *Model) Compute() tea.Cmd {
	idx := m.State.Index
	if m.finder == nil {
		m.finder, m.n = rules.NewFinder(idx), -1
	}
	if m.busy || m.n == idx.Len() {
		return nil
	}
	m.busy = true
	finder := m.finder
	return func() tea.Msg {
		n := idx.Len()
		return findingsMsg{findings: finder.Find(rules.Options{}), n: n}
	}
}

// onFindings shows new findings, keeping the cursor on the finding it was on; findings computed while
// batches landed are computed again when the findings view is on screen.
func (m *Model) onFindings(msg findingsMsg) tea.Cmd {
	m.busy = false
	var was rules.Finding
	if m.list.Cursor < len(m.findings) {
		was = m.findings[m.list.Cursor]
	}
	m.findings, m.n = msg.findings, msg.n
	for i, f := range m.findings {
		if f.Rule == was.Rule && f.Principal == was.Principal && f.First.Equal(was.First) {
			m.list.Cursor = i
			break
		}
	}
	m.list.Clamp(len(m.findings), m.listHeight())
	if m.State.Active == Name && msg.n != m.State.Index.Len() {
		return m.Compute()
	}
	return nil
}

// onKey handles a key of the findings view: Enter opens the selected finding's events.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.Keys.Findings.Open) && m.list.Cursor < len(m.findings) {
		f := m.findings[m.list.Cursor]
		return common.Goto(common.GotoMsg{Label: "finding", Filter: f.Filter, Remember: true,
			Status: fmt.Sprintf("%s: %d events · esc: back to the findings", f.Rule, f.Count)})
	}
	m.list.Move(msg, m.Keys.List, len(m.findings), m.listHeight())
	return nil
}

// listHeight is the rows the list of findings gets: the rest of the body shows the selected one.
func (m *Model) listHeight() int { return max(m.Height-1-detailLines, 3) }

// detailLines is the height of the selected finding's description under the list.
const detailLines = 8

// severityStyle renders a severity in its colour.
func (m *Model) severityStyle(s catalog.Severity) func(...string) string {
	switch s {
	case catalog.SeverityCritical, catalog.SeverityHigh:
		return m.Styles.Error.Render
	case catalog.SeverityMedium:
		return m.Styles.StatusWarn.Render
	}
	return m.Styles.Dim.Render
}

// View draws the list of findings over the selected one's rationale, chain and filter.
func (m *Model) View() string { return strings.Join(m.lines(), "\n") }

func (m *Model) lines() []string {
	st := m.Styles
	w := m.Width
	const sevW, countW, timeW = 10, 7, 12
	showLast := w >= 120 // below, the last time gives its room to the principal and the title
	rest := w - sevW - countW - timeW
	if showLast {
		rest -= timeW
	}
	whoW := max(rest*2/5, 16)
	titleW := max(rest-whoW, 10)
	header := common.Cell(" SEVERITY", sevW, false) + common.Cell("PRINCIPAL", whoW, false) + common.Cell("COUNT ", countW, true) + common.Cell(" FIRST", timeW, false)
	if showLast {
		header += common.Cell(" LAST", timeW, false)
	}
	out := []string{st.Header.Render(header + common.Cell(" FINDING", titleW, false))}
	switch {
	case m.n < 0 || m.finder == nil:
		return append(out, "", "  "+st.Dim.Render("running the detection rules over the loaded events…"))
	case len(m.findings) == 0:
		msg := "nothing found: no rule fired over these " + report.Commas(m.n) + " events"
		if m.State.Loading || m.busy {
			msg = "nothing found yet; the rules run again as events land…"
		}
		return append(out, "", "  "+st.Dim.Render(msg))
	}
	h := m.listHeight()
	m.list.Clamp(len(m.findings), h)
	for i := m.list.Offset; i < min(m.list.Offset+h, len(m.findings)); i++ {
		f := m.findings[i]
		who := report.CutPrincipal(cloudtrail.Sanitize(f.Principal), whoW)
		if f.Principal == "" && len(f.SourceIPs) > 0 {
			who = cloudtrail.Sanitize("from " + strings.Join(f.SourceIPs, ", "))
		}
		if f.Origin != "" && f.Origin != f.Principal && whoW >= 40 { // who is behind it, when both fit (else: "behind" below)
			pw := min(ansi.StringWidth(cloudtrail.Sanitize(f.Principal)), (whoW-3)/2)
			who = report.CutPrincipal(cloudtrail.Sanitize(f.Principal), pw) + " ← " +
				report.CutPrincipal(cloudtrail.Sanitize(f.Origin), whoW-3-pw)
		}
		sev := common.Cell(" "+f.Severity.String(), sevW, false)
		rest := common.Cell(who, whoW, false) + common.Cell(report.Commas(f.Count)+" ", countW, true) +
			common.Cell(" "+f.First.Format("01-02 15:04"), timeW, false)
		if showLast {
			rest += common.Cell(" "+f.Last.Format("01-02 15:04"), timeW, false)
		}
		rest += common.Cell(" "+cloudtrail.Sanitize(f.Title), titleW, false)
		if i == m.list.Cursor {
			out = append(out, st.Selected.Render(sev+rest))
		} else {
			out = append(out, m.severityStyle(f.Severity)(sev)+rest)
		}
	}
	out = append(out, st.Dim.Render(strings.Repeat("─", w)))
	if m.list.Cursor >= len(m.findings) {
		return out
	}
	f := m.findings[m.list.Cursor]
	line := func(label, value string, style func(...string) string) {
		if value != "" {
			out = append(out, " "+st.Label.Render(common.Cell(label, 9, false))+" "+style(common.Cell(cloudtrail.Sanitize(value), w-12, false)))
		}
	}
	out = append(out, " "+m.severityStyle(f.Severity)(f.Severity.String())+" "+st.Section.Render(common.Cell(f.Rule+": "+cloudtrail.Sanitize(f.Title), w-12, false)))
	line("why", f.Rationale+" ["+string(f.Tactic)+"]", st.Value.Render)
	if len(f.Chain) > 0 && f.Origin != f.Principal { // a session of one's own key (GetSessionToken) has nobody behind it
		line("behind", f.Principal+" ← "+strings.Join(f.Chain, " ← "), st.Value.Render)
	}
	detail := fmt.Sprintf("%d event%s", f.Count, map[bool]string{true: "", false: "s"}[f.Count == 1])
	if f.Failed > 0 {
		detail += fmt.Sprintf(", %d failed", f.Failed)
	}
	if len(f.SourceIPs) > 0 {
		detail += " · from " + strings.Join(f.SourceIPs, ", ")
	}
	line("events", detail, st.Value.Render)
	line("when", f.First.Format("2006-01-02 15:04:05")+" to "+f.Last.Format("2006-01-02 15:04:05 MST"), st.Value.Render)
	line("filter", f.Filter, st.Key.Render)
	out = append(out, " "+st.Dim.Render(common.KeyHelp(m.Keys.Findings.Open)))
	return out
}

// IgnoresFilter says the view does not show the filter's result: the breadcrumb names no filter beside it.
func (m *Model) IgnoresFilter() bool { return true }
