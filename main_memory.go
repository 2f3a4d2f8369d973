package main

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The index is long-lived, large and mostly pointer-free, and a load makes garbage fast (decoded records,
// decompression windows) on top of it. GOGC alone sizes the heap in proportion to what is live, so the
// larger the index, the more garbage is kept between collections and the more freed memory the runtime
// keeps before it gives pages back. A memory limit caps both: the runtime collects and returns pages as
// the total nears it. Below memoryFloor the limit leaves GOGC in charge (a limit close to a small live
// heap is hit by fragmentation and runtime overhead alone, and the collector would run without pause:
// measured, 30% more CPU); above it, the limit follows the live heap an eighth above it, so that a load
// of any size is never held under a limit it has outgrown.

// memoryLimit is the memory limit for a live heap of live bytes.
func memoryLimit(live uint64) uint64 { return max(memoryFloor, live+live/8) }

const memoryFloor = 448 << 20

// boundMemory keeps the runtime's memory limit at memoryLimit of the live heap, measured every interval,
// until ctx ends (then the limit is lifted).
func boundMemory(ctx context.Context, interval time.Duration) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	defer debug.SetMemoryLimit(math.MaxInt64)
	for {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live := sample[0].Value.Uint64()
			debug.SetMemoryLimit(int64(memoryLimit(live)))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
