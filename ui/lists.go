package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/report"
)

// summaryMsg carries the per-principal and per-resource aggregations of a result.
type summaryMsg struct {
	seq        int
	text       string // the filter summarised
	principals []index.PrincipalSummary
	resources  []index.ResourceSummary
}

// summarize aggregates the result on screen, off the UI loop.
func (a *App) summarize() tea.Cmd {
	if a.sumBusy { // one aggregation at a time: a growing index would otherwise pile them up
		a.sumAgain = true
		return nil
	}
	a.sumBusy, a.sumAgain = true, false
	idx, refs, seq, text := a.idx, a.result.Refs, a.seq, a.applied
	return func() tea.Msg {
		return summaryMsg{seq: seq, text: text, principals: idx.SummarizePrincipals(refs), resources: idx.SummarizeResources(refs)}
	}
}

// principalRow is one row of the principals view: a role or principal, or a session under a role.
type principalRow struct {
	s       *index.PrincipalSummary
	session bool
	parent  string // the role a session belongs to
}

var principalSorts = []string{"events", "errors", "writes", "last seen", "name"}

func comparePrincipals(by int) func(a, b index.PrincipalSummary) int {
	return func(a, b index.PrincipalSummary) int {
		var c int
		switch by {
		case 1:
			c = cmp.Compare(b.Errors, a.Errors)
		case 2:
			c = cmp.Compare(b.Writes, a.Writes)
		case 3:
			c = b.Last.Compare(a.Last)
		case 4:
			c = strings.Compare(a.Principal, b.Principal)
		}
		if c != 0 {
			return c
		}
		if c := cmp.Compare(b.Events, a.Events); c != 0 {
			return c
		}
		return strings.Compare(a.Principal, b.Principal)
	}
}

// buildPrincipalRows flattens the principals with the expanded roles' sessions under them.
func (a *App) buildPrincipalRows() {
	a.prRows = a.prRows[:0]
	if a.summaries == nil {
		return
	}
	ps := a.summaries.principals
	slices.SortStableFunc(ps, comparePrincipals(a.prSort))
	for i := range ps {
		p := &ps[i]
		a.prRows = append(a.prRows, principalRow{s: p})
		if len(p.Sessions) > 0 && a.expanded[p.Principal] {
			slices.SortStableFunc(p.Sessions, comparePrincipals(a.prSort))
			for j := range p.Sessions {
				a.prRows = append(a.prRows, principalRow{s: &p.Sessions[j], session: true, parent: p.Principal})
			}
		}
	}
	a.pr.clamp(len(a.prRows), a.bodyHeight()-1)
}

var principalColumns = []column{
	{title: "PRINCIPAL", min: 33, max: 70, weight: 4},
	{title: "EVENTS", min: 7, max: 9, right: true},
	{title: "WRITES", min: 6, max: 8, right: true},
	{title: "ERRORS", min: 6, max: 8, right: true},
	{title: "LAST SEEN", min: 11, max: 16, weight: 1, optional: true},
	{title: "TYPE", min: 12, max: 16, weight: 1, optional: true},
	{title: "IPS", min: 4, max: 5, right: true, optional: true},
	{title: "FIRST SEEN", min: 11, max: 16, weight: 1, optional: true},
	{title: "REGIONS", min: 7, max: 7, right: true, optional: true},
}

