package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/ui/settings"
)

func TestReportOfTheMarkedEvents(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	idx := testIndex(300)
	a := newKeptApp(idx, t.TempDir(), settings.Config{})
	first, _ := a.timeline.Selected()
	press(a, " ", "j", " ")
	command(a, "report ~/case.md")
	path := filepath.Join(home, "case.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("~/case.md: %v (status %q)", err, a.status.Text)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("report mode %v", info.Mode())
	}
	if !strings.Contains(string(b), idx.Record(first).EventID) || !strings.Contains(string(b), "# Incident timeline") {
		t.Fatalf("the report lacks the marked event:\n%s", b)
	}
	mustContain(t, screen(a), "wrote the report of 2 marked events")

	// The same name again: asked, and n leaves the file as it was.
	if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	command(a, "report ~/case.md")
	mustContain(t, screen(a), "file exists: overwrite it with the report? y/n")
	press(a, "n")
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatal("n overwrote the file")
	}
	mustContain(t, screen(a), "not written")
	command(a, "report ~/case.md")
	press(a, "y")
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "Incident timeline") {
		t.Fatalf("y did not overwrite: %q", b)
	}

	// HTML for a .html name; with no marks, the result (capped).
	c := newTestApp(idx, 80, 24)
	command(c, "report "+filepath.Join(home, "all.html"))
	h, err := os.ReadFile(filepath.Join(home, "all.html"))
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(h)), "<!DOCTYPE html>") {
		t.Fatalf("html report: %v %.80q", err, h)
	}
	mustContain(t, screen(c), "wrote the report of 300 events")
}

// A file written in place of another replaces it whole, or not at all.
func TestPendingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := createPending(path, false, 0o600); err == nil {
		t.Fatal("a new file over an existing one")
	}
	p, err := createPending(path, true, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p.WriteString("half")
	p.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("an aborted overwrite left %q", b)
	}
	p, _ = createPending(path, true, 0o600)
	p.WriteString("new")
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != "new" || info.Mode().Perm() != 0o600 {
		t.Fatalf("committed: %q %v", b, info.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left beside it: %v", entries)
	}
}

// The export expands ~ and asks before it overwrites a file.
func TestExportExpandsHomeAndAsksBeforeOverwriting(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	a := newTestApp(testIndex(120), 80, 24)
	export := func(name string) {
		press(a, "e", "ctrl+u")
		typeText(a, name)
		press(a, "enter")
	}
	export("~/out.csv")
	path := filepath.Join(home, "out.csv")
	b, err := os.ReadFile(path)
	if err != nil || strings.Count(string(b), "\n") != 121 {
		t.Fatalf("~/out.csv: %v, %d lines (status %q)", err, strings.Count(string(b), "\n"), a.status.Text)
	}
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	export("~/out.csv")
	mustContain(t, screen(a), "file exists: overwrite it with the export? y/n")
	press(a, "n")
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatal("n overwrote the file")
	}
	export("~/out.csv")
	press(a, "Y")
	if b, _ := os.ReadFile(path); strings.Count(string(b), "\n") != 121 {
		t.Fatalf("y did not overwrite: %q", b)
	}
	mustContain(t, screen(a), "exported 120 events")
}
