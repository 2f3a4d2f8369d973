package main

import (
	"fmt"
	"os"

	"github.com/trailscope/trailscope/ui/report"
	"github.com/trailscope/trailscope/ui/settings"
)

// userSettings reads the config file and opens the state folder. TRAILSCOPE_CONFIG names another
// config file (tests and odd setups).
func userSettings() (settings.Config, *settings.State, error) {
	path := os.Getenv("TRAILSCOPE_CONFIG")
	if path == "" {
		var err error
		if path, err = settings.ConfigPath(); err != nil {
			return settings.Config{}, &settings.State{}, nil // no home: defaults, nothing kept
		}
	}
	cfg, err := settings.LoadConfig(path)
	if err != nil {
		return cfg, nil, err
	}
	dir, err := settings.StateDir()
	if err != nil {
		dir = ""
	}
	return cfg, &settings.State{Dir: dir}, nil
}

// withSaved puts a saved filter before the terms given on the command line.
func withSaved(name, text string) (string, error) {
	if name == "" {
		return text, nil
	}
	_, state, err := userSettings()
	if err != nil {
		return "", err
	}
	saved, err := state.Load(name)
	if err != nil {
		return "", err
	}
	if text == "" {
		return saved, nil
	}
	return saved + " " + text, nil
}

// configSources are the config's default sources, with ~ expanded, for a command given no PATH.
func configSources() ([]string, error) {
	cfg, _, err := userSettings()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, p := range cfg.Sources {
		paths = append(paths, report.ExpandHome(p))
	}
	if len(paths) > 0 {
		for _, p := range paths {
			if !isSourceArg(p) {
				return nil, fmt.Errorf("config: source %s: no such file or folder", p)
			}
		}
	}
	return paths, nil
}
