package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestViewsByKeys(t *testing.T) {
	idx := testIndex(3000)
	tests := []struct {
		name  string
		keys  []string
		typed string
		after []string
		check func(t *testing.T, a *App, s string)
	}{
		{name: "timeline at start", check: func(t *testing.T, a *App, s string) {
			if a.view != viewTimeline || len(a.result.Refs) != 3000 {
				t.Fatalf("view %v, %d rows", a.view, len(a.result.Refs))
			}
			mustContain(t, s, "3,000 of 3,000 events", "TIME", "EVENT", "PRINCIPAL")
		}},
		{name: "filter narrows", keys: []string{"/"}, typed: "event:RunInstances", after: []string{"enter"}, check: func(t *testing.T, a *App, s string) {
			if a.applied != "event:RunInstances" || a.bar.focused {
				t.Fatalf("applied %q focused %v", a.applied, a.bar.focused)
			}
			for _, ref := range a.result.Refs {
				if a.idx.Record(ref).Name != "RunInstances" {
					t.Fatal("a row that does not match")
				}
			}
			mustContain(t, s, "RunInstances", "/ event:RunInstances")
		}},
		{name: "bad filter keeps result", keys: []string{"/"}, typed: "event:RunInstances ip:300.1.2.3", check: func(t *testing.T, a *App, s string) {
			if a.bar.err == nil || a.applied == a.bar.Value() {
				t.Fatalf("err %v applied %q", a.bar.err, a.applied)
			}
			q, _ := filter.ParseQuery(a.applied)
			if len(a.idx.Query(q).Refs) != len(a.result.Refs) {
				t.Fatal("the result on screen is not the last good filter's")
			}
			mustContain(t, s, "not an IP address")
		}},
		{name: "completion of a qualifier", keys: []string{"/"}, typed: "eve", check: func(t *testing.T, a *App, s string) {
			mustContain(t, s, "event:", "tab: complete")
		}},
		{name: "completion of a value", keys: []string{"/"}, typed: "event:Termin", after: []string{"tab"}, check: func(t *testing.T, a *App, s string) {
			if got := a.bar.Value(); got != "event:TerminateInstances " {
				t.Fatalf("bar %q", got)
			}
		}},
		{name: "principals view", keys: []string{"2"}, check: func(t *testing.T, a *App, s string) {
			if a.view != viewPrincipals || len(a.prRows) == 0 {
				t.Fatalf("view %v rows %d", a.view, len(a.prRows))
			}
			mustContain(t, s, "principals", "EVENTS", "ERRORS")
		}},
		{name: "principal opens its timeline and esc comes back", keys: []string{"2", "enter"}, check: func(t *testing.T, a *App, s string) {
			if a.view != viewTimeline || !strings.HasPrefix(a.applied, "principal:") {
				t.Fatalf("view %v applied %q", a.view, a.applied)
			}
			press(a, "esc")
			if a.view != viewPrincipals || a.applied != "" {
				t.Fatalf("after esc: view %v applied %q", a.view, a.applied)
			}
		}},
		{name: "resources view and open", keys: []string{":"}, typed: "resources", after: []string{"enter", "enter"}, check: func(t *testing.T, a *App, s string) {
			if a.view != viewTimeline || !strings.HasPrefix(a.applied, "resource:") {
				t.Fatalf("view %v applied %q", a.view, a.applied)
			}
		}},
		{name: "detail, pivot and back", keys: []string{"enter"}, check: func(t *testing.T, a *App, s string) {
			if a.detail == nil {
				t.Fatal("no detail")
			}
			mustContain(t, s, "credential chain", "related", "record")
			press(a, "G")
			mustContain(t, screen(a), `\x1b`)
			press(a, "g")
			if strings.Contains(a.View().Content, "line\x1b[31m") {
				t.Fatal("an escape sequence from a record reached the screen")
			}
			// the "who" line pivots to principal:
			for i, l := range a.detail.lines {
				if l.label == "who" {
					a.detail.cursor = i
				}
			}
			press(a, "p")
			if a.detail != nil || !strings.HasPrefix(a.applied, "principal:") {
				t.Fatalf("after pivot: detail %v applied %q", a.detail != nil, a.applied)
			}
			press(a, "esc")
			if a.detail == nil || a.applied != "" {
				t.Fatalf("esc did not come back to the detail: applied %q", a.applied)
			}
		}},
		{name: "zoom in and out", keys: []string{"z"}, check: func(t *testing.T, a *App, s string) {
			if !strings.Contains(a.applied, "since:") || len(a.result.Refs) >= 3000 {
				t.Fatalf("zoom: %q %d", a.applied, len(a.result.Refs))
			}
			press(a, "Z")
			if a.applied != "" {
				t.Fatalf("zoom out: %q", a.applied)
			}
		}},
		{name: "help", keys: []string{"?"}, check: func(t *testing.T, a *App, s string) {
			mustContain(t, s, "Views", "pivot")
			press(a, "G")
			mustContain(t, screen(a), "Filter language")
			press(a, "esc")
			if a.help {
				t.Fatal("esc did not close help")
			}
		}},
		{name: "sort oldest first", keys: []string{"s"}, check: func(t *testing.T, a *App, s string) {
			if a.newestFirst {
				t.Fatal("still newest first")
			}
			if !a.idx.Time(a.row(0)).Before(a.idx.Time(a.row(len(a.result.Refs) - 1))) {
				t.Fatal("not oldest first")
			}
		}},
		{name: "cursor moves", keys: []string{"j", "j", "pgdown", "k"}, check: func(t *testing.T, a *App, s string) {
			if a.tl.cursor != 1+a.tableHeight()-1 {
				t.Fatalf("cursor %d", a.tl.cursor)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestApp(idx, 80, 24)
			press(a, tt.keys...)
			typeText(a, tt.typed)
			if tt.typed != "" {
				// the debounce tick has fired inside drive: the filter ran as typed
			}
			press(a, tt.after...)
			tt.check(t, a, screen(a))
		})
	}
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("screen lacks %q:\n%s", sub, s)
		}
	}
}