func (a *App) principalsView() []string {
	st := &a.st
	cols := layoutColumns(principalColumns, a.w-1)
	out := []string{a.header(cols, principalSorts[a.prSort])}
	if a.summaries == nil {
		return append(out, "", "  "+st.Dim.Render("counting…"))
	}
	if len(a.prRows) == 0 {
		return append(out, "", "  "+st.Dim.Render("no events match this filter"))
	}
	h := a.bodyHeight() - 1
	a.pr.clamp(len(a.prRows), h)
	for i := a.pr.offset; i < min(a.pr.offset+h, len(a.prRows)); i++ {
		r := a.prRows[i]
		p := r.s
		name := p.Principal
		switch {
		case r.session:
			name = "  " + strings.TrimPrefix(p.Principal, r.parent+" ")
		case len(p.Sessions) > 0 && a.expanded[p.Principal]:
			name = "▾ " + name
		case len(p.Sessions) > 0:
			name = "▸ " + name
		default:
			name = "  " + name
		}
		var b strings.Builder
		b.WriteString(" ")
		for _, c := range cols {
			var v string
			switch c.title {
			case "PRINCIPAL":
				v = name
			case "TYPE":
				v = p.Type
			case "EVENTS":
				v = report.Commas(p.Events)
			case "WRITES":
				v = report.Commas(p.Writes)
			case "ERRORS":
				v = report.Commas(p.Errors)
			case "LAST SEEN":
				v = p.Last.Format(shortTime(c.w))
			case "FIRST SEEN":
				v = p.First.Format(shortTime(c.w))
			case "IPS":
				v = fmt.Sprint(p.IPs)
			case "REGIONS":
				v = fmt.Sprint(p.Regions)
			}
			b.WriteString(cell(cloudtrail.Sanitize(v), c.w, c.right) + " ")
		}
		line := strings.TrimRight(b.String(), " ")
		switch {
		case i == a.pr.cursor:
			line = st.Selected.Render(cell(line, a.w, false))
		case p.Errors > 0 && p.Errors*2 >= p.Events:
			line = st.Error.Render(line)
		case r.session:
			line = st.Dim.Render(line)
		}
		out = append(out, line)
	}
	return out
}

func shortTime(w int) string {
	if w >= 16 {
		return "2006-01-02 15:04"
	}
	return "01-02 15:04"
}

// header draws a table header, naming the sort order on the right.
func (a *App) header(cols []column, sortedBy string) string {
	var b strings.Builder
	b.WriteString(" ")
	for _, c := range cols {
		b.WriteString(cell(c.title, c.w, c.right) + " ")
	}
	h := strings.TrimRight(b.String(), " ")
	if by := "  by " + sortedBy; len([]rune(h))+len(by) <= a.w {
		return a.st.Header.Render(h) + a.st.Dim.Render(by)
	}
	return a.st.Header.Render(h)
}

func (a *App) onPrincipalsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys.List
	if a.pr.move(msg, k, len(a.prRows), a.bodyHeight()-1) {
		return nil
	}
	if len(a.prRows) == 0 {
		return nil
	}
	r := a.prRows[a.pr.cursor]
	switch {
	case key.Matches(msg, k.Open):
		if r.s.Principal == "(no identity)" {
			return a.narrow("type:none")
		}
		return a.narrow(filter.Term{Field: filter.FieldPrincipal, Values: []string{r.s.Principal}}.String())
	case key.Matches(msg, k.Expand), msg.String() == "h", msg.String() == "left":
		role := r.s.Principal
		if r.session {
			role = r.parent
		}
		if len(r.s.Sessions) == 0 && !r.session {
			return nil
		}
		a.expanded[role] = !a.expanded[role]
		a.buildPrincipalRows()
		for i, row := range a.prRows {
			if !row.session && row.s.Principal == role {
				a.pr.cursor = i
			}
		}
		a.pr.clamp(len(a.prRows), a.bodyHeight()-1)
	case key.Matches(msg, k.Sort):
		a.prSort = (a.prSort + 1) % len(principalSorts)
		a.buildPrincipalRows()
		a.pr.cursor = 0
		a.status, a.statusErr = "principals by "+principalSorts[a.prSort], false
	}
	return nil
}

var resourceSorts = []string{"events", "principals", "last seen", "kind"}

