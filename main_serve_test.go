package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"charm.land/log/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/lookup"
)

func TestRefreshLoop(t *testing.T) {
	// On the clock of a synctest bubble: the ticks are the loop's own, and "did not stop" means
	// five seconds of that clock with nothing else to do, however busy the machine is.
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		start := time.Now().Add(-time.Hour)
		var mu sync.Mutex
		var sinces []time.Time
		added := 0
		done := make(chan struct{})
		go func() {
			defer close(done)
			refreshLoop(ctx, 20*time.Millisecond, start, func(since time.Time) (<-chan cloudtrail.Batch, error) {
				mu.Lock()
				sinces = append(sinces, since)
				if len(sinces) == 3 {
					cancel()
				}
				mu.Unlock()
				ch := make(chan cloudtrail.Batch, 1)
				ch <- cloudtrail.Batch{Records: []cloudtrail.Record{{Name: "X"}, {Name: "Y"}}}
				close(ch)
				return ch, nil
			}, func(b cloudtrail.Batch) {
				mu.Lock()
				added += len(b.Records)
				mu.Unlock()
			}, log.New(io.Discard))
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("refreshLoop did not stop when its context ended")
		}
		mu.Lock()
		defer mu.Unlock()
		if len(sinces) < 3 || added < 6 {
			t.Fatalf("%d fetches, %d records added", len(sinces), added)
		}
		if !sinces[0].Equal(start.Add(-lookup.DefaultSettle)) {
			t.Errorf("the first refresh reaches back to %v, want the settle margin before the load: %v", sinces[0], start.Add(-lookup.DefaultSettle))
		}
		for i := 1; i < len(sinces); i++ {
			if !sinces[i].After(sinces[i-1]) || time.Since(sinces[i]) > lookup.DefaultSettle+time.Minute {
				t.Errorf("refresh %d reaches back to %v after %v: each should start a settle margin before the previous fetch", i, sinces[i], sinces[i-1])
			}
		}
	})
}

func TestRefreshNeedsLookup(t *testing.T) {
	root := newRoot(nil, io.Discard, io.Discard)
	root.SetArgs([]string{"serve", "--refresh", "5m", "--sample", "scenarios"})
	if err := root.Execute(); err == nil || !strings.Contains(err.Error(), "--refresh goes with --lookup") {
		t.Fatalf("serve --refresh without --lookup: %v, want it refused", err)
	}
}
