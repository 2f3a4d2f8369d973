package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/settings"
)

// newKeptApp is a console whose state is kept in dir, as a run of trailscope keeps it.
func newKeptApp(idx *index.Index, dir string, cfg settings.Config) *App {
	a := newApp(Options{Index: idx, Source: "test", Config: cfg, Settings: &settings.State{Dir: dir}})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(a, a.runQuery(""))
	return a
}

func TestFilterHistoryIsKeptAcrossRuns(t *testing.T) {
	idx, dir := testIndex(300), t.TempDir()
	a := newKeptApp(idx, dir, settings.Config{})
	for _, f := range []string{"event:CreateUser", "error:AccessDenied"} {
		press(a, "/", "ctrl+u")
		typeText(a, f)
		press(a, "enter")
	}
	info, err := os.Stat(filepath.Join(dir, "history"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v %v", info, err)
	}
	b := newKeptApp(idx, dir, settings.Config{})
	press(b, "/", "ctrl+u", "up")
	if got := b.bar.Value(); got != "error:AccessDenied" {
		t.Fatalf("up in a new run gives %q", got)
	}
	press(b, "up")
	if got := b.bar.Value(); got != "event:CreateUser" {
		t.Fatalf("up twice gives %q", got)
	}
	press(b, "down", "down")
	if got := b.bar.Value(); got != "" {
		t.Fatalf("down past the newest gives %q", got)
	}
}

func TestSaveAndLoadFilters(t *testing.T) {
	idx, dir := testIndex(300), t.TempDir()
	a := newKeptApp(idx, dir, settings.Config{})
	command(a, "save nofilter")
	if !a.status.Err {
		t.Fatalf("saving no filter: %q", a.status.Text)
	}
	press(a, "/", "ctrl+u")
	typeText(a, "event:RunInstances")
	press(a, "enter")
	command(a, "save runs")
	mustContain(t, screen(a), "saved as runs")

	b := newKeptApp(idx, dir, settings.Config{})
	press(b, ":")
	typeText(b, "load r")
	mustContain(t, screen(b), "load runs", "saved filter") // the completion offers the name
	press(b, "enter")
	if b.state.Applied != "event:RunInstances" {
		t.Fatalf(":load r applied %q", b.state.Applied)
	}
	command(b, "load nosuch")
	if !b.status.Err || !strings.Contains(b.status.Text, "runs") {
		t.Fatalf(":load nosuch says %q", b.status.Text)
	}

	shared := newTestApp(idx, 80, 24) // a served session: nothing is kept
	press(shared, "/")
	typeText(shared, "event:RunInstances")
	press(shared, "enter")
	command(shared, "save runs")
	mustContain(t, screen(shared), "not kept in a shared session")
}

func TestMarksAreKeptAndListed(t *testing.T) {
	idx, dir := testIndex(300), t.TempDir()
	a := newKeptApp(idx, dir, settings.Config{})
	first, _ := a.timeline.Selected()
	press(a, " ") // marks the first row, moves on
	second, _ := a.timeline.Selected()
	press(a, " ", "k")
	press(a, " ") // and unmarks the second
	if len(a.state.Marks) != 1 || !a.state.Marks[idx.Record(first).EventID] || a.state.Marks[idx.Record(second).EventID] {
		t.Fatalf("marks %v", a.state.Marks)
	}
	rows := strings.Split(screen(a), "\n")
	if !strings.HasPrefix(rows[6], " *") && !strings.HasPrefix(rows[6], ">*") {
		t.Fatalf("the marked row has no mark: %q", rows[6])
	}

	b := newKeptApp(idx, dir, settings.Config{})
	if len(b.state.Marks) != 1 {
		t.Fatalf("marks in a new run: %v", b.state.Marks)
	}
	command(b, "marked")
	if len(b.state.Result.Refs) != 1 || b.state.Result.Refs[0] != first || !strings.HasPrefix(b.state.Applied, "id:") {
		t.Fatalf(":marked shows %d events (%q)", len(b.state.Result.Refs), b.state.Applied)
	}
	press(b, "esc")
	if b.state.Applied != "" {
		t.Fatalf("esc after :marked: %q", b.state.Applied)
	}
}

func TestConfigColumns(t *testing.T) {
	a := newKeptApp(testIndex(50), t.TempDir(), settings.Config{Columns: []string{"event", "time", "region"}})
	header := strings.Split(screen(a), "\n")[5]
	if !strings.Contains(header, "EVENT") || strings.Contains(header, "PRINCIPAL") || strings.Index(header, "EVENT") > strings.Index(header, "TIME") {
		t.Fatalf("header %q", header)
	}
}
