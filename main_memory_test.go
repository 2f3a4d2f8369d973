package main

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestBoundMemory: the limit is set a headroom above the live heap while boundMemory runs, and lifted
// when its context ends.
func TestBoundMemory(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { boundMemory(ctx, time.Millisecond); close(done) }()
	for debug.SetMemoryLimit(-1) == math.MaxInt64 { // until the first reading
		runtime.Gosched()
	}
	if lim := debug.SetMemoryLimit(-1); lim < memoryFloor {
		t.Errorf("limit %d, below the floor %d", lim, memoryFloor)
	}
	cancel()
	<-done
	if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
		t.Errorf("limit %d after the context ended, want none", lim)
	}
}

func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct{ live, want uint64 }{{0, memoryFloor}, {100 << 20, memoryFloor}, {1 << 30, 1<<30 + 1<<27}} {
		if got := memoryLimit(c.live); got != c.want {
			t.Errorf("memoryLimit(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}
