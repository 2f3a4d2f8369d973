// Package keymap holds every key binding of the console and the groups the help overlay shows.
// Bindings live here and nowhere else: the ui matches keys against them and help is generated from them.
package keymap

import "charm.land/bubbles/v2/key"

// Global are the keys that work in every view.
type Global struct {
	Interrupt                                 key.Binding // quits from anywhere, even while typing
	Quit, Help, Back, Filter, Command, Export key.Binding
	Timeline, Principals, Resources, Problems key.Binding
	Time                                      key.Binding // times in UTC, the local zone, or relative
	Yes                                       key.Binding // answers a question on the status line
	Count                                     key.Binding
}

// List are the keys of the tables: the timeline, principals, resources and problems.
type List struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Open key.Binding
	Expand, Collapse, Sort, ZoomIn, ZoomOut       key.Binding
	Mark                                          key.Binding
	Whole                                         key.Binding
}

// Detail are the keys of an event's detail view.
type Detail struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Toggle, Pivot, Minted, Prev, Next, Copy key.Binding
	CopyRecord, Pager, FoldAll, UnfoldAll   key.Binding
}

// Filter are the keys of the filter bar and the other one-line prompts.
type Filter struct {
	Apply, Cancel, Complete, CompletePrev, HistoryUp, HistoryDown, ClearLine, DeleteWord key.Binding
	Left, Right, Home, End, Backspace, Delete, Space                                     key.Binding
	WordLeft, WordRight, DeleteToEnd                                                     key.Binding
}

// Scenarios are the keys of the scenarios view (the built-in sample's questions).
type Scenarios struct {
	Try, Hint, Answer, Evidence key.Binding
}

// Findings are the keys of the findings view (what the detection rules found).
type Findings struct {
	Open key.Binding
}

// Count are the keys of the count view (#, :count): the field it counts by.
type Count struct {
	NextField, PrevField key.Binding
}

// KeyMap is every binding of the console.
type KeyMap struct {
	Global    Global
	List      List
	Detail    Detail
	Filter    Filter
	Scenarios Scenarios
	Findings  Findings
	Count     Count
}

// Default returns the console's bindings: vim keys and arrows.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Global: Global{
			Interrupt:  b("ctrl+c", "quit", "ctrl+c"),
			Quit:       b("q", "quit", "q", "ctrl+c"),
			Help:       b("?", "help", "?"),
			Back:       b("esc", "back", "esc", "backspace"),
			Filter:     b("/", "filter", "/"),
			Command:    b(":", "command (:timeline :principals ...)", ":"),
			Export:     b("e", "export result (jsonl/csv)", "e"),
			Timeline:   b("1", "timeline", "1"),
			Principals: b("2", "principals", "2"),
			Resources:  b("3", "resources", "3"),
			Problems:   b("4", "problems", "4", "!"),
			Time:       b("t", "times: utc / local zone / relative", "t"),
			Yes:        b("y", "yes, to a question on the status line (any other key: no)", "y", "Y"),
			Count:      b("#", "count by a field", "#"),
		},
		List: List{
			Up:       b("↑/k", "up", "up", "k"),
			Down:     b("↓/j", "down", "down", "j"),
			PageUp:   b("pgup/ctrl+b/ctrl+u", "page up", "pgup", "ctrl+b", "ctrl+u"),
			PageDown: b("pgdn/ctrl+f/ctrl+d", "page down", "pgdown", "ctrl+f", "ctrl+d"),
			Top:      b("g/home", "first", "g", "home"),
			Bottom:   b("G/end", "last", "G", "end"),
			Open:     b("enter", "open", "enter"),
			Expand:   b("→/l", "expand role", "right", "l", "tab"),
			Collapse: b("←/h", "collapse role", "left", "h"),
			Sort:     b("s", "sort order", "s"),
			ZoomIn:   b("z", "zoom in on time", "z", "+"),
			ZoomOut:  b("Z", "zoom out", "Z", "-"),
			Mark:     b("space", "mark the event (:marked lists them)", "space"),
			Whole:    b("w", "whole cells of the row", "w"),
		},
		Detail: Detail{
			Up:         b("↑/k", "up", "up", "k"),
			Down:       b("↓/j", "down", "down", "j"),
			PageUp:     b("pgup/ctrl+b/ctrl+u", "page up", "pgup", "ctrl+b", "ctrl+u"),
			PageDown:   b("pgdn/ctrl+f/ctrl+d/space", "page down", "pgdown", "ctrl+f", "ctrl+d", "space"),
			Top:        b("g", "top", "g", "home"),
			Bottom:     b("G", "bottom", "G", "end"),
			Toggle:     b("enter", "open link / fold", "enter", "tab"),
			Pivot:      b("p", "pivot: filter by this value", "p"),
			Minted:     b("m", "minting event of the key", "m"),
			Prev:       b("[", "previous event", "[", "shift+up", "K"),
			Next:       b("]", "next event", "]", "shift+down", "J"),
			Copy:       b("y", "copy the value under the cursor (OSC 52)", "y", "c"),
			CopyRecord: b("Y", "copy the whole record (OSC 52)", "Y"),
			Pager:      b("o", "open the record in $PAGER", "o"),
			FoldAll:    b("h", "fold", "h", "left"),
			UnfoldAll:  b("l", "unfold", "l", "right"),
		},
		Filter: Filter{
			Apply:        b("enter", "apply", "enter"),
			Cancel:       b("esc", "cancel", "esc"),
			Complete:     b("tab", "complete", "tab"),
			CompletePrev: b("shift+tab", "previous completion", "shift+tab"),
			HistoryUp:    b("↑", "history", "up", "ctrl+p"),
			HistoryDown:  b("↓", "history", "down", "ctrl+n"),
			ClearLine:    b("ctrl+u", "clear", "ctrl+u"),
			DeleteWord:   b("ctrl+w", "delete word", "ctrl+w", "alt+backspace"),
			Left:         b("←", "left", "left", "ctrl+b"),
			Right:        b("→", "right", "right", "ctrl+f"),
			Home:         b("home", "start of line", "home", "ctrl+a"),
			End:          b("end", "end of line", "end", "ctrl+e"),
			Backspace:    b("backspace", "delete back", "backspace", "ctrl+h"),
			Delete:       b("del", "delete", "delete", "ctrl+d"),
			Space:        b("space", "end the term", "space"),
			WordLeft:     b("alt+←", "word left", "alt+left", "ctrl+left", "alt+b"),
			WordRight:    b("alt+→", "word right", "alt+right", "ctrl+right", "alt+f"),
			DeleteToEnd:  b("ctrl+k", "delete to the end", "ctrl+k"),
		},
		Scenarios: Scenarios{
			Try:      b("enter", "try the hint", "enter"),
			Hint:     b("h", "show the hint", "h"),
			Answer:   b("a", "show the answer", "a"),
			Evidence: b("v", "view the answer's events", "v"),
		},
		Findings: Findings{
			Open: b("enter", "open the finding's events", "enter"),
		},
		Count: Count{
			NextField: b("→/l", "count by the next field", "right", "l", "tab"),
			PrevField: b("←/h", "count by the field before", "left", "h"),
		},
	}
}

