package ui

import (
	"strings"
	"testing"

	"github.com/trailscope/trailscope/ui/views/findings"
	"github.com/trailscope/trailscope/ui/views/timeline"
)

func TestFindingsView(t *testing.T) {
	a := newTestApp(testIndex(3000), 100, 30)
	press(a, ":")
	typeText(a, "findings")
	press(a, "enter")
	if a.state.Active != findings.Name {
		t.Fatalf("view %v", a.state.Active)
	}
	fd := a.view(findings.Name).(*findings.Model)
	if len(fd.Findings()) == 0 {
		t.Fatal("no findings over synthetic events that delete trails and deny calls")
	}
	s := screen(a)
	mustContain(t, s, "SEVERITY", "PRINCIPAL", "FINDING", "why", "filter", "enter")
	if got := fd.ShortHelp(); len(got) == 0 {
		t.Fatal("no short help for the view")
	}

	// The most severe come first; j moves to the next.
	first := fd.Findings()[0]
	for _, f := range fd.Findings() {
		if f.Severity > first.Severity {
			t.Fatalf("%s (%s) after %s (%s)", f.Rule, f.Severity, first.Rule, first.Severity)
		}
	}
	press(a, "j")
	second := fd.Findings()[1]
	mustContain(t, screen(a), second.Rule, second.Rationale[:20])

	// Enter opens the finding's events on the timeline, with its filter; esc comes back.
	press(a, "enter")
	if a.state.Active != timeline.Name || a.state.Applied != second.Filter {
		t.Fatalf("view %v applied %q, want the filter %q", a.state.Active, a.state.Applied, second.Filter)
	}
	if len(a.state.Result.Refs) < second.Count {
		t.Errorf("the filter shows %d events, the finding has %d", len(a.state.Result.Refs), second.Count)
	}
	mustContain(t, screen(a), "esc: back to the findings")
	press(a, "esc")
	if a.state.Active != findings.Name || fd.Cursor() != 1 {
		t.Fatalf("after esc: view %v cursor %d", a.state.Active, fd.Cursor())
	}

	// The rules run again when the index grows, and not when it has not.
	if cmd := fd.Compute(); cmd != nil {
		t.Error("findings computed again over the same events")
	}
	a.state.Index.Add(synthRecords(3100, 7)[3000:])
	drive(a, fd.Compute())
	if fd.Over() != a.state.Index.Len() {
		t.Errorf("findings over %d events, the index holds %d", fd.Over(), a.state.Index.Len())
	}
	for range fd.Findings() {
		press(a, "j")
	}
	if fd.Cursor() != len(fd.Findings())-1 || !strings.Contains(screen(a), fd.Findings()[fd.Cursor()].Rule) {
		t.Fatalf("cursor %d of %d", fd.Cursor(), len(fd.Findings()))
	}
}

func TestFindingsViewEmpty(t *testing.T) {
	a := newTestApp(testIndex(0), 80, 24)
	press(a, ":")
	typeText(a, "findings")
	press(a, "enter")
	mustContain(t, screen(a), "nothing found")
	press(a, "enter", "j") // nothing to open, nowhere to go
	if a.state.Active != findings.Name {
		t.Fatalf("view %v", a.state.Active)
	}
}

// TestFindingsViewBehind: in the scenarios sample, the findings list fits principals by role and
// session at 80 columns, and a finding's "behind" line names who is behind a session only when it is
// someone else (a session of one's own key, such as GetSessionToken's, has nobody behind it).
func TestFindingsViewBehind(t *testing.T) {
	a := newTestApp(loadSample(t, "scenarios"), 80, 24)
	command(a, "findings")
	fd := a.view(findings.Name).(*findings.Model)
	own, other := -1, -1
	for i, f := range fd.Findings() {
		switch {
		case len(f.Chain) > 0 && f.Origin == f.Principal && own < 0:
			own = i
		case len(f.Chain) > 0 && f.Origin != f.Principal && other < 0:
			other = i
		}
	}
	if own < 0 || other < 0 {
		t.Fatalf("no finding of each kind: own %d, other %d", own, other)
	}
	fd.SetCursor(own)
	if s := screen(a); strings.Contains(s, "behind ") {
		t.Errorf("a session of %s's own key has %s behind it:\n%s", fd.Findings()[own].Principal, fd.Findings()[own].Origin, s)
	}
	fd.SetCursor(other)
	s := screen(a)
	mustContain(t, s, "behind ")
	if list, _, _ := strings.Cut(s, "────"); strings.Contains(list, "(session") {
		t.Errorf("a session principal not fitted to its column:\n%s", list)
	}
}
