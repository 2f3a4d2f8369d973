// Package filterbar is the console's one-line editor: the filter (applied as it is typed, after a
// short debounce), the ':' command prompt and the export prompt, with history and completion of
// qualifier names, values and commands. The filter text is parsed by filter.ParseQuery; the root
// runs the query when the bar sends ChangedMsg.
package filterbar

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/ui/common"
)

// Mode is what the bar is asking for.
type Mode int

// The bar's modes.
const (
	Filter Mode = iota
	Command
	Export
)

// suggestion is one completion: the text that replaces the token under the cursor.
type suggestion struct {
	Text, Hint string
}

// maxCompletionValues bounds the values completion ranks: the most frequent ones, so that fuzzy
// ranking stays within a few milliseconds whatever the index holds.
const maxCompletionValues = 20000

// Model is the one-line editor of the filter (and of the ':' and export prompts).
type Model struct {
	common.Common
	in      textinput.Model // the text and its cursor, edited by bubbles' textinput; the bar draws it
	focused bool
	mode    Mode
	before  string // the text when the bar was focused: Esc puts it back

	history []string
	hpos    int

	err *filter.QueryError // the last parse error of the filter

	sugg []suggestion
	sel  int

	debounce int // the latest edit: an older debounce tick is dropped

	values    map[filter.Field][]string
	valuesLen int // Index.Len when values were cached
}

// Value returns the text in the bar.
func (f *Model) Value() string { return f.in.Value() }

// SetValue replaces the text and puts the cursor at its end.
func (f *Model) SetValue(s string) {
	f.in.SetValue(s)
	f.in.CursorEnd()
	f.sugg = nil
}

// runes is the text as runes, and pos the cursor's place in them.
func (f *Model) runes() []rune { return []rune(f.in.Value()) }
func (f *Model) pos() int      { return f.in.Position() }

// Position is the cursor's place in the text, in runes.
func (f *Model) Position() int { return f.pos() }

// set replaces the text and puts the cursor at pos.
func (f *Model) set(value []rune, pos int) {
	f.in.SetValue(string(value))
	f.in.SetCursor(pos)
}

// editKeys maps the bar's editing keys onto textinput's actions; what the bar does itself
// (completion, history, apply) is not given to it.
func editKeys(k keymap.Filter) textinput.KeyMap {
	var none key.Binding
	return textinput.KeyMap{
		CharacterForward: k.Right, CharacterBackward: k.Left, WordForward: k.WordRight, WordBackward: k.WordLeft,
		DeleteWordBackward: k.DeleteWord, DeleteWordForward: none, DeleteAfterCursor: k.DeleteToEnd,
		DeleteBeforeCursor: k.ClearLine, DeleteCharacterBackward: k.Backspace, DeleteCharacterForward: k.Delete,
		LineStart: k.Home, LineEnd: k.End, Paste: none, AcceptSuggestion: none, NextSuggestion: none, PrevSuggestion: none,
	}
}

// isEdit reports whether textinput should have the key: one of its actions, or text typed.
func (f *Model) isEdit(msg tea.KeyPressMsg) bool {
	k := f.Keys.Filter
	if key.Matches(msg, k.Right, k.Left, k.WordRight, k.WordLeft, k.DeleteWord, k.DeleteToEnd, k.ClearLine, k.Backspace, k.Delete, k.Home, k.End) {
		return true
	}
	return msg.Key().Text != "" && msg.Key().Mod&^tea.ModShift == 0
}

// Focus starts editing in mode m with text s.
func (f *Model) Focus(m Mode, s string) {
	f.mode = m
	f.focused = true
	f.before = s
	f.SetValue(s)
	f.hpos = len(f.history)
}

// Blur stops editing.
func (f *Model) Blur() {
	f.focused = false
	f.sugg = nil
}

// Remember adds a filter to the history.
func (f *Model) Remember(s string) {
	if s == "" || (len(f.history) > 0 && f.history[len(f.history)-1] == s) {
		return
	}
	f.history = append(f.history, s)
	if len(f.history) > 100 {
		f.history = f.history[1:]
	}
	f.hpos = len(f.history)
}

// Update edits the text; a change of the filter sends ChangedMsg once the typing pauses.
func (f *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case debounceMsg:
		if msg.id != f.debounce || f.mode != Filter {
			return nil
		}
		return common.Cmd(ChangedMsg{Text: f.Value()})
	case tea.PasteMsg, tea.KeyPressMsg:
		if f.focused && f.edit(msg) && f.mode == Filter {
			f.debounce++
			id := f.debounce
			return tea.Tick(debounceDelay, func(time.Time) tea.Msg { return debounceMsg{id: id} })
		}
	}
	return nil
}