// sortResources orders the resources; resources whose ID the filter names come first.
func (a *App) sortResources() {
	if a.summaries == nil {
		a.rsRows = nil
		return
	}
	named := filterWords(a.applied)
	a.rsRows = a.summaries.resources
	by := a.rsSort
	slices.SortStableFunc(a.rsRows, func(x, y index.ResourceSummary) int {
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
	a.rs.clamp(len(a.rsRows), a.bodyHeight()-1)
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

var resourceColumns = []column{
	{title: "KIND", min: 14, max: 22, weight: 1},
	{title: "RESOURCE", min: 24, max: 70, weight: 4},
	{title: "EVENTS", min: 7, max: 9, right: true},
	{title: "WHO", min: 4, max: 5, right: true},
	{title: "LAST EVENT", min: 18, max: 30, weight: 1},
	{title: "LAST SEEN", min: 11, max: 16, weight: 1, optional: true},
	{title: "LAST BY", min: 18, max: 40, weight: 2, optional: true},
	{title: "FIRST SEEN", min: 11, max: 16, weight: 1, optional: true},
}

func (a *App) resourcesView() []string {
	st := &a.st
	cols := layoutColumns(resourceColumns, a.w-1)
	out := []string{a.header(cols, resourceSorts[a.rsSort])}
	if a.summaries == nil {
		return append(out, "", "  "+st.Dim.Render("counting…"))
	}
	if len(a.rsRows) == 0 {
		return append(out, "", "  "+st.Dim.Render("no resources among the events of this filter"))
	}
	h := a.bodyHeight() - 1
	a.rs.clamp(len(a.rsRows), h)
	for i := a.rs.offset; i < min(a.rs.offset+h, len(a.rsRows)); i++ {
		r := a.rsRows[i]
		var b strings.Builder
		b.WriteString(" ")
		for _, c := range cols {
			var v string
			switch c.title {
			case "KIND":
				v = r.Resource.Kind
			case "RESOURCE":
				v = r.Resource.ID
			case "EVENTS":
				v = report.Commas(r.Events)
			case "WHO":
				v = fmt.Sprint(r.Principals)
			case "LAST EVENT":
				v = r.LastEvent
			case "LAST SEEN":
				v = r.Last.Format(shortTime(c.w))
			case "LAST BY":
				v = r.LastBy
			case "FIRST SEEN":
				v = r.First.Format(shortTime(c.w))
			}
			b.WriteString(cell(cloudtrail.Sanitize(v), c.w, c.right) + " ")
		}
		line := strings.TrimRight(b.String(), " ")
		if i == a.rs.cursor {
			line = st.Selected.Render(cell(line, a.w, false))
		}
		out = append(out, line)
	}
	return out
}

func (a *App) onResourcesKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys.List
	if a.rs.move(msg, k, len(a.rsRows), a.bodyHeight()-1) {
		return nil
	}
	if len(a.rsRows) == 0 {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		r := a.rsRows[a.rs.cursor].Resource
		return a.narrow(filter.Term{Field: filter.FieldResource, Values: []string{r.ID}}.String())
	case key.Matches(msg, k.Sort):
		a.rsSort = (a.rsSort + 1) % len(resourceSorts)
		a.sortResources()
		a.rs.cursor = 0
		a.status, a.statusErr = "resources by "+resourceSorts[a.rsSort], false
	}
	return nil
}

func (a *App) problemsView() []string {
	st := &a.st
	out := []string{st.Header.Render(cell(" FILE", a.w/2, false) + " " + "REASON")}
	if len(a.problems) == 0 {
		return append(out, "", "  "+st.Dim.Render("nothing went wrong: every file read was understood"))
	}
	h := a.bodyHeight() - 1
	a.pb.clamp(len(a.problems), h)
	for i := a.pb.offset; i < min(a.pb.offset+h, len(a.problems)); i++ {
		p := a.problems[i]
		file := p.File
		if p.Record > 0 {
			file = fmt.Sprintf("%s #%d", p.File, p.Record)
		}
		line := " " + cell(cloudtrail.Sanitize(file), a.w/2-1, false) + " " + cloudtrail.Sanitize(p.Reason)
		if i == a.pb.cursor {
			line = st.Selected.Render(cell(line, a.w, false))
		}
		out = append(out, line)
	}
	return out
}
