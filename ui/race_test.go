//go:build race

package ui

// raceEnabled: built with the race detector, which makes everything about ten times slower.
const raceEnabled = true
