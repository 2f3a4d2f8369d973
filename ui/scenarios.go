package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/sample/scenario"
)

// scenarioState is the scenarios view: the built-in sample's incidents as questions, a hint (a filter to
// start from) revealed on one key and the answer on another. The model computes answers from the loaded
// events, off the UI loop.
type scenarioState struct {
	list    listState
	shown   map[string]int // per scenario: 1 the hint is shown, 2 the answer too
	answers map[string]scenarioAnswer
}

// scenarioAnswer is a computed answer and the size of the index it was computed over: a load still
// running makes it stale.
type scenarioAnswer struct {
	a   scenario.Answer
	err error
	n   int
}

// scenarioAnswerMsg brings an answer computed off the UI loop.
type scenarioAnswerMsg struct {
	name string
	ans  scenarioAnswer
}

// scenarioList is the scenarios, in the model's order.
var scenarioList = scenario.All()

// onScenariosKey handles a key of the scenarios view.
func (a *App) onScenariosKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys.Scenarios
	sc := scenarioList[a.sc.list.cursor]
	switch {
	case key.Matches(msg, k.Try):
		a.push("scenario")
		a.view = viewTimeline
		a.bar.SetValue(sc.Hint)
		a.bar.Remember(sc.Hint)
		a.status, a.statusErr = "hint: "+sc.Next+" · esc: back to the question", false
		return a.runQuery(sc.Hint)
	case key.Matches(msg, k.Hint):
		a.sc.shown[sc.Name] = max(a.sc.shown[sc.Name], 1)
		return nil
	case key.Matches(msg, k.Answer):
		a.sc.shown[sc.Name] = 2
		return a.computeAnswer(sc)
	case key.Matches(msg, k.Evidence):
		ans, ok := a.sc.answers[sc.Name]
		if a.sc.shown[sc.Name] < 2 || !ok || ans.err != nil || len(ans.a.Evidence) == 0 {
			a.status, a.statusErr = "reveal the answer first ("+k.Answer.Help().Key+")", false
			return nil
		}
		a.push("scenario")
		a.view = viewTimeline
		a.bar.SetValue(ans.a.Filter)
		a.bar.Remember(ans.a.Filter)
		ref := ans.a.Key
		a.keepRef = &ref
		return tea.Batch(a.runQuery(ans.a.Filter), a.openDetail(ref, 0))
	}
	a.sc.list.move(msg, a.keys.List, len(scenarioList), len(scenarioList))
	return nil
}

// computeAnswer asks the model for a scenario's answer, unless it has one for the index as it is.
func (a *App) computeAnswer(sc scenario.Scenario) tea.Cmd {
	if ans, ok := a.sc.answers[sc.Name]; ok && ans.n == a.idx.Len() {
		return nil
	}
	idx := a.idx
	return func() tea.Msg {
		n := idx.Len()
		ans, err := sc.Answer(idx)
		return scenarioAnswerMsg{name: sc.Name, ans: scenarioAnswer{a: ans, err: err, n: n}}
	}
}

// onScenarioAnswer keeps an answer; one computed while the load went on is asked again.
func (a *App) onScenarioAnswer(msg scenarioAnswerMsg) tea.Cmd {
	a.sc.answers[msg.name] = msg.ans
	if a.loading || msg.ans.n != a.idx.Len() {
		if sc, ok := scenario.Named(msg.name); ok && a.view == viewScenarios {
			return a.computeAnswer(sc)
		}
	}
	return nil
}

// scenariosView draws the list of questions over the selected one: its question, and its hint and
// answer once revealed.
func (a *App) scenariosView() []string {
	st := &a.st
	w := a.w
	n := len(scenarioList)
	sc := scenarioList[a.sc.list.cursor]
	shown := a.sc.shown[sc.Name]
	listH := min(n, max(3, a.bodyHeight()/3))
	if shown == 2 { // answers are long: the list gives them room
		listH = min(n, 3, listH)
	}
	a.sc.list.clamp(n, listH)
	out := []string{st.Header.Render(cell(" #  SCENARIO", w-18, false) + cell("REVEALED", 18, false))}
	for i := a.sc.list.offset; i < min(a.sc.list.offset+listH, n); i++ {
		sc := scenarioList[i]
		mark := ""
		switch a.sc.shown[sc.Name] {
		case 1:
			mark = "hint"
		case 2:
			mark = "hint, answer"
		}
		line := cell(fmt.Sprintf(" %d  %s", i+1, sc.Title), w-18, false) + cell(mark, 18, false)
		if i == a.sc.list.cursor {
			line = st.Selected.Render(line)
		}
		out = append(out, line)
	}
	out = append(out, st.Dim.Render(strings.Repeat("─", w)))

	block := func(label string, style func(...string) string, body string) {
		for i, l := range wrapWords(cloudtrail.Sanitize(body), max(w-11, 20)) {
			if i == 0 {
				out = append(out, " "+st.Label.Render(cell(label, 9, false))+" "+style(l))
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
		out = append(out, "", " "+st.Dim.Render(a.keyHelp(a.keys.Scenarios.Hint)+" · "+a.keyHelp(a.keys.Scenarios.Answer)+
			" · "+a.keyHelp(a.keys.Scenarios.Try)))
	case 1:
		block("hint", st.Key.Render, sc.Hint)
		block("", st.Dim.Render, sc.Next)
	default:
		block("hint", st.Key.Render, sc.Hint)
		ans, ok := a.sc.answers[sc.Name]
		switch {
		case !ok:
			block("answer", st.Dim.Render, "looking for it in the loaded events…")
		case ans.err != nil:
			block("answer", st.Error.Render, "not in the loaded events: "+ans.err.Error()+
				". The scenarios are about the built-in sample: run trailscope with no PATH.")
		default:
			block("answer", st.Value.Render, ans.a.Text)
			block("", st.Dim.Render, a.keyHelp(a.keys.Scenarios.Evidence)+": "+ans.a.Filter)
		}
	}
	return out
}

// wrapWords breaks text into lines of at most width columns, at spaces only (identifiers such as
// svc-monitoring or ARNs stay whole); a word longer than a line gets a line of its own.
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	return append(lines, line)
}

// keyHelp renders a binding as "key description".
func (a *App) keyHelp(b key.Binding) string {
	h := b.Help()
	return h.Key + " " + h.Desc
}
