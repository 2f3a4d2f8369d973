package lookup

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/lookup/fakect"
)

// The benchmarks run at the real pace, 2 requests per second per region, in real time: each run
// takes seconds. Run them with a small -benchtime, e.g.
//
//	go test ./source/lookup -run '^$' -bench . -benchtime 3x
//
// Reported: pages/s over the run; %theory, the pages fetched against the most the limit allows
// in the same time (one request at once, then 2 per second, per region); req/s, each region's
// request rate between its first and last request, as the server saw it; throttled, the requests
// the server throttled; failed, the runs that did not deliver every event exactly once.

var benchRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"}

// BenchmarkPaced fetches 20 pages in each of 4 regions against a server that throttles past 2
// requests per second per region, with the server answering at once or after 150 ms.
func BenchmarkPaced(b *testing.B) {
	for _, latency := range []time.Duration{0, 150 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			benchLookup(b, fakect.Config{Rate: DefaultRate, Burst: 2, Latency: latency}, 20)
		})
	}
}

// BenchmarkThrottled adds 20% of requests throttled at random, on top of the rate limit: the SDK's
// retryer must bring every page, run after run.
func BenchmarkThrottled(b *testing.B) {
	benchLookup(b, fakect.Config{Rate: DefaultRate, Burst: 2, ThrottleRate: 0.2}, 10)
}

func benchLookup(b *testing.B, cfg fakect.Config, pagesPerRegion int) {
	awsEnv(b)
	events := invictusEvents(b)[:pagesPerRegion*PageSize]
	served := fakect.Copies(events, benchRegions...)
	var pages, throttled, failed, runs int
	var elapsed time.Duration
	var minRate, theory float64 = 1e9, 0
	for i := 0; b.Loop(); i++ {
		cfg.Seed = uint64(i)
		srv := fakeServer(b, cfg)
		srv.Serve(served)
		opt := Options{Regions: benchRegions, Since: "3h", Endpoint: srv.URL, NoCache: true, Settle: -1,
			Now: func() time.Time { return dataNow }}
		s, err := Open(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
		seen := map[string]int{}
		start := time.Now()
		err = s.Run(context.Background(), func(batch cloudtrail.Batch) {
			for _, r := range batch.Records {
				seen[r.EventID]++
			}
		})
		took := time.Since(start)
		ok := err == nil && len(seen) == len(benchRegions)*len(events)
		for _, n := range seen {
			ok = ok && n == 1
		}
		if !ok {
			failed++
			b.Logf("run %d failed: %v, %d distinct events", i, err, len(seen))
		}
		runs++
		elapsed += took
		st := s.Stats()
		for _, r := range benchRegions {
			pages += st[r].Pages
		}
		theory += float64(len(benchRegions)) * (1 + DefaultRate*took.Seconds())
		for _, r := range benchRegions {
			var at []time.Time
			for _, req := range srv.Requests() {
				if req.Op == "LookupEvents" && req.Region == r {
					at = append(at, req.At)
					if req.Code == "ThrottlingException" {
						throttled++
					}
				}
			}
			slices.SortFunc(at, time.Time.Compare)
			if len(at) > 1 {
				minRate = min(minRate, float64(len(at)-1)/at[len(at)-1].Sub(at[0]).Seconds())
			}
		}
		srv.Close()
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(100*float64(pages)/theory, "%theory")
	b.ReportMetric(minRate, "req/s")
	b.ReportMetric(float64(throttled)/float64(runs), "throttled/run")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(float64(runs), "runs")
}