// edit applies a key or a paste; it reports whether the text changed.
func (f *Model) edit(msg tea.Msg) (changed bool) {
	keys := f.Keys.Filter
	switch msg := msg.(type) {
	case tea.PasteMsg:
		old := f.Value()
		f.in, _ = f.in.Update(tea.PasteMsg{Content: strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, msg.Content)})
		f.complete()
		return f.Value() != old
	case tea.KeyPressMsg:
		old := f.Value()
		switch {
		case key.Matches(msg, keys.Complete):
			if len(f.sugg) > 0 {
				f.accept(f.sugg[f.sel])
				f.complete()
			}
		case key.Matches(msg, keys.CompletePrev):
			if len(f.sugg) > 0 {
				f.sel = (f.sel + len(f.sugg) - 1) % len(f.sugg)
			}
		case key.Matches(msg, keys.HistoryUp):
			if len(f.sugg) > 0 {
				f.sel = (f.sel + len(f.sugg) - 1) % len(f.sugg)
			} else if f.mode == Filter && f.hpos > 0 {
				f.hpos--
				f.SetValue(f.history[f.hpos])
			}
		case key.Matches(msg, keys.HistoryDown):
			if len(f.sugg) > 0 {
				f.sel = (f.sel + 1) % len(f.sugg)
			} else if f.mode == Filter && f.hpos < len(f.history) {
				f.hpos++
				if f.hpos == len(f.history) {
					f.SetValue("")
				} else {
					f.SetValue(f.history[f.hpos])
				}
			}
		case key.Matches(msg, keys.Space):
			f.in, _ = f.in.Update(msg)
			f.sugg = nil // a space ends the term: nothing to complete
		case f.isEdit(msg):
			pos := f.pos()
			f.in, _ = f.in.Update(msg)
			if f.Value() != old || key.Matches(msg, keys.DeleteWord, keys.ClearLine, keys.Backspace, keys.Delete) {
				f.complete()
			} else if f.pos() != pos {
				f.sugg = nil // the cursor moved: the completion was of another place
			}
		}
		return f.Value() != old
	}
	return false
}

// token returns the bounds of the term under the cursor.
func (f *Model) token() (start, end int) {
	value, pos := f.runes(), f.pos()
	start = pos
	for start > 0 && value[start-1] != ' ' {
		start--
	}
	end = pos
	for end < len(value) && value[end] != ' ' {
		end++
	}
	return start, end
}

func (f *Model) accept(s suggestion) {
	if f.mode == Command { // a command's completion is the whole line: its name, or name and argument
		text := s.Text
		if c, ok := keymap.LookupCommand(text); ok && c.Args != "" {
			text += " "
		}
		f.SetValue(text)
		return
	}
	start, end := f.token()
	value := f.runes()
	tok := string(value[start:end])
	neg := ""
	if strings.HasPrefix(tok, "-") {
		neg = "-"
	}
	rest := value[end:]
	repl := []rune(neg + s.Text)
	value = append(append(append([]rune{}, value[:start]...), repl...), rest...)
	pos := start + len(repl)
	if !strings.HasSuffix(s.Text, ":") && (pos == len(value) || value[pos] != ' ') {
		value = slices.Insert(value, pos, ' ')
		pos++
	}
	f.set(value, pos)
	f.sugg = nil
}

// complete recomputes the suggestions for the token under the cursor.
func (f *Model) complete() {
	f.sugg, f.sel = nil, 0
	if f.mode != Filter {
		if f.mode == Command {
			f.sugg = commandSuggestions(f.Value(), f.State.SavedNames)
		}
		return
	}
	start, end := f.token()
	if end != f.pos() {
		return
	}
	tok := strings.TrimPrefix(string(f.runes()[start:end]), "-")
	if tok == "" {
		return
	}
	name, val, ok := strings.Cut(tok, ":")
	if !ok {
		f.sugg = qualifierSuggestions(tok)
		return
	}
	q, ok := findQualifier(name)
	if !ok {
		return
	}
	f.sugg = f.valueSuggestions(q, val)
}

func findQualifier(name string) (filter.Qualifier, bool) {
	for _, q := range filter.Qualifiers {
		if strings.EqualFold(q.Name, name) || slices.ContainsFunc(q.Aliases, func(a string) bool { return strings.EqualFold(a, name) }) {
			return q, true
		}
	}
	return filter.Qualifier{}, false
}

func qualifierSuggestions(tok string) []suggestion {
	var names []string
	var owner []filter.Qualifier
	for _, q := range filter.Qualifiers {
		names = append(names, q.Name)
		owner = append(owner, q)
		for _, a := range q.Aliases {
			names = append(names, a)
			owner = append(owner, q)
		}
	}
	var out []suggestion
	for _, m := range fuzzy.Find(tok, names) {
		q := owner[m.Index]
		out = append(out, suggestion{Text: names[m.Index] + ":", Hint: q.Help})
		if len(out) == 8 {
			break
		}
	}
	return out
}

