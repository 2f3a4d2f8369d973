package ui

import (
	"testing"

	"github.com/trailscope/trailscope/model/scenario"
	"github.com/trailscope/trailscope/ui/views/scenarios"
	"github.com/trailscope/trailscope/ui/views/timeline"
)

func TestScenariosView(t *testing.T) {
	a := newTestApp(testIndex(2000), 80, 24)
	press(a, ":")
	typeText(a, "scenarios")
	press(a, "enter")
	if a.state.Active != scenarios.Name {
		t.Fatalf("view %v", a.state.Active)
	}
	sc := a.view(scenarios.Name).(*scenarios.Model)
	first := scenario.All()[0]
	s := screen(a)
	mustContain(t, s, "SCENARIO", first.Title, "question", "h show the hint")
	if got := sc.ShortHelp(); len(got) == 0 {
		t.Fatal("no short help for the view")
	}

	press(a, "j", "h")
	second := scenario.All()[1]
	mustContain(t, screen(a), second.Title, "hint", second.Hint)

	// The answer is computed by the model: these synthetic events do not hold the incident.
	press(a, "a")
	mustContain(t, screen(a), "not in the loaded events")
	press(a, "v")
	if a.state.Active != scenarios.Name {
		t.Fatal("v without an answer left the view")
	}

	// Enter tries the hint on the timeline; esc comes back to the question.
	press(a, "enter")
	if a.state.Active != timeline.Name || a.state.Applied != second.Hint {
		t.Fatalf("view %v applied %q", a.state.Active, a.state.Applied)
	}
	press(a, "esc")
	if a.state.Active != scenarios.Name || sc.Cursor() != 1 {
		t.Fatalf("after esc: view %v cursor %d", a.state.Active, sc.Cursor())
	}
	for range scenario.All() {
		press(a, "j")
	}
	if sc.Cursor() != len(scenario.All())-1 {
		t.Fatalf("cursor %d", sc.Cursor())
	}
	_ = screen(a)
}
