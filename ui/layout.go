package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
	"github.com/trailscope/trailscope/ui/views/detail"
	helpview "github.com/trailscope/trailscope/ui/views/help"
)

// Minimum terminal size: below it the console shows a "too small" screen. Between it and 80x24
// the views drop columns, and the timeline its histogram's axis, and the status line says which.
const (
	minWidth  = 60
	minHeight = 20
)

// The screen: title, breadcrumbs, filter bar, the body, the status line and the key hints.
const (
	chromeLines = 5
	bodyTop     = 3 // the body's first line
)

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
	if !a.opt.NoMouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
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
	msg := fmt.Sprintf("terminal too small: %dx%d\ntrailscope needs\nat least %dx%d:\nenlarge the window,\nor press q to quit", a.w, a.h, minWidth, minHeight)
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
	right := st.TitleDim.Render(s.Clock.ZoneName(s.Hist.To))
	var doing []string
	if s.Loading {
		doing = append(doing, "loading…")
	}
	if e := a.exportStatus(); e != "" {
		doing = append(doing, e)
	}
	if len(doing) > 0 {
		right = st.StatusWarn.Render(strings.Join(doing, " · ")+" ") + right
	}
	return common.JoinLR(left, right, a.w)
}

// unfiltered is a view that shows the loaded events whatever the filter (findings, coverage...): the
// breadcrumb does not name a filter beside it.
type unfiltered interface{ IgnoresFilter() bool }

// filtered reports whether the view named name shows the filter's result.
func (a *App) filtered(name string) bool {
	v, ok := a.view(name).(unfiltered)
	return !ok || !v.IgnoresFilter()
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
		if step.filter != "" && (a.filtered(step.view) || step.detail) {
			label += " " + ansi.Truncate(cloudtrail.Sanitize(step.filter), 24, "…")
		}
		if step.detail {
			label += " › " + detail.Name
		}
		parts = append(parts, st.CrumbSep.Render(label))
	}
	cur := a.active.Name()
	if len(a.stack) > 0 && s.Applied != "" && s.Applied != a.stack[len(a.stack)-1].filter && (a.filtered(cur) || a.detail.IsOpen()) {
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
			line += fmt.Sprintf(" · %s/%s", cloudtrail.Size(p.BytesDone), cloudtrail.Size(p.Bytes))
		} else if p.BytesDone > 0 {
			line += " · " + cloudtrail.Size(p.BytesDone)
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
	if a.question != nil {
		return st.StatusWarn.Render(ansi.Truncate(a.question.text, a.w, "…"))
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
	if w := s.Integrity.Word(); w != "" {
		if p, _ := s.Integrity.Problems(); p > 0 {
			line += " · " + w + " (:integrity)"
		} else {
			line += " · " + w
		}
	}
	if len(a.stack) > 0 {
		line += " · esc: back"
	}
	if h, ok := a.active.(hider); ok && !a.detail.IsOpen() && !a.helpOpen {
		// First: what a small terminal leaves out matters more than how long the query took.
		if hidden := h.Hidden(); len(hidden) > 0 {
			line = "hidden: " + strings.Join(hidden, ", ") + " · " + line
		}
	}
	return st.Status.Render(ansi.Truncate(line, a.w, "…"))
}

// hider is a view that leaves parts out when the terminal is small, and names them.
type hider interface {
	Hidden() []string
}

// hintLine shows the short help of what has the keys (the bar, the detail or the view), cut with
// an ellipsis by bubbles/help where it does not fit, and "? help" always at its end.
func (a *App) hintLine() string {
	var keys help.KeyMap = a.active
	switch {
	case a.bar.Focused():
		keys = a.bar
	case a.helpOpen:
		keys = a.help
	case a.detail.IsOpen():
		keys = a.detail
	}
	g, st := a.keys.Global, &a.styles
	sep := " · "
	last := st.Key.Render(g.Help.Help().Key) + " " + st.KeyDesc.Render(g.Help.Help().Desc)
	if a.helpOpen {
		last = st.Key.Render(g.Help.Help().Key) + " " + st.KeyDesc.Render("close help")
	}
	var bindings []key.Binding
	for _, b := range keys.ShortHelp() {
		if !slices.Equal(b.Keys(), g.Help.Keys()) {
			bindings = append(bindings, b)
		}
	}
	h := help.New()
	h.ShortSeparator = sep
	h.Styles.ShortKey, h.Styles.ShortDesc = st.Key, st.KeyDesc
	h.Styles.ShortSeparator, h.Styles.Ellipsis = st.KeyDesc, st.KeyDesc
	room := max(a.w-ansi.StringWidth(sep+last), 1)
	h.SetWidth(room)
	line := h.ShortHelpView(bindings)
	// bubbles/help adds an item that does not fit when its ellipsis would not fit either: offer
	// fewer until the line fits.
	for n := len(bindings) - 1; ansi.StringWidth(line) > room && n >= 0; n-- {
		line = h.ShortHelpView(bindings[:n])
		if !strings.HasSuffix(ansi.Strip(line), h.Ellipsis) && ansi.StringWidth(line)+2 <= room {
			line += st.KeyDesc.Render(" " + h.Ellipsis)
		}
	}
	if line != "" {
		line += st.KeyDesc.Render(sep)
	}
	return ansi.Truncate(line+last, a.w, "")
}
