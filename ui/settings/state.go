package settings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// MaxHistory is how many filters the history keeps, newest last.
const MaxHistory = 500

// State is the console's memory across runs: the filters typed, the filters saved by name, and the
// events marked. The zero Dir keeps nothing (a test, or a home with no state folder). Safe for
// concurrent use.
type State struct {
	Dir string
	mu  sync.Mutex
}

// StateDir is where the state lives: $XDG_STATE_HOME/trailscope, or ~/.local/state/trailscope.
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "trailscope"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", "trailscope"), nil
}

// History returns the filters typed before, oldest first.
func (s *State) History() ([]string, error) {
	b, err := s.read("history")
	if b == nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := sc.Text(); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// AddHistory remembers a filter: it moves to the end if it was there, and the oldest fall off past
// MaxHistory. Filters are one line; an empty one is not kept.
func (s *State) AddHistory(filter string) error {
	filter = strings.TrimSpace(strings.ReplaceAll(filter, "\n", " "))
	if filter == "" || s.Dir == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lines, err := s.History()
	if err != nil {
		return err
	}
	lines = slices.DeleteFunc(lines, func(l string) bool { return l == filter })
	lines = append(lines, filter)
	if len(lines) > MaxHistory {
		lines = lines[len(lines)-MaxHistory:]
	}
	return s.write("history", []byte(strings.Join(lines, "\n")+"\n"))
}

// Saved returns the filters saved by name.
func (s *State) Saved() (map[string]string, error) {
	saved := map[string]string{}
	return saved, s.readJSON("saved.json", &saved)
}

// SavedNames returns the names of the saved filters, sorted.
func (s *State) SavedNames() []string {
	saved, _ := s.Saved()
	names := make([]string, 0, len(saved))
	for n := range saved {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Save keeps a filter under a name (letters, digits, - _ .), replacing one of the same name.
func (s *State) Save(name, filter string) error {
	if !validName(name) {
		return fmt.Errorf("name %q: only letters, digits, '-', '_' and '.' are allowed", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	saved, err := s.Saved()
	if err != nil {
		return err
	}
	saved[name] = filter
	return s.writeJSON("saved.json", saved)
}

// Load returns the filter saved under name.
func (s *State) Load(name string) (string, error) {
	saved, err := s.Saved()
	if err != nil {
		return "", err
	}
	f, ok := saved[name]
	if !ok {
		return "", fmt.Errorf("no saved filter %q (saved: %s)", name, strings.Join(s.SavedNames(), ", "))
	}
	return f, nil
}

// Marks returns the IDs of the events marked, as a set.
func (s *State) Marks() (map[string]bool, error) {
	var ids []string
	if err := s.readJSON("marks.json", &ids); err != nil {
		return nil, err
	}
	marks := make(map[string]bool, len(ids))
	for _, id := range ids {
		marks[id] = true
	}
	return marks, nil
}

// SetMarks keeps the marked events' IDs.
func (s *State) SetMarks(marks map[string]bool) error {
	ids := make([]string, 0, len(marks))
	for id, on := range marks {
		if on {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeJSON("marks.json", ids)
}

func validName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// read returns a state file's bytes; nil, nil when it does not exist yet.
func (s *State) read(name string) ([]byte, error) {
	if s.Dir == "" {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

func (s *State) readJSON(name string, v any) error {
	b, err := s.read(name)
	if b == nil || err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(s.Dir, name), err)
	}
	return nil
}

func (s *State) writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return s.write(name, append(b, '\n'))
}

// write replaces a state file atomically (a crash leaves the old one), 0600 in a 0700 folder.
func (s *State) write(name string, b []byte) error {
	if s.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, name+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(s.Dir, name))
}
