package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
)

// loadSettings reads what earlier runs kept: the filter history, the saved filters' names, the
// marks; and sets the clock from the config. A state file that cannot be read is said, not fatal.
func (a *App) loadSettings() {
	cfg := a.opt.Config
	a.timeline.SetColumns(cfg.Columns)
	if cfg.Mouse != nil && !*cfg.Mouse {
		a.opt.NoMouse = true
	}
	a.state.Marks = map[string]bool{}
	if loc, err := cfg.Location(); err == nil {
		a.state.Clock.Zone = loc
		if loc == nil || loc.String() == "UTC" {
			a.state.Clock.Zone = nil // the zone `t` offers is then the local one
		} else {
			a.state.Clock.Mode = common.TimesZone
		}
	}
	if cfg.RelativeTimes {
		a.state.Clock.Mode = common.TimesRelative
	}
	st := a.opt.Settings
	if st == nil {
		return
	}
	var errs []string
	if h, err := st.History(); err != nil {
		errs = append(errs, err.Error())
	} else {
		for _, f := range h {
			a.bar.Remember(f)
		}
	}
	if m, err := st.Marks(); err != nil {
		errs = append(errs, err.Error())
	} else if m != nil {
		a.state.Marks = m
	}
	a.state.SavedNames = st.SavedNames()
	if len(errs) > 0 {
		a.report("state not read: %s", cloudtrail.Sanitize(strings.Join(errs, "; ")))
	}
}

// persist runs a write of the state off the UI loop; a failure is said on the status line.
func (a *App) persist(what string, write func() error) tea.Cmd {
	if a.opt.Settings == nil {
		return nil
	}
	return func() tea.Msg {
		if err := write(); err != nil {
			return common.StatusMsg{Text: what + " not kept: " + cloudtrail.Sanitize(err.Error()), Err: true}
		}
		return nil
	}
}

// remember adds a filter to the bar's history and to the history kept across runs.
func (a *App) remember(text string) tea.Cmd {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	a.bar.Remember(text)
	st := a.opt.Settings
	return a.persist("filter history", func() error { return st.AddHistory(text) })
}

// toggleMark marks an event, or unmarks it, by its eventID; the marks are kept across runs.
func (a *App) toggleMark(ref index.EventRef) tea.Cmd {
	id := a.state.Index.Record(ref).EventID
	if id == "" {
		a.report("this event has no eventID to mark it by")
		return nil
	}
	marks := a.state.Marks
	if marks[id] {
		delete(marks, id)
		a.say(fmt.Sprintf("unmarked · %d marked", len(marks)))
	} else {
		marks[id] = true
		a.say(fmt.Sprintf("marked · %d marked: :marked lists them, :report writes them", len(marks)))
	}
	keep := make(map[string]bool, len(marks)) // a copy: the write runs off the UI loop
	for id := range marks {
		keep[id] = true
	}
	st := a.opt.Settings
	return a.persist("marks", func() error { return st.SetMarks(keep) })
}

// markedIDs are the marked events' IDs, sorted.
func (a *App) markedIDs() []string {
	ids := make([]string, 0, len(a.state.Marks))
	for id := range a.state.Marks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// showMarked shows the timeline of the marked events (:marked).
func (a *App) showMarked(string) tea.Cmd {
	ids := a.markedIDs()
	if len(ids) == 0 {
		a.say("no marked events: space marks the event under the cursor")
		return nil
	}
	text := markedQuery(ids).String()
	return a.goTo(common.GotoMsg{Label: "marked", Filter: text,
		Status: fmt.Sprintf("%d marked events (those loaded show) · esc goes back", len(ids))})
}

// saveFilter keeps the filter on screen under a name (:save NAME).
func (a *App) saveFilter(name string) tea.Cmd {
	switch {
	case a.opt.Settings == nil:
		a.report("saved filters are not kept in a shared session")
		return nil
	case name == "":
		a.report("name the filter: :save NAME")
		return nil
	case a.state.Applied == "":
		a.report("no filter to save: / types one")
		return nil
	}
	if err := a.opt.Settings.Save(name, a.state.Applied); err != nil {
		a.report("not saved: %s", cloudtrail.Sanitize(err.Error()))
		return nil
	}
	if !slices.Contains(a.state.SavedNames, name) {
		a.state.SavedNames = append(a.state.SavedNames, name)
		sort.Strings(a.state.SavedNames)
	}
	a.say(fmt.Sprintf("saved as %s: :load %s applies it, trailscope query --saved %s too", name, name, name))
	return nil
}

// loadFilter applies a saved filter (:load NAME).
func (a *App) loadFilter(name string) tea.Cmd {
	if a.opt.Settings == nil {
		a.report("saved filters are not kept in a shared session")
		return nil
	}
	if name == "" {
		a.report("which filter? :load NAME (saved: %s)", strings.Join(a.state.SavedNames, ", "))
		return nil
	}
	text, err := a.opt.Settings.Load(name)
	if err != nil {
		a.report("%s", cloudtrail.Sanitize(err.Error()))
		return nil
	}
	return tea.Batch(a.goTo(common.GotoMsg{Label: "load", Filter: text, Status: "loaded " + cloudtrail.Sanitize(name) + " · esc goes back"}),
		a.remember(text))
}
