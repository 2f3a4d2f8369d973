package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
	"github.com/trailscope/trailscope/ui/views/detail"
	helpview "github.com/trailscope/trailscope/ui/views/help"
)

// Minimum terminal size: below it the console shows a "too small" screen.
const (
	minWidth  = 80
	minHeight = 24
)

// The screen: title, breadcrumbs, filter bar, the body, the status line and the key hints.
const chromeLines = 5

// bodyHeight is the rows the view on screen gets.
func (a *App) bodyHeight() int { return max(a.h-chromeLines, 1) }

// setSize is the one place sizes are computed: every component gets its size from here.
func (a *App) setSize(w, h int) {
	a.w, a.h = w, h
	body := a.bodyHeight()
	for _, p := range a.pages {
		p.view.SetSize(w, body)
	}
	a.detail.SetSize(w, body)
	a.help.SetSize(w, body)
	a.bar.SetSize(w, 1)
}

// View draws the console.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "trailscope"
	return v
}

func (a *App) render() string {
	if a.w < minWidth || a.h < minHeight {
		return a.tooSmall()
	}
	lines := make([]string, 0, a.h)
	lines = append(lines, a.titleLine(), a.crumbLine(), a.bar.View())
	var body []string
	switch {
	case a.helpOpen:
		body = common.Lines(a.help.View())
	case a.detail.IsOpen():
		body = common.Lines(a.detail.View())
	default:
		body = common.Lines(a.active.View())
	}
	bh := a.bodyHeight()
	if len(body) > bh {
		body = body[:bh]
	}
	for len(body) < bh {
		body = append(body, "")
	}
	for i, l := range a.bar.CompletionView(min(a.w, 100)) {
		if i < len(body) {
			body[i] = l
		}
	}
	lines = append(lines, body...)
	lines = append(lines, a.statusLine(), a.hintLine())
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, a.w, "")
	}
	return strings.Join(lines, "\n")
}

func (a *App) tooSmall() string {
	msg := fmt.Sprintf("terminal too small: %dx%d\ntrailscope needs at least %dx%d\n\nenlarge the window, or press q to quit", a.w, a.h, minWidth, minHeight)
	var b strings.Builder
	for i, l := range strings.Split(msg, "\n") {
		if i >= a.h {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ansi.Truncate(l, a.w, ""))
	}
	return b.String()
}

func (a *App) titleLine() string {
	st, s := &a.styles, &a.state
	left := st.Title.Render("trailscope")
	if a.opt.Source != "" {
		left += st.TitleDim.Render(" · " + cloudtrail.Sanitize(a.opt.Source))
	}
	left += st.TitleDim.Render(" · ") + st.Count.Render(report.Count(s.Index.Len(), "event"))
	if d := s.Index.Duplicates(); d > 0 {
		left += st.TitleDim.Render(fmt.Sprintf(" (%s dup)", report.Commas(d)))
	}
	if len(s.Problems) > 0 {
		left += "  " + st.Error.Render("! "+report.Count(len(s.Problems), "problem"))
	}
	var right []string
	if s.Loading {
		right = append(right, "loading…")
	}
	if e := a.exportStatus(); e != "" {
		right = append(right, e)
	}
	if len(right) == 0 {
		return common.JoinLR(left, "", a.w)
	}
	return common.JoinLR(left, st.StatusWarn.Render(strings.Join(right, " · ")), a.w)
}

// counter is a view that says how many rows it has, for the breadcrumb line.
type counter interface {
	Count() (n int, noun string, ok bool)
}

