package s3

import (
	"context"
	"sync"
)

// gate bounds the requests in flight, and adapts the bound to throttling: it halves when S3 says
// "slow down" (SlowDown, 503) and grows by one after a round of requests that went through, up to
// its maximum (additive increase, multiplicative decrease, as TCP does). A burst of throttled
// replies to requests sent at the same bound halves it once, not once per reply.
type gate struct {
	mu     sync.Mutex
	max    int
	limit  int
	inUse  int
	epoch  uint64 // bumped at each decrease; a request remembers the epoch it was let in under
	good   int    // requests that went through since the limit last changed
	wake   chan struct{}
	lowest int // the lowest the limit has been, for the status line and tests
}

func newGate(max int) *gate {
	return &gate{max: max, limit: max, lowest: max, wake: make(chan struct{})}
}

// acquire waits for a place, or for ctx to end. It returns the epoch to hand to release.
func (g *gate) acquire(ctx context.Context) (uint64, error) {
	for {
		g.mu.Lock()
		if g.inUse < g.limit {
			g.inUse++
			e := g.epoch
			g.mu.Unlock()
			return e, nil
		}
		wake := g.wake
		g.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// release gives the place back.
func (g *gate) release() {
	g.mu.Lock()
	g.inUse--
	g.signal()
	g.mu.Unlock()
}

// signal wakes the waiters; the caller holds mu.
func (g *gate) signal() {
	close(g.wake)
	g.wake = make(chan struct{})
}

// throttled halves the limit, once per epoch: a request let in before the last decrease says
// nothing new about the present bound.
func (g *gate) throttled(epoch uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if epoch != g.epoch {
		return
	}
	g.epoch++
	g.limit = max(1, g.limit/2)
	g.lowest = min(g.lowest, g.limit)
	g.good = 0
}

// succeeded counts a request that went through; after a whole round of them at the current
// limit, the limit grows by one.
func (g *gate) succeeded() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.limit >= g.max {
		return
	}
	g.good++
	if g.good >= g.limit {
		g.limit++
		g.good = 0
		g.signal()
	}
}

// bounds returns the current limit and the lowest it has been.
func (g *gate) bounds() (limit, lowest int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit, g.lowest
}
