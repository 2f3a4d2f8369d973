package ui

import (
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// promptMode is what the one-line bar is asking for.
type promptMode int

const (
	promptFilter promptMode = iota
	promptCommand
	promptExport
)

// suggestion is one completion: the text that replaces the token under the cursor.
type suggestion struct {
	Text, Hint string
}

// maxCompletionValues bounds the values completion ranks: the most frequent ones, so that fuzzy
// ranking stays within a few milliseconds whatever the index holds.
const maxCompletionValues = 20000

// FilterBar is the one-line editor of the filter (and of the ':' and export prompts), with history
// and completion of qualifier names and values.
type FilterBar struct {
	value   []rune
	pos     int
	focused bool
	mode    promptMode
	before  string // the text when the bar was focused: Esc puts it back

	history []string
	hpos    int

	err *filter.QueryError // the last parse error of the filter

	sugg []suggestion
	sel  int

	idx       *index.Index
	values    map[filter.Field][]string
	valuesLen int // Index.Len when values were cached
}

// Value returns the text in the bar.
func (f *FilterBar) Value() string { return string(f.value) }

// SetValue replaces the text and puts the cursor at its end.
func (f *FilterBar) SetValue(s string) {
	f.value = []rune(s)
	f.pos = len(f.value)
	f.sugg = nil
}

// Focus starts editing in mode m with text s.
func (f *FilterBar) Focus(m promptMode, s string) {
	f.mode = m
	f.focused = true
	f.before = s
	f.SetValue(s)
	f.hpos = len(f.history)
}

// Blur stops editing.
func (f *FilterBar) Blur() {
	f.focused = false
	f.sugg = nil
}

// Remember adds a filter to the history.
func (f *FilterBar) Remember(s string) {
	if s == "" || (len(f.history) > 0 && f.history[len(f.history)-1] == s) {
		return
	}
	f.history = append(f.history, s)
	if len(f.history) > 100 {
		f.history = f.history[1:]
	}
}

// Update edits the text. It reports whether the text changed (the filter is applied as you type).
func (f *FilterBar) Update(msg tea.Msg, keys FilterKeys) (changed bool) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		f.insert(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, msg.Content))
		f.complete()
		return true
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
			} else if f.mode == promptFilter && f.hpos > 0 {
				f.hpos--
				f.SetValue(f.history[f.hpos])
			}
		case key.Matches(msg, keys.HistoryDown):
			if len(f.sugg) > 0 {
				f.sel = (f.sel + 1) % len(f.sugg)
			} else if f.mode == promptFilter && f.hpos < len(f.history) {
				f.hpos++
				if f.hpos == len(f.history) {
					f.SetValue("")
				} else {
					f.SetValue(f.history[f.hpos])
				}
			}
		case key.Matches(msg, keys.ClearLine):
			f.value, f.pos = f.value[f.pos:], 0
			f.complete()
		case key.Matches(msg, keys.DeleteWord):
			i := f.pos
			for i > 0 && f.value[i-1] == ' ' {
				i--
			}
			for i > 0 && f.value[i-1] != ' ' {
				i--
			}
			f.value = append(f.value[:i], f.value[f.pos:]...)
			f.pos = i
			f.complete()
		default:
			switch msg.String() {
			case "backspace", "ctrl+h":
				if f.pos > 0 {
					f.value = append(f.value[:f.pos-1], f.value[f.pos:]...)
					f.pos--
				}
				f.complete()
			case "delete", "ctrl+d":
				if f.pos < len(f.value) {
					f.value = append(f.value[:f.pos], f.value[f.pos+1:]...)
				}
				f.complete()
			case "left", "ctrl+b":
				f.pos = max(0, f.pos-1)
				f.sugg = nil
			case "right", "ctrl+f":
				f.pos = min(len(f.value), f.pos+1)
				f.sugg = nil
			case "home", "ctrl+a":
				f.pos = 0
				f.sugg = nil
			case "end", "ctrl+e":
				f.pos = len(f.value)
				f.sugg = nil
			case "space":
				f.insert(" ")
				f.sugg = nil
			default:
				if t := msg.Key().Text; t != "" && msg.Key().Mod&^tea.ModShift == 0 {
					f.insert(t)
					f.complete()
				}
			}
		}
		return f.Value() != old
	}
	return false
}

func (f *FilterBar) insert(s string) {
	rs := []rune(s)
	f.value = slices.Insert(f.value, f.pos, rs...)
	f.pos += len(rs)
}

// token returns the bounds of the term under the cursor.
func (f *FilterBar) token() (start, end int) {
	start = f.pos
	for start > 0 && f.value[start-1] != ' ' {
		start--
	}
	end = f.pos
	for end < len(f.value) && f.value[end] != ' ' {
		end++
	}
	return start, end
}

