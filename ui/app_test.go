package ui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/views/principals"
	"github.com/trailscope/trailscope/ui/views/timeline"
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
			if a.state.Active != timeline.Name || len(a.state.Result.Refs) != 3000 {
				t.Fatalf("view %v, %d rows", a.state.Active, len(a.state.Result.Refs))
			}
			mustContain(t, s, "3,000 of 3,000 events", "TIME", "EVENT", "PRINCIPAL")
		}},
		{name: "filter narrows", keys: []string{"/"}, typed: "event:RunInstances", after: []string{"enter"}, check: func(t *testing.T, a *App, s string) {
			if a.state.Applied != "event:RunInstances" || a.bar.Focused() {
				t.Fatalf("applied %q focused %v", a.state.Applied, a.bar.Focused())
			}
			for _, ref := range a.state.Result.Refs {
				if a.state.Index.Record(ref).Name != "RunInstances" {
					t.Fatal("a row that does not match")
				}
			}
			mustContain(t, s, "RunInstances", "/ event:RunInstances")
		}},
		{name: "bad filter keeps result", keys: []string{"/"}, typed: "event:RunInstances ip:300.1.2.3", check: func(t *testing.T, a *App, s string) {
			if a.bar.Err() == nil || a.state.Applied == a.bar.Value() {
				t.Fatalf("err %v applied %q", a.bar.Err(), a.state.Applied)
			}
			q, _ := filter.ParseQuery(a.state.Applied)
			if len(a.state.Index.Query(q).Refs) != len(a.state.Result.Refs) {
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
			if a.state.Active != principals.Name || principalsOf(a).Rows() == 0 {
				t.Fatalf("view %v rows %d", a.state.Active, principalsOf(a).Rows())
			}
			mustContain(t, s, "principals", "EVENTS", "ERRORS")
		}},
		{name: "principal opens its timeline and esc comes back", keys: []string{"2", "enter"}, check: func(t *testing.T, a *App, s string) {
			if a.state.Active != timeline.Name || !strings.HasPrefix(a.state.Applied, "principal:") {
				t.Fatalf("view %v applied %q", a.state.Active, a.state.Applied)
			}
			press(a, "esc")
			if a.state.Active != principals.Name || a.state.Applied != "" {
				t.Fatalf("after esc: view %v applied %q", a.state.Active, a.state.Applied)
			}
		}},
		{name: "resources view and open", keys: []string{":"}, typed: "resources", after: []string{"enter", "enter"}, check: func(t *testing.T, a *App, s string) {
			if a.state.Active != timeline.Name || !strings.HasPrefix(a.state.Applied, "resource:") {
				t.Fatalf("view %v applied %q", a.state.Active, a.state.Applied)
			}
		}},
		{name: "detail, pivot and back", keys: []string{"enter"}, check: func(t *testing.T, a *App, s string) {
			if !a.detail.IsOpen() {
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
			if !a.detail.SeekLabel("who") {
				t.Fatal("no who line")
			}
			press(a, "p")
			if a.detail.IsOpen() || !strings.HasPrefix(a.state.Applied, "principal:") {
				t.Fatalf("after pivot: detail %v applied %q", a.detail.IsOpen(), a.state.Applied)
			}
			press(a, "esc")
			if !a.detail.IsOpen() || a.state.Applied != "" {
				t.Fatalf("esc did not come back to the detail: applied %q", a.state.Applied)
			}
		}},
		{name: "zoom in and out", keys: []string{"z"}, check: func(t *testing.T, a *App, s string) {
			if !strings.Contains(a.state.Applied, "since:") || len(a.state.Result.Refs) >= 3000 {
				t.Fatalf("zoom: %q %d", a.state.Applied, len(a.state.Result.Refs))
			}
			press(a, "Z")
			if a.state.Applied != "" {
				t.Fatalf("zoom out: %q", a.state.Applied)
			}
		}},
		{name: "help", keys: []string{"?"}, check: func(t *testing.T, a *App, s string) {
			mustContain(t, s, "Views", "Lists")
			press(a, "G")
			mustContain(t, screen(a), "Filter language")
			press(a, "esc")
			if a.helpOpen {
				t.Fatal("esc did not close help")
			}
		}},
		{name: "sort oldest first", keys: []string{"s"}, check: func(t *testing.T, a *App, s string) {
			if a.timeline.NewestFirst() {
				t.Fatal("still newest first")
			}
			if !a.state.Index.Time(a.timeline.Row(0)).Before(a.state.Index.Time(a.timeline.Row(len(a.state.Result.Refs) - 1))) {
				t.Fatal("not oldest first")
			}
		}},
		{name: "cursor moves", keys: []string{"j", "j", "pgdown", "k"}, check: func(t *testing.T, a *App, s string) {
			if a.timeline.Cursor() != 1+(a.bodyHeight()-3)-1 {
				t.Fatalf("cursor %d", a.timeline.Cursor())
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
	for _, size := range [][2]int{{59, 24}, {80, 19}, {30, 10}} {
		a := newTestApp(testIndex(10), size[0], size[1])
		mustContain(t, screen(a), fmt.Sprintf("terminal too small: %dx%d", size[0], size[1]), "at least 60x20")
	}
}

func TestEveryLineFits(t *testing.T) {
	idx := testIndex(500)
	for _, size := range [][2]int{{60, 20}, {70, 22}, {80, 24}, {120, 40}, {200, 50}} {
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
	drive(a, loadCmd(a.state.Index, ch))
	drive(a, loadCmd(a.state.Index, ch))
	if a.state.Loading || len(a.state.Result.Refs) != 300 || len(a.state.Problems) != 1 {
		t.Fatalf("loading %v rows %d problems %d", a.state.Loading, len(a.state.Result.Refs), len(a.state.Problems))
	}
	press(a, "4")
	mustContain(t, screen(a), "bad.json.gz", "truncated gzip", "! 1 problem")
}

// TestEmptyResultWhileLoading: while a load goes on, an empty result says it is empty so far.
func TestEmptyResultWhileLoading(t *testing.T) {
	ch := make(chan cloudtrail.Batch, 1)
	ch <- cloudtrail.Batch{Records: synthRecords(50, 1), Progress: cloudtrail.Progress{Records: 50}}
	a := newApp(Options{Index: index.New(), Batches: ch, Source: "test"})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	mustContain(t, screen(a), "waiting for the first events")
	a.Update(loadCmd(a.state.Index, ch)()) // the first batch; the next read of the channel is not run: the load goes on
	drive(a, a.runQuery("event:NoSuchCall"))
	mustContain(t, screen(a), "no events match this filter so far (loading…)")
	close(ch)
	drive(a, loadCmd(a.state.Index, ch))
	if s := screen(a); !strings.Contains(s, "no events match this filter") || strings.Contains(s, "so far") {
		t.Errorf("after the load:\n%s", s)
	}
}

// TestEscStopsLoad: esc with nothing to go back to stops a load (an Athena query, say) and keeps
// what has arrived; without a load, it says there is nothing to go back to.
func TestEscStopsLoad(t *testing.T) {
	ch := make(chan cloudtrail.Batch, 1)
	ch <- cloudtrail.Batch{Records: synthRecords(50, 1), Progress: cloudtrail.Progress{Records: 50, Detail: "Athena query q-1 RUNNING"}}
	stopped := 0
	a := newApp(Options{Index: index.New(), Batches: ch, Source: "test", StopLoad: func() { stopped++ }})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.Update(loadCmd(a.state.Index, ch)()) // the first batch; the next read of the channel is not run
	press(a, "esc")
	if stopped != 1 || !strings.Contains(a.status.Text, "stopping the load") {
		t.Fatalf("stopped %d times:\n%s", stopped, screen(a))
	}
	close(ch) // the source ends
	drive(a, loadCmd(a.state.Index, ch))
	press(a, "esc")
	if stopped != 1 || a.state.Loading || a.state.Index.Len() != 50 || !strings.Contains(screen(a), "nothing to go back to") {
		t.Errorf("after the load: stopped %d, loading %v, %d events\n%s", stopped, a.state.Loading, a.state.Index.Len(), screen(a))
	}
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

func principalsOf(a *App) *principals.Model { return a.view(principals.Name).(*principals.Model) }
