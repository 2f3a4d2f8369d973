package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/components/filterbar"
	"github.com/trailscope/trailscope/ui/components/summaries"
	"github.com/trailscope/trailscope/ui/views/counts"
	"github.com/trailscope/trailscope/ui/views/coverage"
	"github.com/trailscope/trailscope/ui/views/detail"
	"github.com/trailscope/trailscope/ui/views/findings"
	"github.com/trailscope/trailscope/ui/views/help"
	"github.com/trailscope/trailscope/ui/views/integrity"
	"github.com/trailscope/trailscope/ui/views/principals"
	"github.com/trailscope/trailscope/ui/views/problems"
	"github.com/trailscope/trailscope/ui/views/resources"
	"github.com/trailscope/trailscope/ui/views/scenarios"
	"github.com/trailscope/trailscope/ui/views/timeline"
)

// page is a registered view and the global key that shows it (none: only its ':' command does).
type page struct {
	view common.View
	key  key.Binding
}

// register is where every view of the console is registered, once. A view's ':' command is the row
// of keymap.Commands named as the view; its number key, if it has one, is given here.
func (a *App) register(c common.Common) {
	g := a.keys.Global
	sums := summaries.New(c.State) // one count of the result serves both lists
	a.timeline = timeline.New(c)
	a.pages = []page{
		{a.timeline, g.Timeline},
		{principals.New(c, sums), g.Principals},
		{resources.New(c, sums), g.Resources},
		{problems.New(c), g.Problems},
		{scenarios.New(c, a.opt.Scenarios), key.Binding{}},
		{findings.New(c), key.Binding{}},
		{coverage.New(c), key.Binding{}},
		{counts.New(c), g.Count},
		{integrity.New(c), key.Binding{}},
	}
}

// The overlays and the bar are components too, though not views: the root opens them.
var (
	_ common.Component = (*detail.Model)(nil)
	_ common.Component = (*help.Model)(nil)
	_ common.Component = (*filterbar.Model)(nil)
)

// view returns the registered view named name, nil when there is none.
func (a *App) view(name string) common.View {
	for _, p := range a.pages {
		if p.view.Name() == name {
			return p.view
		}
	}
	return nil
}
