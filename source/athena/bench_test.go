//go:build unix

package athena_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/athena/fakeathena"
)

// BenchmarkResults measures the rows per second that go from GetQueryResults (pages of 1,000,
// through the SDK and the local endpoint's HTTP and JSON) into an index: rebuilt into records,
// decoded, indexed. The endpoint answers the query from its result reuse, so DuckDB's time is not
// in it; Open (GetTableMetadata, GetWorkGroup) and the polls are. memory keeps the raw records in
// memory (--no-cache, or a window that reaches the present); cache-write writes each page to the
// cache and reads it back (a settled window, first run); cache-read is the second run, answered
// from the cache without a query. cpu-µs/row is the process's CPU time (user and system, both
// cores) per row, steadier than rows/s on a loaded machine; it includes the stand-in's own work
// (encoding the pages), so the client's share is smaller.
func BenchmarkResults(b *testing.B) {
	server(b, fakeathena.Config{ReuseResults: true}, fakeathena.Projected)
	base := options(b, "")
	base.Since, base.Until = "2024-03-03", "2024-03-06"
	if res := run(b, context.Background(), base); res.err != nil {
		b.Fatal(res.err)
	}
	readDir := b.TempDir()
	for _, mode := range []string{"memory", "cache-write", "cache-read"} {
		b.Run(mode, func(b *testing.B) {
			rows := 0
			cpu0 := cpuTime()
			for b.Loop() {
				opt := base
				switch mode {
				case "cache-write":
					opt.NoCache, opt.CacheDir = false, b.TempDir()
				case "cache-read":
					opt.NoCache, opt.CacheDir = false, readDir
				}
				res := run(b, context.Background(), opt)
				if res.err != nil {
					b.Fatal(res.err)
				}
				rows += res.idx.Len() + res.idx.Duplicates()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(rows), "cpu-µs/row")
		})
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
