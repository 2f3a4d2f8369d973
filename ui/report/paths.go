package report

import (
	"os"
	"path/filepath"
	"strings"
)

// ExpandHome expands a leading ~ or ~/ in a path the user typed (the console's export prompt has
// no shell to do it) to their home folder.
func ExpandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, path[1:])
}
