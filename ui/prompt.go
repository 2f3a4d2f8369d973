package ui

import (
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
			if c, ok := keymap.LookupCommand(text); suggested && text != "" && (!ok || c.Name != text) {
				text = chosen
			}
			bar.Blur()
			return a.command(text)
		case filterbar.Export:
			bar.Blur()
			return a.export(text)
		}
		if bar.Err() != nil && !suggested {
			return nil // keep editing: the bar shows what is wrong
		}
		bar.Blur()
		bar.Remember(text)
		if before := strings.TrimSpace(bar.Before()); before != text {
			a.push("filter")
			a.stack[len(a.stack)-1].filter = before
		}
		if text != a.state.Applied || bar.Err() != nil {
			return a.runQuery(text)
		}
		return nil
	}
	return bar.Update(msg)
}

// command runs a ':' command: it shows the view of its name, or opens the help, the export prompt,
// or quits.
func (a *App) command(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	c, ok := keymap.LookupCommand(text)
	switch {
	case !ok:
	case c.Name == helpview.Name:
		a.helpOpen = true
		return nil
	case c.Name == "export":
		a.promptExport()
		return nil
	case c.Name == "quit":
		return tea.Quit
	case a.view(c.Name) != nil:
		return a.show(c.Name)
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
