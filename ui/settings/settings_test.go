package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if c, err := LoadConfig(path); err != nil || c.TimeZone != "" {
		t.Fatalf("a missing file is the defaults: %+v %v", c, err)
	}
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("time_zone = \"Europe/Paris\"\nrelative_times = true\ntheme = \"dark\"\ncolumns = [\"time\", \"event\", \"principal\"]\nsources = [\"~/AWSLogs\"]\nmouse = false\n")
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := c.Location()
	if loc.String() != "Europe/Paris" || !c.RelativeTimes || c.Theme != "dark" || len(c.Columns) != 3 || c.Mouse == nil || *c.Mouse {
		t.Errorf("config: %+v", c)
	}
	for bad, want := range map[string]string{
		"time_zone = \"Mars/Olympus\"":   "time_zone",
		"theme = \"neon\"":               "theme",
		"columns = [\"time\", \"size\"]": "column",
		"colour = true":                  "unknown setting",
		"time_zone = ":                   "config",
	} {
		write(bad)
		if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error about %s", bad, err, want)
		}
	}
	if l, _ := (Config{TimeZone: "local"}).Location(); l != time.Local {
		t.Error("local")
	}
}

func TestHistory(t *testing.T) {
	s := &State{Dir: filepath.Join(t.TempDir(), "state")}
	for _, f := range []string{"event:A", "event:B", "event:A", "  ", "multi\nline"} {
		if err := s.AddHistory(f); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History()
	if err != nil || strings.Join(h, "|") != "event:B|event:A|multi line" {
		t.Fatalf("history %q, %v", h, err)
	}
	for i := range MaxHistory + 10 {
		s.AddHistory(fmt.Sprintf("event:N%d", i))
	}
	if h, _ := s.History(); len(h) != MaxHistory || h[len(h)-1] != fmt.Sprintf("event:N%d", MaxHistory+9) {
		t.Errorf("history is %d long, ends with %q", len(h), h[len(h)-1])
	}
	assertPrivate(t, s.Dir, "history")
}

func TestSavedAndMarks(t *testing.T) {
	s := &State{Dir: filepath.Join(t.TempDir(), "state")}
	if err := s.Save("root-use", "type:Root"); err != nil {
		t.Fatal(err)
	}
	if err := s.Save("bad name", "x"); err == nil {
		t.Error("a name with a space was saved")
	}
	if f, err := s.Load("root-use"); err != nil || f != "type:Root" {
		t.Errorf("load: %q %v", f, err)
	}
	if _, err := s.Load("nope"); err == nil || !strings.Contains(err.Error(), "root-use") {
		t.Errorf("a missing name should list the saved ones: %v", err)
	}
	if err := s.SetMarks(map[string]bool{"e1": true, "e2": false, "e3": true}); err != nil {
		t.Fatal(err)
	}
	m, err := s.Marks()
	if err != nil || len(m) != 2 || !m["e1"] || !m["e3"] {
		t.Errorf("marks %v %v", m, err)
	}
	assertPrivate(t, s.Dir, "saved.json")
	assertPrivate(t, s.Dir, "marks.json")

	var none State // no folder: remembers nothing, fails nothing
	if err := none.AddHistory("x"); err != nil {
		t.Error(err)
	}
	if h, err := none.History(); h != nil || err != nil {
		t.Error(h, err)
	}
}

func assertPrivate(t *testing.T, dir, name string) {
	t.Helper()
	st, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s is %v, want 0600", name, st.Mode().Perm())
	}
	if d, _ := os.Stat(dir); d.Mode().Perm() != 0o700 {
		t.Errorf("%s is %v, want 0700", dir, d.Mode().Perm())
	}
}