func TestTooSmall(t *testing.T) {
	a := newTestApp(testIndex(10), 60, 20)
	mustContain(t, screen(a), "terminal too small: 60x20")
}

func TestEveryLineFits(t *testing.T) {
	idx := testIndex(500)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
		a := newTestApp(idx, size[0], size[1])
		for _, keys := range [][]string{nil, {"2"}, {"3"}, {"4"}, {"enter"}, {"?"}} {
			press(a, keys...)
			lines := strings.Split(a.View().Content, "\n")
			if len(lines) != size[1] {
				t.Fatalf("%v %v: %d lines", size, keys, len(lines))
			}
			for _, l := range strings.Split(screen(a), "\n") {
				if w := len([]rune(l)); w > size[0] {
					t.Fatalf("%v %v: line of %d cells: %q", size, keys, w, l)
				}
			}
			press(a, "esc", "1")
		}
	}
}

func TestLoadFromBatches(t *testing.T) {
	ch := make(chan cloudtrail.Batch, 3)
	recs := synthRecords(300, 3)
	ch <- cloudtrail.Batch{Records: recs[:100], Progress: cloudtrail.Progress{Files: 3, FilesDone: 1, Records: 100}}
	ch <- cloudtrail.Batch{Records: recs[100:], Problems: []cloudtrail.Problem{{File: "bad.json.gz", Reason: "truncated gzip"}}, Progress: cloudtrail.Progress{Files: 3, FilesDone: 3, Records: 300}}
	close(ch)
	a := newApp(Options{Index: index.New(), Batches: ch, Source: "test"})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(a, loadCmd(a.idx, ch))
	drive(a, loadCmd(a.idx, ch))
	if a.loading || len(a.result.Refs) != 300 || len(a.problems) != 1 {
		t.Fatalf("loading %v rows %d problems %d", a.loading, len(a.result.Refs), len(a.problems))
	}
	press(a, "4")
	mustContain(t, screen(a), "bad.json.gz", "truncated gzip", "! 1 problem")
}

func TestGolden(t *testing.T) {
	idx := testIndex(2000)
	for _, g := range []struct {
		name string
		keys []string
	}{
		{"timeline", nil},
		{"principals", []string{"2"}},
		{"resources", []string{"3"}},
		{"detail", []string{"enter"}},
		{"help", []string{"?"}},
	} {
		t.Run(g.name, func(t *testing.T) {
			a := newTestApp(idx, 80, 24)
			press(a, g.keys...)
			got := screen(a)
			// the status line carries a duration: make it stable
			lines := strings.Split(got, "\n")
			lines[len(lines)-2] = "(status)"
			got = strings.Join(lines, "\n") + "\n"
			path := filepath.Join("testdata", g.name+".golden")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ui -run Golden -update)", err)
			}
			if string(want) != got {
				t.Fatalf("view differs from %s:\n%s", path, got)
			}
		})
	}
}
