package ui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/ui/components/filterbar"
	helpview "github.com/trailscope/trailscope/ui/views/help"
)

// onBarKey applies or cancels what the bar holds; other keys edit it.
func (a *App) onBarKey(msg tea.KeyPressMsg) tea.Cmd {
	f, bar := a.keys.Filter, a.bar
	switch {
	case key.Matches(msg, f.Cancel):
		mode, before := bar.Mode(), bar.Before()
		bar.Blur()
		if mode == filterbar.Filter && bar.Value() != before {
			bar.SetValue(before)
			return a.runQuery(before)
		}
		bar.SetErr(nil)
		return nil
	case key.Matches(msg, f.Apply):
		text := strings.TrimSpace(bar.Value())
		chosen, suggested := bar.Suggestion()
		switch bar.Mode() {
		case filterbar.Command:
			if suggested && text != "" && !exactCommand(text, a.state.SavedNames) {
				text = chosen
			}
			bar.Blur()
			return a.command(text)
		case filterbar.Export:
			bar.Blur()
			return a.writeFile(text, "the export", a.export) // ~ expanded, y/n before overwriting
		}
		if bar.Err() != nil && !suggested {
			return nil // keep editing: the bar shows what is wrong
		}
		bar.Blur()
		remember := a.remember(text)
		if before := strings.TrimSpace(bar.Before()); before != text {
			a.push("filter")
			a.stack[len(a.stack)-1].filter = before
		}
		if text != a.state.Applied || bar.Err() != nil {
			return tea.Batch(remember, a.runQuery(text))
		}
		return remember
	}
	return bar.Update(msg)
}

// exactCommand reports whether text names a command by its full name, and the saved filter :load
// names exactly: what Enter runs as typed rather than as the completion chosen.
func exactCommand(text string, saved []string) bool {
	name, arg, hasArg := strings.Cut(text, " ")
	c, ok := keymap.LookupCommand(name)
	switch {
	case !ok:
		return false
	case !hasArg:
		return c.Name == text
	case c.Name == "load":
		return slices.Contains(saved, strings.TrimSpace(arg))
	}
	return true
}

// rootCommands are the ':' commands the root runs itself (the others show the view of their name);
// arg is what follows the name.
var rootCommands = map[string]func(a *App, arg string) tea.Cmd{
	helpview.Name: func(a *App, _ string) tea.Cmd { a.helpOpen = true; return nil },
	"export":      func(a *App, _ string) tea.Cmd { a.promptExport(); return nil },
	"quit":        func(a *App, _ string) tea.Cmd { return tea.Quit },
	"marked":      (*App).showMarked,
	"save":        (*App).saveFilter,
	"load":        (*App).loadFilter,
	"report":      (*App).writeReport,
}

// argued is a view whose command takes an argument (`:count ip`).
type argued interface{ SetArg(arg string) error }

// command runs a ':' command: it shows the view of its name (given its argument, if it takes one),
// or runs one of the root's own.
func (a *App) command(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	name, arg, _ := strings.Cut(text, " ")
	c, ok := keymap.LookupCommand(name)
	if v, isArgued := a.view(c.Name).(argued); ok && isArgued && strings.TrimSpace(arg) != "" {
		if err := v.SetArg(arg); err != nil {
			a.report("%s", cloudtrail.Sanitize(err.Error()))
			return nil
		}
	}
	if ok {
		if run, own := rootCommands[c.Name]; own {
			return run(a, strings.TrimSpace(arg))
		}
		if a.view(c.Name) != nil {
			return a.show(c.Name)
		}
	}
	var places []string
	for _, c := range keymap.Commands {
		if a.view(c.Name) != nil || c.Name == helpview.Name {
			places = append(places, ":"+c.Name)
		}
	}
	a.report("unknown command %q: try %s", cloudtrail.Sanitize(text), strings.Join(places, " "))
	return nil
}

// promptExport asks where to write the result, offering a name of the time.
func (a *App) promptExport() {
	a.bar.Focus(filterbar.Export, "trailscope-"+time.Now().UTC().Format("20060102-150405")+".jsonl")
}
