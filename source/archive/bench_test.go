package archive

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/synth/world"
)

// Benchmarks of ingest and queries over synthetic archives (source/synth). The cold query of the
// whole program on 1M events is measured from the command line: see BENCHMARKS.md.
//
//	go test ./source/archive -run '^$' -bench . -benchtime 3x
//
// TRAILSCOPE_BENCH_DIR names an archive to use instead of generating one (for example 1M events
// made with `trailscope synth --events 1000000 --files 500 DIR`).

var benchData = struct {
	once sync.Once
	dir  string
	err  error
}{}

// benchDir returns a folder of gzipped delivery files: TRAILSCOPE_BENCH_DIR, or 100k events.
func benchDir(b *testing.B) string {
	if d := os.Getenv("TRAILSCOPE_BENCH_DIR"); d != "" {
		return d
	}
	benchData.once.Do(func() {
		benchData.dir, benchData.err = os.MkdirTemp("", "trailscope-bench-")
		if benchData.err == nil {
			_, benchData.err = world.Generate(world.Options{Events: 100_000, Files: 50, Seed: 1, Days: 7, Gzip: true,
				Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, benchData.dir)
		}
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	return benchData.dir
}

func loadBench(b *testing.B, dir string) *index.Index {
	idx := index.New()
	if err := Read(context.Background(), []string{dir}, Options{}, func(batch cloudtrail.Batch) { idx.Add(batch.Records) }); err != nil {
		b.Fatal(err)
	}
	return idx
}

// BenchmarkIngest reads, decompresses, parses and indexes the whole archive.
func BenchmarkIngest(b *testing.B) {
	dir := benchDir(b)
	var events int
	for b.Loop() {
		events = loadBench(b, dir).Len()
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkQuery runs filters of each kind on a loaded index, and drill-down into raw records.
func BenchmarkQuery(b *testing.B) {
	idx := loadBench(b, benchDir(b))
	idx.Query(filter.Query{}) // the time order is completed by the first query after a load
	b.Logf("%d events", idx.Len())
	for _, text := range []string{
		"event:TerminateInstances",
		"event:Delete* error:none",
		"principal:admin readonly:false",
		"error:AccessDenied,Client.UnauthorizedOperation",
		"ip:10.0.0.0/8 -source:s3",
		"resource:i-0",
		"since:1h",
		"terminate", // a bare word
		"admin",     // a bare word over principals, events, resources and IPs
	} {
		q, err := filter.ParseQuery(text)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(text, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(idx.Query(q).Refs)
			}
			b.ReportMetric(float64(n), "matches")
		})
	}
	b.Run("drill-down", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if _, err := idx.Raw(index.EventRef(rng.IntN(idx.Len()))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
