package ui

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
)

// exportTo types a path at the export prompt and runs the export to its end.
func exportTo(a *App, path string) {
	press(a, "e", "ctrl+u")
	typeText(a, path)
	press(a, "enter")
}

func TestExport(t *testing.T) {
	a := newTestApp(testIndex(500), 120, 30)
	press(a, "/")
	typeText(a, "event:RunInstances")
	press(a, "enter")
	refs := a.state.Result.Refs
	dir := t.TempDir()

	path := filepath.Join(dir, "run.jsonl")
	exportTo(a, path)
	mustContain(t, screen(a), "exported", "events to", "(json)")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	if len(lines) != len(refs) {
		t.Fatalf("%d lines, want %d", len(lines), len(refs))
	}
	for i, ref := range refs {
		raw, _ := a.state.Index.Raw(ref)
		if lines[i] != string(raw) {
			t.Fatalf("line %d is %q, want the raw record %q", i, lines[i], raw)
		}
	}

	path = filepath.Join(dir, "run.csv")
	exportTo(a, path)
	f, _ := os.ReadFile(path)
	rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil || len(rows) != len(refs)+1 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}

	exportTo(a, path) // it exists: overwritten only after y
	mustContain(t, screen(a), "file exists: overwrite it with the export? y/n")
	press(a, "n")
	if again, _ := os.ReadFile(path); !bytes.Equal(again, f) {
		t.Error("an export not confirmed changed the file that was there")
	}
}

// gatedRaw hands out records until the n-th, which waits for the gate to open.
type gatedRaw struct {
	memRaw
	n       int64
	calls   atomic.Int64
	reached chan struct{}
	gate    chan struct{}
	once    sync.Once
}

func (g *gatedRaw) Raw(off int64, n int) ([]byte, error) {
	if g.calls.Add(1) == g.n {
		g.once.Do(func() { close(g.reached) })
		<-g.gate
	}
	return g.memRaw.Raw(off, n)
}

// gatedIndex is an index whose export stops at the n-th record until the gate opens.
func gatedIndex(n int64) (*index.Index, *gatedRaw) {
	recs := synthRecords(300, 9)
	g := &gatedRaw{memRaw: *recs[0].Raw.Store.(*memRaw), n: n, reached: make(chan struct{}), gate: make(chan struct{})}
	for i := range recs {
		recs[i].Raw = cloudtrail.RawRef{Store: g, Off: recs[i].Raw.Off, Len: recs[i].Raw.Len}
	}
	idx := index.New()
	idx.Add(recs)
	return idx, g
}

func TestExportUnderWay(t *testing.T) {
	idx, g := gatedIndex(150)
	a := newTestApp(idx, 120, 30)
	path := filepath.Join(t.TempDir(), "all.jsonl")
	press(a, "e", "ctrl+u")
	typeText(a, path)
	_, wait := a.Update(keyMsg("enter")) // the export starts; wait brings its news
	<-g.reached

	// Half way, the console answers keys and says how far the export is.
	mustContain(t, screen(a), "exporting 49% (149 of 300)")
	before := a.timeline.Cursor()
	press(a, "j", "j")
	if a.timeline.Cursor() != before+2 {
		t.Errorf("the cursor went from %d to %d while exporting, want 2 rows down", before, a.timeline.Cursor())
	}
	press(a, "e", "enter")
	mustContain(t, screen(a), "is under way", "wait for it to finish")

	close(g.gate)
	drive(a, wait)
	mustContain(t, screen(a), "exported 300 events to")
	if s := screen(a); strings.Contains(s, "exporting") {
		t.Errorf("the title still says an export is under way:\n%s", s)
	}
}

func TestQuitDuringExport(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.jsonl")
	if err := os.WriteFile(old, []byte("the export before\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "cut.jsonl"), old} {
		idx, g := gatedIndex(100)
		a := newTestApp(idx, 120, 30)
		press(a, "e", "ctrl+u")
		typeText(a, path)
		a.Update(keyMsg("enter"))
		if path == old {
			a.Update(keyMsg("y")) // overwrite it
		}
		<-g.reached
		a.exporting.cancel() // what stopExport does first; it then waits for the writer, held at the gate
		close(g.gate)
		a.stopExport()
		got, err := os.ReadFile(path)
		switch {
		case path == old && string(got) != "the export before\n":
			t.Errorf("an export cut short changed the file it was to replace: %.40q, %v", got, err)
		case path != old && !os.IsNotExist(err):
			t.Errorf("an export cut short left %s behind (%v)", path, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("%s holds %d files after an export cut short, want the one there before", dir, len(entries))
		}
	}
}
