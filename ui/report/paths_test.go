package report

import (
	"path/filepath"
	"testing"
)

func TestExpandHome(t *testing.T) {
	t.Setenv("HOME", "/home/alice")
	for in, want := range map[string]string{
		"~":            "/home/alice",
		"~/x/out.json": filepath.Join("/home/alice", "x/out.json"),
		"~bob/x":       "~bob/x",
		"/tmp/~/x":     "/tmp/~/x",
		"out.json":     "out.json",
	} {
		if got := ExpandHome(in); got != want {
			t.Errorf("ExpandHome(%q) = %q, want %q", in, got, want)
		}
	}
}
