//go:build race

package sample_test

// raceEnabled: the race detector slows everything about tenfold; timing tests do not apply.
const raceEnabled = true
