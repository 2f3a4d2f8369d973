// Package settings is what trailscope remembers between runs, in the places the XDG base directory
// spec gives: the config file a person edits ($XDG_CONFIG_HOME/trailscope/config.toml), and the
// state the console keeps for them ($XDG_STATE_HOME/trailscope: filter history, saved filters,
// marks), every file 0600 in a 0700 folder, since filters and event IDs say what is being
// investigated.
package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the config file. Every field is optional; the zero value is the defaults.
type Config struct {
	// TimeZone the console shows times in: "utc" (the default), "local", or an IANA name such as
	// "Europe/Paris".
	TimeZone string `toml:"time_zone"`
	// RelativeTimes shows "5m ago" instead of clock times in the timeline.
	RelativeTimes bool `toml:"relative_times"`
	// Theme: "auto" (from the terminal's background, the default), "dark", "light" or "none" (no
	// colour, as NO_COLOR).
	Theme string `toml:"theme"`
	// Columns of the timeline, in order, from: time, event, principal, resource, ip, region, error.
	Columns []string `toml:"columns"`
	// Sources are opened when trailscope is given no PATH (instead of the built-in sample).
	Sources []string `toml:"sources"`
	// Mouse: false leaves the mouse to the terminal (to select text), as --no-mouse.
	Mouse *bool `toml:"mouse"`
}

// Themes the config accepts.
var Themes = []string{"auto", "dark", "light", "none"}

// TimelineColumns the config's columns may name.
var TimelineColumns = []string{"time", "event", "principal", "resource", "ip", "region", "error"}

// ConfigPath is where the config file is read from.
func ConfigPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "trailscope", "config.toml"), nil
}

// LoadConfig reads the config file; a missing file is the defaults. A file that does not parse, or
// names an unknown key, time zone, theme or column, is an error that says which line.
func LoadConfig(path string) (Config, error) {
	var c Config
	md, err := toml.DecodeFile(path, &c)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, nil
	}
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return Config{}, fmt.Errorf("config %s: unknown setting %q", path, un[0].String())
	}
	if _, err := c.Location(); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	if c.Theme != "" && !contains(Themes, c.Theme) {
		return Config{}, fmt.Errorf("config %s: theme %q: use one of %s", path, c.Theme, strings.Join(Themes, ", "))
	}
	for _, col := range c.Columns {
		if !contains(TimelineColumns, col) {
			return Config{}, fmt.Errorf("config %s: column %q: use some of %s", path, col, strings.Join(TimelineColumns, ", "))
		}
	}
	return c, nil
}

// Location is the time zone the config names.
func (c Config) Location() (*time.Location, error) {
	switch strings.ToLower(c.TimeZone) {
	case "", "utc":
		return time.UTC, nil
	case "local":
		return time.Local, nil
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time_zone %q: use utc, local or a name such as Europe/Paris", c.TimeZone)
	}
	return loc, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
