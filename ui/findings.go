package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/ui/report"
)

// findingsState is the findings view: what the detection rules found in the loaded events, most
// severe first; Enter opens a finding's events as a timeline with the filter that selects them. The
// rules run off the UI loop with a Finder that remembers what it read, again when the index grows.
type findingsState struct {
	list     listState
	finder   *findings.Finder
	findings []findings.Finding
	n        int  // events in the index when the findings on screen were computed; -1: none yet
	busy     bool // a computation runs
}

// findingsMsg brings findings computed off the UI loop.
type findingsMsg struct {
	findings []findings.Finding
	n        int
}

// computeFindings runs the rules in the background, unless they run already or have run over the
// index as it is.
func (a *App) computeFindings() tea.Cmd {
	fd := &a.fd
	if fd.finder == nil {
		fd.finder, fd.n = findings.NewFinder(a.idx), -1
	}
	if fd.busy || fd.n == a.idx.Len() {
		return nil
	}
	fd.busy = true
	finder, idx := fd.finder, a.idx
	return func() tea.Msg {
		n := idx.Len()
		return findingsMsg{findings: finder.Find(findings.Options{}), n: n}
	}
}

// onFindings shows new findings, keeping the cursor on the finding it was on; findings computed while
// batches landed are computed again when the findings view is on screen.
func (a *App) onFindings(msg findingsMsg) tea.Cmd {
	fd := &a.fd
	fd.busy = false
	var was findings.Finding
	if fd.list.cursor < len(fd.findings) {
		was = fd.findings[fd.list.cursor]
	}
	fd.findings, fd.n = msg.findings, msg.n
	for i, f := range fd.findings {
		if f.Rule == was.Rule && f.Principal == was.Principal && f.First.Equal(was.First) {
			fd.list.cursor = i
			break
		}
	}
	fd.list.clamp(len(fd.findings), a.findingsListHeight())
	if a.view == viewFindings && msg.n != a.idx.Len() {
		return a.computeFindings()
	}
	return nil
}

// onFindingsKey handles a key of the findings view: Enter opens the selected finding's events.
func (a *App) onFindingsKey(msg tea.KeyPressMsg) tea.Cmd {
	fd := &a.fd
	if key.Matches(msg, a.keys.Findings.Open) && fd.list.cursor < len(fd.findings) {
		f := fd.findings[fd.list.cursor]
		a.push("finding")
		a.view = viewTimeline
		a.bar.SetValue(f.Filter)
		a.bar.Remember(f.Filter)
		a.status, a.statusErr = fmt.Sprintf("%s: %d events · esc: back to the findings", f.Rule, f.Count), false
		return a.runQuery(f.Filter)
	}
	fd.list.move(msg, a.keys.List, len(fd.findings), a.findingsListHeight())
	return nil
}

// findingsListHeight is the rows the list of findings gets: the rest of the body shows the selected one.
func (a *App) findingsListHeight() int { return max(a.bodyHeight()-1-findingDetailLines, 3) }

// findingDetailLines is the height of the selected finding's description under the list.
const findingDetailLines = 8

// severityStyle renders a severity in its colour.
func (a *App) severityStyle(s catalog.Severity) func(...string) string {
	switch s {
	case catalog.SeverityCritical, catalog.SeverityHigh:
		return a.st.Error.Render
	case catalog.SeverityMedium:
		return a.st.StatusWarn.Render
	}
	return a.st.Dim.Render
}

// findingsView draws the list of findings over the selected one's rationale, chain and filter.
func (a *App) findingsView() []string {
	st := &a.st
	fd := &a.fd
	w := a.w
	const sevW, countW, timeW = 10, 7, 12
	showLast := w >= 120 // below, the last time gives its room to the principal and the title
	rest := w - sevW - countW - timeW
	if showLast {
		rest -= timeW
	}
	whoW := max(rest*2/5, 16)
	titleW := max(rest-whoW, 10)
	header := cell(" SEVERITY", sevW, false) + cell("PRINCIPAL", whoW, false) + cell("COUNT ", countW, true) + cell(" FIRST", timeW, false)
	if showLast {
		header += cell(" LAST", timeW, false)
	}
	out := []string{st.Header.Render(header + cell(" FINDING", titleW, false))}
	switch {
	case fd.n < 0 || fd.finder == nil:
		return append(out, "", "  "+st.Dim.Render("running the detection rules over the loaded events…"))
	case len(fd.findings) == 0:
		msg := "nothing found: no rule fired over these " + report.Commas(fd.n) + " events"
		if a.loading || fd.busy {
			msg = "nothing found yet; the rules run again as events land…"
		}
		return append(out, "", "  "+st.Dim.Render(msg))
	}
	h := a.findingsListHeight()
	fd.list.clamp(len(fd.findings), h)
	for i := fd.list.offset; i < min(fd.list.offset+h, len(fd.findings)); i++ {
		f := fd.findings[i]
		who := f.Principal
		if who == "" && len(f.SourceIPs) > 0 {
			who = "from " + strings.Join(f.SourceIPs, ", ")
		}
		if f.Origin != "" && f.Origin != f.Principal {
			who += " ← " + f.Origin
		}
		sev := cell(" "+f.Severity.String(), sevW, false)
		rest := cell(cloudtrail.Sanitize(who), whoW, false) + cell(report.Commas(f.Count)+" ", countW, true) +
			cell(" "+f.First.Format("01-02 15:04"), timeW, false)
		if showLast {
			rest += cell(" "+f.Last.Format("01-02 15:04"), timeW, false)
		}
		rest += cell(" "+cloudtrail.Sanitize(f.Title), titleW, false)
		if i == fd.list.cursor {
			out = append(out, st.Selected.Render(sev+rest))
		} else {
			out = append(out, a.severityStyle(f.Severity)(sev)+rest)
		}
	}
	out = append(out, st.Dim.Render(strings.Repeat("─", w)))
	if fd.list.cursor >= len(fd.findings) {
		return out
	}
	f := fd.findings[fd.list.cursor]
	line := func(label, value string, style func(...string) string) {
		if value != "" {
			out = append(out, " "+st.Label.Render(cell(label, 9, false))+" "+style(cell(cloudtrail.Sanitize(value), w-12, false)))
		}
	}
	out = append(out, " "+a.severityStyle(f.Severity)(f.Severity.String())+" "+st.Section.Render(cell(f.Rule+": "+cloudtrail.Sanitize(f.Title), w-12, false)))
	line("why", f.Rationale+" ["+string(f.Tactic)+"]", st.Value.Render)
	if len(f.Chain) > 0 {
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
	out = append(out, " "+st.Dim.Render(a.keyHelp(a.keys.Findings.Open)))
	return out
}
