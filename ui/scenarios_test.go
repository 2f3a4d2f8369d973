package ui

import (
	"testing"

	"github.com/trailscope/trailscope/source/sample/scenario"
)

func TestScenariosView(t *testing.T) {
	a := newTestApp(testIndex(2000), 80, 24)
	press(a, ":")
	typeText(a, "scenarios")
	press(a, "enter")
	if a.view != viewScenarios {
		t.Fatalf("view %v", a.view)
	}
	first := scenario.All()[0]
	s := screen(a)
	mustContain(t, s, "SCENARIO", first.Title, "question", "h show the hint")
	if got := a.keys.ShortHelp("scenarios"); len(got) == 0 {
		t.Fatal("no short help for the view")
	}

	press(a, "j", "h")
	second := scenario.All()[1]
	mustContain(t, screen(a), second.Title, "hint", second.Hint)

	// The answer is computed by the model: these synthetic events do not hold the incident.
	press(a, "a")
	mustContain(t, screen(a), "not in the loaded events")
	press(a, "v")
	if a.view != viewScenarios {
		t.Fatal("v without an answer left the view")
	}

	// Enter tries the hint on the timeline; esc comes back to the question.
	press(a, "enter")
	if a.view != viewTimeline || a.applied != second.Hint {
		t.Fatalf("view %v applied %q", a.view, a.applied)
	}
	press(a, "esc")
	if a.view != viewScenarios || a.sc.list.cursor != 1 {
		t.Fatalf("after esc: view %v cursor %d", a.view, a.sc.list.cursor)
	}
	for range scenario.All() {
		press(a, "j")
	}
	if a.sc.list.cursor != len(scenario.All())-1 {
		t.Fatalf("cursor %d", a.sc.list.cursor)
	}
	_ = screen(a)
}