func (a *App) crumbLine() string {
	st, s := &a.styles, &a.state
	sep := st.CrumbSep.Render(" › ")
	var parts []string
	start := max(0, len(a.stack)-3)
	if start > 0 {
		parts = append(parts, st.CrumbSep.Render("…"))
	}
	for _, step := range a.stack[start:] {
		label := step.view
		if step.filter != "" {
			label += " " + ansi.Truncate(cloudtrail.Sanitize(step.filter), 24, "…")
		}
		if step.detail {
			label += " › " + detail.Name
		}
		parts = append(parts, st.CrumbSep.Render(label))
	}
	cur := a.active.Name()
	if len(a.stack) > 0 && s.Applied != "" && s.Applied != a.stack[len(a.stack)-1].filter {
		// Where it differs from the step before, say which filter this step applies.
		cur += " " + ansi.Truncate(cloudtrail.Sanitize(s.Applied), 24, "…")
	}
	if a.detail.IsOpen() {
		cur += " › " + detail.Name
	}
	if a.helpOpen {
		cur += " › " + helpview.Name
	}
	parts = append(parts, st.Crumb.Render(cur))
	right := st.Count.Render(report.Commas(len(s.Result.Refs))) + st.TitleDim.Render(" of "+report.Count(s.Result.Total, "event"))
	if c, ok := a.active.(counter); ok {
		if n, noun, ok := c.Count(); ok {
			right = st.Count.Render(report.Commas(n)) + st.TitleDim.Render(" "+noun+" · ") + right
		}
	}
	return common.JoinLR(strings.Join(parts, sep), right, a.w)
}

func (a *App) statusLine() string {
	st, s := &a.styles, &a.state
	if s.Loading {
		p := a.progress
		el := time.Since(a.loadStart)
		line := fmt.Sprintf("loading: %s events", report.Commas(max(p.Records, s.Index.Len())))
		if p.Files > 0 {
			line += fmt.Sprintf(" · files %s/%s", report.Commas(p.FilesDone), report.Commas(p.Files))
		}
		if p.Bytes > 0 {
			line += fmt.Sprintf(" · %s/%s", report.Bytes(p.BytesDone), report.Bytes(p.Bytes))
		} else if p.BytesDone > 0 {
			line += " · " + report.Bytes(p.BytesDone)
		}
		if p.Problems > 0 || len(s.Problems) > 0 {
			line += " · " + report.Count(max(p.Problems, len(s.Problems)), "problem")
		}
		if sec := el.Seconds(); sec > 0.2 {
			line += fmt.Sprintf(" · %s ev/s", report.Commas(int(float64(max(p.Records, s.Index.Len()))/sec)))
		}
		if p.Detail != "" {
			line += " · " + cloudtrail.Sanitize(p.Detail)
		}
		return st.StatusWarn.Render(ansi.Truncate(line, a.w, "…"))
	}
	if a.status.Text != "" {
		if a.status.Err {
			return st.Error.Render(ansi.Truncate(a.status.Text, a.w, "…"))
		}
		return st.Status.Render(ansi.Truncate(a.status.Text, a.w, "…"))
	}
	line := fmt.Sprintf("query %s", a.queryDur.Round(time.Microsecond))
	if a.loadDur > 0 {
		line += fmt.Sprintf(" · loaded in %s", a.loadDur.Round(time.Millisecond))
	}
	if len(s.Problems) > 0 {
		line += " · " + report.Count(len(s.Problems), "problem") + ": press 4"
	}
	if len(a.stack) > 0 {
		line += " · esc: back"
	}
	return st.Status.Render(line)
}

// hintLine shows the short help of what has the keys: the bar, the detail or the view.
func (a *App) hintLine() string {
	var keys help.KeyMap = a.active
	switch {
	case a.bar.Focused():
		keys = a.bar
	case a.detail.IsOpen():
		keys = a.detail
	}
	var b strings.Builder
	for i, k := range keys.ShortHelp() {
		if i > 0 {
			b.WriteString(a.styles.KeyDesc.Render(" · "))
		}
		h := k.Help()
		b.WriteString(a.styles.Key.Render(h.Key) + " " + a.styles.KeyDesc.Render(h.Desc))
	}
	return ansi.Truncate(b.String(), a.w, "")
}
