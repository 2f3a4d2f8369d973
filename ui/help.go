package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/filter"
)

// helpView draws every key binding, generated from the keymap, and the filter language.
func (a *App) helpView() []string {
	st := &a.st
	groups := a.keys.HelpGroups()
	colW := max((a.w-2)/2, 30)
	var cols [][]string
	for _, g := range groups {
		col := []string{st.HelpTitle.Render(g.Title)}
		for _, b := range g.Bindings {
			h := b.Help()
			col = append(col, st.Key.Render(cell(h.Key, 12, false))+" "+st.KeyDesc.Render(h.Desc))
		}
		cols = append(cols, append(col, ""))
	}
	var out []string
	// Two columns of groups side by side.
	for i := 0; i < len(cols); i += 2 {
		left := cols[i]
		var right []string
		if i+1 < len(cols) {
			right = cols[i+1]
		}
		for j := 0; j < max(len(left), len(right)); j++ {
			l, r := "", ""
			if j < len(left) {
				l = left[j]
			}
			if j < len(right) {
				r = right[j]
			}
			out = append(out, " "+cell(l, colW, false)+" "+r)
		}
	}
	out = append(out, " "+st.HelpTitle.Render("Filter language")+st.Dim.Render("  terms are ANDed · -term negates · commas OR · \"quotes\" for spaces"))
	var line strings.Builder
	line.WriteString(" ")
	for _, q := range filter.Qualifiers {
		item := q.Example + "  "
		if ansi.StringWidth(line.String())+len(item) > a.w {
			out = append(out, st.Dim.Render(line.String()))
			line.Reset()
			line.WriteString(" ")
		}
		line.WriteString(item)
	}
	out = append(out, st.Dim.Render(line.String()), " "+st.Dim.Render("bare words match principal, event, resource and IP · ? or esc closes"))
	return out
}