func (f *FilterBar) accept(s suggestion) {
	start, end := f.token()
	tok := string(f.value[start:end])
	neg := ""
	if strings.HasPrefix(tok, "-") {
		neg = "-"
	}
	rest := f.value[end:]
	repl := []rune(neg + s.Text)
	f.value = append(append(append([]rune{}, f.value[:start]...), repl...), rest...)
	f.pos = start + len(repl)
	if !strings.HasSuffix(s.Text, ":") && (f.pos == len(f.value) || f.value[f.pos] != ' ') {
		f.value = slices.Insert(f.value, f.pos, ' ')
		f.pos++
	}
	f.sugg = nil
}

// complete recomputes the suggestions for the token under the cursor.
func (f *FilterBar) complete() {
	f.sugg, f.sel = nil, 0
	if f.mode != promptFilter {
		if f.mode == promptCommand {
			f.sugg = commandSuggestions(f.Value())
		}
		return
	}
	start, end := f.token()
	if end != f.pos {
		return
	}
	tok := strings.TrimPrefix(string(f.value[start:end]), "-")
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

func (f *FilterBar) fieldValues(field filter.Field) []string {
	if fv, ok := fixedValues[field]; ok {
		return fv
	}
	if f.idx == nil {
		return nil
	}
	if n := f.idx.Len(); n != f.valuesLen || f.values == nil {
		f.values, f.valuesLen = map[filter.Field][]string{}, n
	}
	if v, ok := f.values[field]; ok {
		return v
	}
	vc := f.idx.Values(field)
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

func (f *FilterBar) valueSuggestions(q filter.Qualifier, val string) []suggestion {
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

// commands are the ':' commands.
var commands = []suggestion{
	{"timeline", "every event of the filter, in time"},
	{"principals", "who: one row per principal, roles expand into sessions"},
	{"resources", "what: one row per resource touched"},
	{"problems", "what could not be read"},
	{"scenarios", "the built-in sample's incidents: questions, hints and answers"},
	{"findings", "what to look at first: the detection rules over the loaded events"},
	{"help", "every key"},
	{"export", "write the result to a file (.jsonl or .csv)"},
	{"quit", "leave"},
}

func commandSuggestions(s string) []suggestion {
	s = strings.TrimSpace(s)
	var out []suggestion
	for _, c := range commands {
		if strings.HasPrefix(c.Text, s) {
			out = append(out, c)
		}
	}
	return out
}

// View draws the bar on one line of width w.
func (f *FilterBar) View(st *Styles, w int, applied string) string {
	prompt := "/ "
	switch f.mode {
	case promptCommand:
		prompt = ": "
	case promptExport:
		prompt = "export to: "
	}
	if !f.focused {
		if applied == "" {
			return st.Dim.Render(ansi.Truncate("/ filter: event:Delete* principal:alice error:any ip:203.0.113.0/24 since:2h …", w, "…"))
		}
		line := st.FilterPrompt.Render("/ ") + f.styled(st, applied)
		if f.err != nil && f.mode == promptFilter {
			line += "  " + st.FilterMsg.Render(cloudtrail.Sanitize(f.err.Error()))
		}
		return ansi.Truncate(line, w, "…")
	}
	text := f.Value()
	var b strings.Builder
	b.WriteString(st.FilterPrompt.Render(prompt))
	before := string(f.value[:f.pos])
	after := string(f.value[f.pos:])
	if f.mode == promptFilter {
		b.WriteString(f.styledRange(st, text, 0, len(before)))
	} else {
		b.WriteString(cloudtrail.Sanitize(before))
	}
	cur := " "
	if f.pos < len(f.value) {
		cur = string(f.value[f.pos])
		after = string(f.value[f.pos+1:])
	}
	b.WriteString(st.Selected.Render(cloudtrail.Sanitize(cur)))
	if f.mode == promptFilter {
		b.WriteString(f.styledRange(st, text, len(before)+len(cur), len(text)))
	} else {
		b.WriteString(cloudtrail.Sanitize(after))
	}
	if f.err != nil && f.mode == promptFilter {
		b.WriteString("  " + st.FilterMsg.Render(cloudtrail.Sanitize(f.err.Msg)))
	}
	return ansi.Truncate(b.String(), w, "…")
}

// styled draws filter text with the bad term underlined.
func (f *FilterBar) styled(st *Styles, text string) string {
	return f.styledRange(st, text, 0, len(text))
}

func (f *FilterBar) styledRange(st *Styles, text string, from, to int) string {
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
func (f *FilterBar) CompletionView(st *Styles, w int) []string {
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
