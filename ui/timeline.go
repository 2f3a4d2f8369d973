package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/ui/report"
)

// column is one column of a table: its title and its width once laid out.
type column struct {
	title       string
	min, max, w int
	optional    bool // dropped, in order, when the width does not allow it
	right       bool // right-aligned (numbers)
	weight      int  // share of the spare width
}

// layoutColumns gives each column a width for a table w cells wide: optional columns are dropped from
// the end of the list until the minimums fit, then spare width goes by weight up to each maximum.
func layoutColumns(cols []column, w int) []column {
	out := append([]column(nil), cols...)
	need := func(cs []column) int {
		n := 0
		for _, c := range cs {
			n += c.min + 1
		}
		return n
	}
	for need(out) > w {
		dropped := false
		for i := len(out) - 1; i >= 0; i-- {
			if out[i].optional {
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
		out[i].w = out[i].min
	}
	for spare > 0 {
		total := 0
		for _, c := range out {
			if c.w < c.max {
				total += c.weight
			}
		}
		if total == 0 {
			break
		}
		given := 0
		for i := range out {
			c := &out[i]
			if c.w >= c.max || c.weight == 0 {
				continue
			}
			add := max(spare*c.weight/total, 1)
			add = min(add, c.max-c.w, spare-given)
			c.w += add
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

// cell pads or cuts s to w cells.
func cell(s string, w int, right bool) string {
	s = ansi.Truncate(s, w, "…")
	pad := w - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

var timelineColumns = []column{
	{title: "TIME", min: 11, max: 19},
	{title: "EVENT", min: 16, max: 34, weight: 2},
	{title: "PRINCIPAL", min: 18, max: 60, weight: 3},
	{title: "RESOURCE", min: 12, max: 48, weight: 2},
	{title: "SOURCE IP", min: 15, max: 20, weight: 1, optional: true},
	{title: "ERROR", min: 14, max: 28, weight: 1, optional: true},
	{title: "REGION", min: 12, max: 14, optional: true},
}

// timeFormat picks how much of a time the timeline shows: less when the result spans a day.
func (a *App) timeFormat(width int) string {
	if width >= 19 {
		return "2006-01-02 15:04:05"
	}
	if !a.hist.From.IsZero() && a.hist.To.Sub(a.hist.From) <= 24*time.Hour && a.hist.From.Day() == a.hist.To.Add(-1).Day() {
		return "15:04:05"
	}
	return "01-02 15:04"
}

// timelineView draws the histogram and the visible rows only.
func (a *App) timelineView() []string {
	st := &a.st
	out := a.histogramView()
	tcols := append([]column(nil), timelineColumns...)
	if a.timeFormat(0) == "15:04:05" {
		tcols[0].min, tcols[0].max = 8, 8
	}
	cols := layoutColumns(tcols, a.w-2)
	var hb strings.Builder
	hb.WriteString("  ")
	for _, c := range cols {
		hb.WriteString(cell(c.title, c.w, c.right) + " ")
	}
	out = append(out, st.Header.Render(strings.TrimRight(hb.String(), " ")))
	n := len(a.result.Refs)
	h := a.tableHeight()
	if n == 0 {
		msg := "no events match this filter"
		switch {
		case a.loading && a.idx.Len() == 0:
			msg = "waiting for the first events…"
		case a.idx.Len() == 0:
			msg = "no events loaded"
			if a.opt.Banner != "" {
				msg = ""
			}
		}
		out = append(out, "", "  "+st.Dim.Render(msg))
		if a.idx.Len() == 0 && a.opt.Banner != "" {
			for _, l := range strings.Split(a.opt.Banner, "\n") {
				out = append(out, "  "+l)
			}
		}
		return out
	}
	a.tl.clamp(n, h)
	tf := a.timeFormat(cols[0].w)
	for i := a.tl.offset; i < min(a.tl.offset+h, n); i++ {
		r := a.idx.Record(a.row(i))
		out = append(out, a.timelineRow(r, cols, tf, i == a.tl.cursor))
	}
	return out
}

func (a *App) timelineRow(r cloudtrail.Record, cols []column, tf string, selected bool) string {
	st := &a.st
	mark := " "
	switch {
	case r.ErrorCode != "":
		mark = "!"
	case r.ReadOnly == cloudtrail.False:
		mark = "•"
	}
	var b strings.Builder
	b.WriteString(mark + " ")
	for _, c := range cols {
		var v string
		switch c.title {
		case "TIME":
			v = r.Time.Format(tf)
		case "EVENT":
			v = r.Name
			if v == "" {
				v = r.EventType
			}
		case "PRINCIPAL":
			v = r.Identity.Principal
		case "RESOURCE":
			v = report.ResourceCell(r.Resources)
		case "SOURCE IP":
			v = r.SourceIP
		case "ERROR":
			v = r.ErrorCode
		case "REGION":
			v = r.Region
		}
		b.WriteString(cell(cloudtrail.Sanitize(v), c.w, c.right) + " ")
	}
	line := strings.TrimRight(b.String(), " ")
	switch {
	case selected:
		return st.Selected.Render(cell(line, a.w, false))
	case r.ErrorCode != "":
		return st.Error.Render(line)
	case r.ReadOnly == cloudtrail.False:
		return st.Write.Render(line)
	}
	return line
}

var blocks = []rune(" ▁▂▃▄▅▆▇█")

// histogramView draws the result over time: bars coloured by their share of errors, and an axis.
func (a *App) histogramView() []string {
	st := &a.st
	h := a.hist
	if h.Max == 0 {
		return []string{st.Dim.Render("  (no events to chart)"), ""}
	}
	var b strings.Builder
	for i, c := range h.Counts {
		if i >= a.w {
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
	left := h.From.Format(layout)
	right := h.To.Format(layout)
	mid := fmt.Sprintf(" %s · max %s/bar · z zoom Z out ", durText(span), report.Commas(h.Max))
	fill := a.w - len(left) - len(right) - ansi.StringWidth(mid)
	axis := left + strings.Repeat("─", max(fill/2, 1)) + mid + strings.Repeat("─", max(fill-fill/2, 1)) + right
	return []string{b.String(), st.Axis.Render(ansi.Truncate(axis, a.w, ""))}
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

func (a *App) onTimelineKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys.List
	n := len(a.result.Refs)
	if a.tl.move(msg, k, n, a.tableHeight()) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if n == 0 {
			return nil
		}
		return a.openDetail(a.row(a.tl.cursor), 0)
	case key.Matches(msg, k.Sort):
		if n > 0 {
			ref := a.row(a.tl.cursor)
			a.newestFirst = !a.newestFirst
			for i := range n {
				if a.row(i) == ref {
					a.tl.cursor = i
					break
				}
			}
			a.tl.offset = a.tl.cursor - a.tableHeight()/2
			a.tl.clamp(n, a.tableHeight())
		} else {
			a.newestFirst = !a.newestFirst
		}
		if a.newestFirst {
			a.status = "newest first"
		} else {
			a.status = "oldest first"
		}
		a.statusErr = false
	case key.Matches(msg, k.ZoomIn):
		return a.zoomIn()
	case key.Matches(msg, k.ZoomOut):
		return a.zoomOut()
	}
	return nil
}

// zoomIn narrows the filter to a quarter of the result's time span, centred on the selected event.
func (a *App) zoomIn() tea.Cmd {
	h := a.hist
	if h.Max == 0 || len(a.result.Refs) < 2 {
		return nil
	}
	span := h.To.Sub(h.From) / 4
	if span < time.Second {
		a.status, a.statusErr = "already at one second", false
		return nil
	}
	centre := a.idx.Time(a.row(a.tl.cursor))
	from, to := centre.Add(-span/2), centre.Add(span/2)
	if from.Before(h.From) {
		from, to = h.From, h.From.Add(span)
	}
	if to.After(h.To) {
		from, to = h.To.Add(-span), h.To
	}
	keep := a.row(a.tl.cursor)
	a.keepRef = &keep
	a.push("zoom")
	text := withTimeRange(a.applied, from, to)
	a.bar.SetValue(text)
	return a.runQuery(text)
}

// zoomOut goes back to before the last zoom, or widens the range four times.
func (a *App) zoomOut() tea.Cmd {
	if n := len(a.stack); n > 0 && a.stack[n-1].label == "zoom" {
		if len(a.result.Refs) > 0 {
			keep := a.row(a.tl.cursor)
			a.keepRef = &keep
		}
		s := a.stack[n-1]
		a.stack = a.stack[:n-1]
		s.detail = false
		return a.restoreSnapshot(s)
	}
	q, err := filter.ParseQuery(a.applied)
	if err != nil {
		return nil
	}
	var from, to time.Time
	for _, t := range q.Terms {
		if t.Field == filter.FieldSince && !t.At.IsZero() {
			from = t.At
		}
		if t.Field == filter.FieldUntil && !t.At.IsZero() {
			to = t.At
		}
	}
	if from.IsZero() || to.IsZero() {
		a.status, a.statusErr = "not zoomed in", false
		return nil
	}
	span := to.Sub(from)
	text := withTimeRange(a.applied, from.Add(-span*3/2), to.Add(span*3/2))
	a.push("zoom out")
	a.bar.SetValue(text)
	return a.runQuery(text)
}

// withTimeRange replaces the since: and until: terms of a filter.
func withTimeRange(text string, from, to time.Time) string {
	q, err := filter.ParseQuery(text)
	var parts []string
	if err == nil {
		for _, t := range q.Terms {
			if t.Field == filter.FieldSince || t.Field == filter.FieldUntil {
				continue
			}
			parts = append(parts, t.String())
		}
	}
	from, to = from.UTC().Truncate(time.Second), to.UTC().Add(time.Second-1).Truncate(time.Second)
	parts = append(parts, "since:"+from.Format(time.RFC3339), "until:"+to.Format(time.RFC3339))
	return strings.Join(parts, " ")
}
