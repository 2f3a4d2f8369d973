package e2e

import (
	"os"
	"os/exec"
	"testing"
)

// TestMain keeps the tests' own tmux server up between tests: by default a tmux server exits when
// its last session ends, and a test's new session started at that moment fails ("server exited
// unexpectedly"). The server goes when the tests are done.
func TestMain(m *testing.M) {
	if _, err := exec.LookPath("tmux"); err == nil {
		tmux("start-server", ";", "set-option", "-g", "exit-empty", "off").Run()
	}
	code := m.Run()
	if _, err := exec.LookPath("tmux"); err == nil {
		tmux("kill-server").Run()
	}
	os.Exit(code)
}