// Group is a titled set of bindings for the help overlay.
type Group struct {
	Title    string
	Bindings []key.Binding
}

// HelpGroups returns the groups the help overlay shows, in order.
func (k KeyMap) HelpGroups() []Group {
	g, l, d, f, s := k.Global, k.List, k.Detail, k.Filter, k.Scenarios
	return []Group{
		{"Views", []key.Binding{g.Timeline, g.Principals, g.Resources, g.Problems, g.Count, g.Command, g.Back, g.Help, g.Quit, g.Interrupt, g.Yes}},
		{"Lists", []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom, l.Open, l.Expand, l.Collapse, l.Sort, l.ZoomIn, l.ZoomOut, l.Whole, l.Mark, g.Time}},
		{"Filter", []key.Binding{g.Filter, f.Apply, f.Cancel, f.Complete, f.CompletePrev, f.HistoryUp, f.HistoryDown, f.Left, f.Right, f.WordLeft, f.WordRight, f.Home, f.End, f.Backspace, f.Delete, f.DeleteWord, f.DeleteToEnd, f.ClearLine, f.Space, g.Export}},
		{"Detail", []key.Binding{d.Up, d.Down, d.PageUp, d.PageDown, d.Top, d.Bottom, d.Toggle, d.Pivot, d.Minted, d.Prev, d.Next, d.Copy, d.CopyRecord, d.Pager, d.FoldAll, d.UnfoldAll}},
		{"Scenarios (:scenarios)", []key.Binding{s.Try, s.Hint, s.Answer, s.Evidence}},
		{"Findings (:findings)", []key.Binding{k.Findings.Open}},
		{"Counts (#, :count)", []key.Binding{k.Count.NextField, k.Count.PrevField}},
	}
}

// Command is one ':' command: its name, the other names it answers to, and what it opens (a view's
// name, or "help", "export", "quit").
type Command struct {
	Name    string
	Aliases []string
	Help    string // what it does, for completion and the help overlay
	Args    string // what follows the name, for the help ("NAME", "[FILE]"); "" when nothing
}

// Commands is the one table of ':' commands: completion, the help overlay and the dispatch read it.
var Commands = []Command{
	{"timeline", []string{"t", "1"}, "every event of the filter, in time", ""},
	{"principals", []string{"principal", "p", "2"}, "who: one row per principal, roles expand into sessions", ""},
	{"resources", []string{"resource", "r", "3"}, "what: one row per resource touched", ""},
	{"problems", []string{"problem", "4", "!"}, "what could not be read", ""},
	{"scenarios", []string{"scenario", "5"}, "the built-in sample's incidents: questions, hints and answers", ""},
	{"findings", []string{"finding", "f", "6"}, "what to look at first: the detection rules over the loaded events", ""},
	{"count", []string{"counts", "#"}, "the result counted by a field: :count ip, :count key, ... (←/→ another field)", "[FIELD]"},
	{"coverage", []string{"cov", "7"}, "what the records can show: time spans and gaps, trails and their changes, data events", ""},
	{"integrity", []string{"verify", "int"}, "log file integrity: every loaded file against its digest, the worst first (when the files hold digests)", ""},
	{"marked", []string{"marks"}, "the events marked with space (kept across runs)", ""},
	{"save", nil, "keep the filter on screen under a name", "NAME"},
	{"load", nil, "apply a filter saved with :save", "NAME"},
	{"report", nil, "write an incident timeline of the marked events (or the result): Markdown, or HTML for a .html name", "[FILE]"},
	{"help", []string{"h", "?"}, "every key", ""},
	{"export", []string{"e"}, "write the result to a file (.jsonl or .csv)", ""},
	{"quit", []string{"q", "q!"}, "leave", ""},
}

// LookupCommand finds the command named s, by its name or an alias.
func LookupCommand(s string) (Command, bool) {
	for _, c := range Commands {
		if c.Name == s {
			return c, true
		}
		for _, a := range c.Aliases {
			if a == s {
				return c, true
			}
		}
	}
	return Command{}, false
}
