// Package scenarios is the view of a sample's incidents as questions: a hint (a filter to start from)
// revealed on one key and the answer on another. Each scenario computes its answer from the loaded
// events, off the UI loop. The questions are given to the console (ui.Options.Scenarios): the view
// knows no story.
package scenarios

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/scenario"
	"github.com/trailscope/trailscope/ui/common"
)

// Name is the view's name: its ':' command and breadcrumb.
const Name = "scenarios"

// Model is the scenarios view.
type Model struct {
	common.Common
	list    common.List
	all     []scenario.Scenario // the questions, in the order to try them
	shown   map[string]int      // per scenario: 1 the hint is shown, 2 the answer too
	answers map[string]answer
}

// answer is a computed answer and the size of the index it was computed over: a load still
// running makes it stale.
type answer struct {
	a   scenario.Answer
	err error
	n   int
}

// answerMsg brings an answer computed off the UI loop.
type answerMsg struct {
	name string
	ans  answer
}

// New returns the view of the scenarios all.
func New(c common.Common, all []scenario.Scenario) *Model {
	return &Model{Common: c, all: all, shown: map[string]int{}, answers: map[string]answer{}}
}

// Name is the view's name.
func (m *Model) Name() string { return Name }

// Cursor is the scenario the cursor is on.
func (m *Model) Cursor() int { return m.list.Cursor }

// SetCursor puts the cursor on scenario i.
func (m *Model) SetCursor(i int) { m.list.Cursor = i }

// Shown has nothing to start: answers are computed when asked for.
func (m *Model) Shown() tea.Cmd { return nil }

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, l, s := m.Keys.Global, m.Keys.List, m.Keys.Scenarios
	return []key.Binding{s.Hint, s.Answer, s.Try, s.Evidence, l.Up, l.Down, g.Back, g.Help, g.Quit}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	l, s := m.Keys.List, m.Keys.Scenarios
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}, {s.Try, s.Hint, s.Answer, s.Evidence}}
}

// Update takes answers computed off the UI loop and the keys of the view.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answerMsg:
		return m.onAnswer(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

// onKey handles a key of the scenarios view.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.Keys.Scenarios
	if len(m.all) == 0 {
		return nil
	}
	sc := m.all[m.list.Cursor]
	switch {
	case key.Matches(msg, k.Try):
		return common.Goto(common.GotoMsg{Label: "scenario", Filter: sc.Hint, Remember: true,
			Status: "hint: " + sc.Next + " · esc: back to the question"})
	case key.Matches(msg, k.Hint):
		m.shown[sc.Name] = max(m.shown[sc.Name], 1)
		return nil
	case key.Matches(msg, k.Answer):
		m.shown[sc.Name] = 2
		return m.computeAnswer(sc)
	case key.Matches(msg, k.Evidence):
		ans, ok := m.answers[sc.Name]
		if m.shown[sc.Name] < 2 || !ok || ans.err != nil || len(ans.a.Evidence) == 0 {
			return common.Status("reveal the answer first (" + k.Answer.Help().Key + ")")
		}
		ref := ans.a.Key
		return common.Goto(common.GotoMsg{Label: "scenario", Filter: ans.a.Filter, Remember: true, Keep: &ref, Detail: &ref})
	}
	m.list.Move(msg, m.Keys.List, len(m.all), len(m.all))
	return nil
}

// computeAnswer asks the model for a scenario's answer, unless it has one for the index as it is.
func (m *Model) computeAnswer(sc scenario.Scenario) tea.Cmd {
	idx := m.State.Index
	if ans, ok := m.answers[sc.Name]; ok && ans.n == idx.Len() {
		return nil
	}
	return func() tea.Msg {
		n := idx.Len()
		ans, err := sc.Answer(idx)
		return answerMsg{name: sc.Name, ans: answer{a: ans, err: err, n: n}}
	}
}

// onAnswer keeps an answer; one computed while the load went on is asked again.
func (m *Model) onAnswer(msg answerMsg) tea.Cmd {
	m.answers[msg.name] = msg.ans
	if m.State.Loading || msg.ans.n != m.State.Index.Len() {
		if sc, ok := scenario.Named(m.all, msg.name); ok && m.State.Active == Name {
			return m.computeAnswer(sc)
		}
	}
	return nil
}

// View draws the list of questions over the selected one: its question, and its hint and answer
// once revealed.
func (m *Model) View() string {
	st := m.Styles
	w := m.Width
	n := len(m.all)
	if n == 0 {
		return st.Dim.Render(common.Cell(" No scenarios here: they are questions about the built-in sample (run trailscope with no PATH).", w, false))
	}
	sc := m.all[m.list.Cursor]
	shown := m.shown[sc.Name]
	listH := min(n, max(3, m.Height/3))
	if shown == 2 { // answers are long: the list gives them room
		listH = min(n, 3, listH)
	}
	m.list.Clamp(n, listH)
	out := []string{st.Header.Render(common.Cell(" #  SCENARIO", w-18, false) + common.Cell("REVEALED", 18, false))}
	for i := m.list.Offset; i < min(m.list.Offset+listH, n); i++ {
		sc := m.all[i]
		mark := ""
		switch m.shown[sc.Name] {
		case 1:
			mark = "hint"
		case 2:
			mark = "hint, answer"
		}
		line := common.Cell(fmt.Sprintf(" %d  %s", i+1, sc.Title), w-18, false) + common.Cell(mark, 18, false)
		if i == m.list.Cursor {
			line = st.Selected.Render(line)
		}
		out = append(out, line)
	}
	out = append(out, st.Dim.Render(strings.Repeat("─", w)))

	block := func(label string, style func(...string) string, body string) {
		for i, l := range common.WrapWords(cloudtrail.Sanitize(body), max(w-11, 20)) {
			if i == 0 {
				out = append(out, " "+st.Label.Render(common.Cell(label, 9, false))+" "+style(l))
			} else {
				out = append(out, strings.Repeat(" ", 11)+style(l))
			}
		}
	}
	if shown < 2 {
		block("question", st.Value.Render, sc.Question)
	} else {
		out = append(out, " "+st.Section.Render(sc.Title))
	}
	switch shown {
	case 0:
		out = append(out, "", " "+st.Dim.Render(common.KeyHelp(m.Keys.Scenarios.Hint)+" · "+common.KeyHelp(m.Keys.Scenarios.Answer)+
			" · "+common.KeyHelp(m.Keys.Scenarios.Try)))
	case 1:
		block("hint", st.Key.Render, sc.Hint)
		block("", st.Dim.Render, sc.Next)
	default:
		block("hint", st.Key.Render, sc.Hint)
		ans, ok := m.answers[sc.Name]
		switch {
		case !ok:
			block("answer", st.Dim.Render, "looking for it in the loaded events…")
		case ans.err != nil:
			block("answer", st.Error.Render, "not in the loaded events: "+ans.err.Error()+
				". The scenarios are about the built-in sample: run trailscope with no PATH.")
		default:
			block("answer", st.Value.Render, ans.a.Text)
			block("", st.Dim.Render, common.KeyHelp(m.Keys.Scenarios.Evidence)+": "+ans.a.Filter)
		}
	}
	return strings.Join(out, "\n")
}

// IgnoresFilter says the view does not show the filter's result: the breadcrumb names no filter beside it.
func (m *Model) IgnoresFilter() bool { return true }