// fixedValues are the values of qualifiers that have no posting list.
var fixedValues = map[filter.Field][]string{
	filter.FieldReadOnly: {"false", "true"},
	filter.FieldSince:    {"15m", "1h", "6h", "24h", "7d", "30d"},
	filter.FieldUntil:    {"15m", "1h", "6h", "24h", "7d"},
}

func (f *Model) fieldValues(field filter.Field) []string {
	if fv, ok := fixedValues[field]; ok {
		return fv
	}
	if f.State.Index == nil {
		return nil
	}
	if n := f.State.Index.Len(); n != f.valuesLen || f.values == nil {
		f.values, f.valuesLen = map[filter.Field][]string{}, n
	}
	if v, ok := f.values[field]; ok {
		return v
	}
	vc := f.State.Index.Values(field)
	if len(vc) > maxCompletionValues {
		vc = vc[:maxCompletionValues]
	}
	vs := make([]string, 0, len(vc)+2)
	if field == filter.FieldError {
		vs = append(vs, "any", "none")
	}
	for _, v := range vc {
		if v.Value != "" {
			vs = append(vs, v.Value)
		}
	}
	f.values[field] = vs
	return vs
}

func (f *Model) valueSuggestions(q filter.Qualifier, val string) []suggestion {
	values := f.fieldValues(q.Field)
	// Complete the last of a comma list.
	prefix := ""
	if i := strings.LastIndexByte(val, ','); i >= 0 {
		prefix, val = val[:i+1], val[i+1:]
	}
	val = strings.Trim(val, `"`)
	mk := func(v string) suggestion {
		t := filter.Term{Field: q.Field, Values: []string{v}}
		text := t.String()
		if prefix != "" {
			text = q.Name + ":" + prefix + strings.TrimPrefix(text, q.Field.String()+":")
		}
		return suggestion{Text: text}
	}
	var out []suggestion
	if val == "" {
		for _, v := range values[:min(8, len(values))] {
			out = append(out, mk(v))
		}
		if len(out) == 0 {
			out = append(out, suggestion{Text: q.Example, Hint: q.Help})
		}
		return out
	}
	for _, m := range fuzzy.Find(val, values) {
		out = append(out, mk(values[m.Index]))
		if len(out) == 8 {
			break
		}
	}
	return out
}

// commandSuggestions completes a ':' command's name, and the name of a saved filter after :load
// or :save (which offers the names to overwrite).
func commandSuggestions(s string, saved []string) []suggestion {
	s = strings.TrimLeft(s, " ")
	if name, arg, ok := strings.Cut(s, " "); ok {
		c, known := keymap.LookupCommand(name)
		if !known || (c.Name != "load" && c.Name != "save") {
			return nil
		}
		var out []suggestion
		for _, n := range saved {
			if strings.HasPrefix(n, strings.TrimSpace(arg)) {
				out = append(out, suggestion{Text: c.Name + " " + n, Hint: "saved filter"})
			}
		}
		return out
	}
	var out []suggestion
	for _, c := range keymap.Commands {
		if strings.HasPrefix(c.Name, s) {
			out = append(out, suggestion{Text: c.Name, Hint: c.Help})
		}
	}
	return out
}

// View draws the bar on one line.
func (f *Model) View() string {
	st, w, applied := f.Styles, f.Width, f.State.Applied
	prompt := "/ "
	switch f.mode {
	case Command:
		prompt = ": "
	case Export:
		prompt = "export to: "
	}
	if !f.focused {
		if applied == "" {
			return st.Dim.Render(ansi.Truncate("/ filter: event:Delete* principal:alice error:any ip:203.0.113.0/24 since:2h …", w, "…"))
		}
		line := st.FilterPrompt.Render("/ ") + f.styled(st, applied)
		if f.err != nil && f.mode == Filter {
			line += "  " + st.FilterMsg.Render(cloudtrail.Sanitize(f.err.Error()))
		}
		return ansi.Truncate(line, w, "…")
	}
	text, value, pos := f.Value(), f.runes(), f.pos()
	var b strings.Builder
	b.WriteString(st.FilterPrompt.Render(prompt))
	before := string(value[:pos])
	after := string(value[pos:])
	if f.mode == Filter {
		b.WriteString(f.styledRange(st, text, 0, len(before)))
	} else {
		b.WriteString(cloudtrail.Sanitize(before))
	}
	cur := " "
	if pos < len(value) {
		cur = string(value[pos])
		after = string(value[pos+1:])
	}
	b.WriteString(st.Selected.Render(cloudtrail.Sanitize(cur)))
	if f.mode == Filter {
		b.WriteString(f.styledRange(st, text, len(before)+len(cur), len(text)))
	} else {
		b.WriteString(cloudtrail.Sanitize(after))
	}
	if f.err != nil && f.mode == Filter {
		b.WriteString("  " + st.FilterMsg.Render(cloudtrail.Sanitize(f.err.Msg)))
	}
	return ansi.Truncate(b.String(), w, "…")
}

