package ui

import (
	"errors"
	"testing"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/scenario"
	"github.com/trailscope/trailscope/ui/views/scenarios"
	"github.com/trailscope/trailscope/ui/views/timeline"
)

// testScenarios is two questions about testIndex's events: the first has no answer there, the
// second finds the first event.
func testScenarios() []scenario.Scenario {
	return []scenario.Scenario{
		{Name: "absent", Title: "Something that did not happen", Question: "Who did it?", Hint: "event:NoSuchCall",
			Next: "look for it", Find: func(*index.Index, scenario.Scenario) (scenario.Answer, error) {
				return scenario.Answer{}, errors.New("no NoSuchCall")
			}},
		{Name: "first", Title: "The first event", Question: "What came first?", Hint: "readonly:false",
			Next: "sort by time", Find: func(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
				refs := x.Query(filter.Query{}).Refs
				if len(refs) == 0 {
					return scenario.Answer{}, errors.New("no events")
				}
				return scenario.Answer{Text: "the first event came first", Key: refs[0], Evidence: refs[:1], Filter: "readonly:false"}, nil
			}},
	}
}

func TestScenariosView(t *testing.T) {
	all := testScenarios()
	a := newTestAppWith(Options{Index: testIndex(2000), Source: "test", Scenarios: all}, 80, 24)
	press(a, ":")
	typeText(a, "scenarios")
	press(a, "enter")
	if a.state.Active != scenarios.Name {
		t.Fatalf("view %v", a.state.Active)
	}
	sc := a.view(scenarios.Name).(*scenarios.Model)
	s := screen(a)
	mustContain(t, s, "SCENARIO", all[0].Title, "question", all[0].Question, "h show the hint")
	if got := sc.ShortHelp(); len(got) == 0 {
		t.Fatal("no short help for the view")
	}

	// The answer is computed from the events: these do not hold the first incident.
	press(a, "a")
	mustContain(t, screen(a), "not in the loaded events", "no NoSuchCall")
	press(a, "v")
	if a.state.Active != scenarios.Name {
		t.Fatal("v without an answer left the view")
	}

	press(a, "j", "h")
	mustContain(t, screen(a), all[1].Title, "hint", all[1].Hint, all[1].Next)

	// Enter tries the hint on the timeline; esc comes back to the question.
	press(a, "enter")
	if a.state.Active != timeline.Name || a.state.Applied != all[1].Hint {
		t.Fatalf("view %v applied %q", a.state.Active, a.state.Applied)
	}
	press(a, "esc")
	if a.state.Active != scenarios.Name || sc.Cursor() != 1 {
		t.Fatalf("after esc: view %v cursor %d", a.state.Active, sc.Cursor())
	}

	// A found answer is shown, and v opens its evidence.
	press(a, "a")
	mustContain(t, screen(a), "the first event came first")
	press(a, "v")
	if a.state.Active != timeline.Name || a.state.Applied != "readonly:false" {
		t.Fatalf("evidence: view %v applied %q", a.state.Active, a.state.Applied)
	}
	press(a, "esc")
	for range all {
		press(a, "j")
	}
	if sc.Cursor() != len(all)-1 {
		t.Fatalf("cursor %d", sc.Cursor())
	}
}

// TestScenariosViewEmpty: a console given no scenarios says so, and its keys do nothing.
func TestScenariosViewEmpty(t *testing.T) {
	a := newTestApp(testIndex(20), 80, 24)
	press(a, ":")
	typeText(a, "scenarios")
	press(a, "enter", "j", "a", "h", "enter", "v")
	if a.state.Active != scenarios.Name {
		t.Fatalf("view %v", a.state.Active)
	}
	mustContain(t, screen(a), "No scenarios here")
}
