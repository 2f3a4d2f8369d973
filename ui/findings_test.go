package ui

import (
	"strings"
	"testing"
)

func TestFindingsView(t *testing.T) {
	a := newTestApp(testIndex(3000), 100, 30)
	press(a, ":")
	typeText(a, "findings")
	press(a, "enter")
	if a.view != viewFindings {
		t.Fatalf("view %v", a.view)
	}
	if len(a.fd.findings) == 0 {
		t.Fatal("no findings over synthetic events that delete trails and deny calls")
	}
	s := screen(a)
	mustContain(t, s, "SEVERITY", "PRINCIPAL", "FINDING", "why", "filter", "enter")
	if got := a.keys.ShortHelp("findings"); len(got) == 0 {
		t.Fatal("no short help for the view")
	}

	// The most severe come first; j moves to the next.
	first := a.fd.findings[0]
	for _, f := range a.fd.findings {
		if f.Severity > first.Severity {
			t.Fatalf("%s (%s) after %s (%s)", f.Rule, f.Severity, first.Rule, first.Severity)
		}
	}
	press(a, "j")
	second := a.fd.findings[1]
	mustContain(t, screen(a), second.Rule, second.Rationale[:20])

	// Enter opens the finding's events on the timeline, with its filter; esc comes back.
	press(a, "enter")
	if a.view != viewTimeline || a.applied != second.Filter {
		t.Fatalf("view %v applied %q, want the filter %q", a.view, a.applied, second.Filter)
	}
	if len(a.result.Refs) < second.Count {
		t.Errorf("the filter shows %d events, the finding has %d", len(a.result.Refs), second.Count)
	}
	mustContain(t, screen(a), "esc: back to the findings")
	press(a, "esc")
	if a.view != viewFindings || a.fd.list.cursor != 1 {
		t.Fatalf("after esc: view %v cursor %d", a.view, a.fd.list.cursor)
	}

	// The rules run again when the index grows, and not when it has not.
	if cmd := a.computeFindings(); cmd != nil {
		t.Error("findings computed again over the same events")
	}
	a.idx.Add(synthRecords(3100, 7)[3000:])
	drive(a, a.computeFindings())
	if a.fd.n != a.idx.Len() {
		t.Errorf("findings over %d events, the index holds %d", a.fd.n, a.idx.Len())
	}
	for range a.fd.findings {
		press(a, "j")
	}
	if a.fd.list.cursor != len(a.fd.findings)-1 || !strings.Contains(screen(a), a.fd.findings[a.fd.list.cursor].Rule) {
		t.Fatalf("cursor %d of %d", a.fd.list.cursor, len(a.fd.findings))
	}
}

func TestFindingsViewEmpty(t *testing.T) {
	a := newTestApp(testIndex(0), 80, 24)
	press(a, ":")
	typeText(a, "findings")
	press(a, "enter")
	mustContain(t, screen(a), "nothing found")
	press(a, "enter", "j") // nothing to open, nowhere to go
	if a.view != viewFindings {
		t.Fatalf("view %v", a.view)
	}
}
