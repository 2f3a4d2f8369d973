//go:build !linux

package filter

import "time"

// cpuTime returns how long f took. (On Linux it is the CPU time of f's thread, which leaves out the
// time it waited for a core; elsewhere the wall clock stands in.)
func cpuTime(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
