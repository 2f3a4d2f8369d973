package timeline

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/report"
)

// The principal card: when the filter opens one principal (Enter on a principal), what its events say
// of it, above its timeline: first and last seen, its keys and where each came from, source IPs, user
// agents, regions, errors and the calls that changed something, each with its count.

// card is a principal's profile and the lineage of its keys, for the filter it was computed for.
type card struct {
	of, principal string
	profile       index.Profile
	origins       map[string]string // key -> where it came from: "CreateAccessKey by user/admin for bob"
}

// cardMsg brings a card computed off the UI loop.
type cardMsg struct{ card *card }

// cardKeys is how many keys of a principal get their lineage looked up.
const cardKeys = 4

// principalOf returns the principal a filter opens: its one principal: term, with one value.
func principalOf(text string) (string, bool) {
	q, err := filter.ParseQuery(text)
	if err != nil {
		return "", false
	}
	found := ""
	for _, t := range q.Terms {
		if t.Field != filter.FieldPrincipal || t.Negate {
			continue
		}
		if found != "" || len(t.Values) != 1 {
			return "", false
		}
		found = t.Values[0]
	}
	return found, found != ""
}

// cardCmd computes the card of the filter on screen when it opens one principal.
func (m *Model) cardCmd() tea.Cmd {
	s := m.State
	p, ok := principalOf(s.Applied)
	if !ok || len(s.Result.Refs) == 0 {
		m.card = nil
		return nil
	}
	if m.card != nil && m.card.of == s.Applied && m.card.profile.Events == len(s.Result.Refs) {
		return nil
	}
	idx, refs, of := s.Index, s.Result.Refs, s.Applied
	return func() tea.Msg {
		c := &card{of: of, principal: p, profile: idx.Profile(refs), origins: map[string]string{}}
		for _, k := range c.profile.Keys[:min(len(c.profile.Keys), cardKeys)] {
			chain := idx.KeyChain(k.Value)
			if len(chain) == 0 {
				continue
			}
			l := chain[0]
			o := l.Event + " by " + l.Caller
			if l.LongTerm && l.For != "" {
				o += " for " + l.For
			}
			c.origins[k.Value] = o + " " + l.Time.Format("01-02 15:04")
		}
		return cardMsg{c}
	}
}

// takeCard keeps a computed card if it is of the filter on screen.
func (m *Model) takeCard(msg cardMsg) {
	if msg.card != nil && msg.card.of == m.State.Applied {
		m.card = msg.card
	}
}

// cardLines draws the card for the view's width; none when there is no card.
func (m *Model) cardLines() []string {
	c := m.card
	if c == nil || c.of != m.State.Applied {
		return nil
	}
	st := m.Styles
	p := c.profile
	s := cloudtrail.Sanitize
	head := fmt.Sprintf("%s · %s · first %s · last %s · %s", s(c.principal), report.Count(p.Events, "event"),
		p.First.Format("2006-01-02 15:04:05"), p.Last.Format("2006-01-02 15:04:05"), report.Count(p.Errors, "error"))
	keys := make([]string, 0, len(p.Keys))
	for _, k := range p.Keys {
		item := report.CutMiddle(s(k.Value), 20) + " " + report.Commas(k.Count)
		if o := c.origins[k.Value]; o != "" {
			item += " (" + s(o) + ")"
		}
		keys = append(keys, item)
	}
	out := []string{st.Crumb.Render(ansi.Truncate(" ▌ "+head, m.Width, "…"))}
	for _, l := range []struct {
		label string
		items []string
	}{
		{"keys", keys},
		{"from", counted(p.IPs, 0)},
		{"agents", counted(p.UserAgents, 40)},
		{"regions", counted(p.Regions, 0)},
		{"writes", counted(p.Writes, 0)},
	} {
		if len(l.items) == 0 {
			continue
		}
		out = append(out, st.Dim.Render(fmt.Sprintf(" %-8s", l.label))+" "+fit(l.items, m.Width-10))
	}
	return out
}

// counted writes values with their counts, each cut to width cells in the middle when width > 0.
func counted(vs []index.ValueCount, width int) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		text := cloudtrail.Sanitize(v.Value)
		if width > 0 {
			text = report.CutMiddle(text, width)
		}
		out[i] = text + " " + report.Commas(v.Count)
	}
	return out
}

// fit joins items with " · " in width cells, saying how many more did not fit.
func fit(items []string, width int) string {
	var b strings.Builder
	for i, it := range items {
		more := ""
		if rest := len(items) - i - 1; rest > 0 {
			more = fmt.Sprintf(" · +%d more", rest)
		}
		sep := ""
		if i > 0 {
			sep = " · "
		}
		if ansi.StringWidth(b.String()+sep+it+more) > width && i > 0 {
			b.WriteString(fmt.Sprintf(" · +%d more", len(items)-i))
			return b.String()
		}
		b.WriteString(sep + it)
	}
	return ansi.Truncate(b.String(), width, "…")
}
