package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps the tests away from the user's own config and state.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "trailscope-main-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("TRAILSCOPE_CONFIG", filepath.Join(dir, "config.toml"))
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