// styled draws filter text with the bad term underlined.
func (f *Model) styled(st *common.Styles, text string) string {
	return f.styledRange(st, text, 0, len(text))
}

func (f *Model) styledRange(st *common.Styles, text string, from, to int) string {
	if from >= to || from > len(text) {
		return ""
	}
	to = min(to, len(text))
	if f.err == nil || f.err.End <= from || f.err.Start >= to || f.err.End > len(text) {
		return cloudtrail.Sanitize(text[from:to])
	}
	s, e := max(f.err.Start, from), min(f.err.End, to)
	if !utf8.ValidString(text[s:e]) {
		return cloudtrail.Sanitize(text[from:to])
	}
	return cloudtrail.Sanitize(text[from:s]) + st.FilterBad.Render(cloudtrail.Sanitize(text[s:e])) + cloudtrail.Sanitize(text[e:to])
}

// CompletionView draws the suggestions as a box of lines, or "" when there are none.
func (f *Model) CompletionView(w int) []string {
	st := f.Styles
	if !f.focused || len(f.sugg) == 0 {
		return nil
	}
	var lines []string
	for i, s := range f.sugg {
		text := cloudtrail.Sanitize(s.Text)
		line := " " + text
		if s.Hint != "" {
			line += "  " + st.CompletionHint.Render(s.Hint)
		}
		line = ansi.Truncate(line, w-1, "…")
		pad := w - 1 - ansi.StringWidth(line)
		if i == f.sel {
			lines = append(lines, st.CompletionSel.Render(ansi.Strip(line)+strings.Repeat(" ", max(pad, 0))))
		} else {
			lines = append(lines, st.Completion.Render(line+strings.Repeat(" ", max(pad, 0))))
		}
	}
	lines = append(lines, st.CompletionHint.Render(ansi.Truncate(" tab: complete · ↑↓: choose · enter: apply · esc: cancel", w-1, "")))
	return lines
}

// debounceDelay is how long the filter waits after a keystroke before it runs.
const debounceDelay = 60 * time.Millisecond

// debounceMsg is the tick of an edit: when it is still the latest, the filter runs.
type debounceMsg struct{ id int }

// ChangedMsg is the filter as typed, once the typing pauses: the root runs it.
type ChangedMsg struct{ Text string }

// New returns the bar, unfocused.
func New(c common.Common) *Model {
	in := textinput.New()
	in.KeyMap = editKeys(c.Keys.Filter)
	in.SetVirtualCursor(false) // the bar draws its own cursor, and underlines a bad term
	in.Focus()                 // textinput edits only when focused; the bar decides when it has keys
	return &Model{Common: c, in: in}
}

// Focused reports whether the bar is being edited.
func (f *Model) Focused() bool { return f.focused }

// Mode is what the bar is asking for.
func (f *Model) Mode() Mode { return f.mode }

// Before is the text the bar held when it was focused: Esc puts it back.
func (f *Model) Before() string { return f.before }

// Err is the last parse error of the filter, nil when it parsed.
func (f *Model) Err() *filter.QueryError { return f.err }

// SetErr records the parse error of the filter (nil: it parsed); the bar shows it.
func (f *Model) SetErr(err *filter.QueryError) { f.err = err }

// Suggestion returns the completion chosen in the list; false when there is none.
func (f *Model) Suggestion() (string, bool) {
	if len(f.sugg) == 0 {
		return "", false
	}
	return f.sugg[f.sel].Text, true
}

// Complete lists the completions of the text under the cursor.
func (f *Model) Complete() { f.complete() }

// SetSize sets the bar's width; the completions are dropped, to be listed again at the new size.
func (f *Model) SetSize(w, h int) {
	f.Common.SetSize(w, h)
	f.sugg = nil
}

// ShortHelp is the keys the bottom line shows while the bar is edited.
func (f *Model) ShortHelp() []key.Binding {
	k := f.Keys.Filter
	return []key.Binding{k.Apply, k.Cancel, k.Complete, k.HistoryUp}
}

// FullHelp is the keys of the bar.
func (f *Model) FullHelp() [][]key.Binding {
	k := f.Keys.Filter
	return [][]key.Binding{{k.Apply, k.Cancel, k.Complete, k.CompletePrev, k.HistoryUp, k.HistoryDown},
		{k.Left, k.Right, k.Home, k.End, k.Backspace, k.Delete, k.DeleteWord, k.ClearLine}}
}
