package timeline

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
)

// zoomIn narrows the filter to a quarter of the result's time span, centred on the selected event.
func (m *Model) zoomIn() tea.Cmd {
	h := m.State.Hist
	if h.Max == 0 || len(m.refs) < 2 {
		return nil
	}
	span := h.To.Sub(h.From) / 4
	if span < time.Second {
		return common.Status("already at one second")
	}
	keep := m.Row(m.table.List.Cursor)
	centre := m.State.Index.Time(keep)
	from, to := centre.Add(-span/2), centre.Add(span/2)
	if from.Before(h.From) {
		from, to = h.From, h.From.Add(span)
	}
	if to.After(h.To) {
		from, to = h.To.Add(-span), h.To
	}
	return common.Goto(common.GotoMsg{Label: "zoom", Filter: withTimeRange(m.State.Applied, from, to), Keep: &keep})
}

// zoomOut goes back to before the last zoom, or widens the range four times.
func (m *Model) zoomOut() tea.Cmd {
	if m.State.LastStep == "zoom" {
		var keep *index.EventRef
		if ref, ok := m.Selected(); ok {
			keep = &ref
		}
		return common.Cmd(common.BackMsg{Keep: keep})
	}
	q, err := filter.ParseQuery(m.State.Applied)
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
		return common.Status("not zoomed in")
	}
	span := to.Sub(from)
	return common.Goto(common.GotoMsg{Label: "zoom out", Filter: withTimeRange(m.State.Applied, from.Add(-span*3/2), to.Add(span*3/2))})
}

// withTimeRange replaces the since: and until: terms of a filter.
func withTimeRange(text string, from, to time.Time) string {
	var q filter.Query
	if parsed, err := filter.ParseQuery(text); err == nil {
		for _, t := range parsed.Terms {
			if t.Field != filter.FieldSince && t.Field != filter.FieldUntil {
				q.Terms = append(q.Terms, t)
			}
		}
	}
	from, to = from.UTC().Truncate(time.Second), to.UTC().Add(time.Second-1).Truncate(time.Second)
	q.Terms = append(q.Terms,
		filter.Term{Field: filter.FieldSince, Values: []string{from.Format(time.RFC3339)}},
		filter.Term{Field: filter.FieldUntil, Values: []string{to.Format(time.RFC3339)}})
	return q.String()
}
