package findings_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/synth/world"
)

// synth1M is the archive of a million synthetic events made by source/synth
// (go run ./source/synth/cmd or world.Generate with Events: 1_000_000, Files: 500, Gzip: true).
const synth1M = "/tmp/synth1m"

var (
	archive1M     *index.Index
	archive1MOnce sync.Once
	memory1M      *index.Index
	memory1MOnce  sync.Once
)

// loadArchive1M reads the million-event archive once per test binary: raw records stay in their
// gzipped files and are read back on demand, as the console does.
func loadArchive1M(b *testing.B) *index.Index {
	if _, err := os.Stat(synth1M); err != nil {
		b.Skipf("no %s (generate a million events there with source/synth): %v", synth1M, err)
	}
	archive1MOnce.Do(func() {
		x := index.New()
		start := time.Now()
		err := archive.Read(context.Background(), []string{synth1M}, archive.Options{}, func(bt cloudtrail.Batch) { x.Add(bt.Records) })
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %d events from %s in %v", x.Len(), synth1M, time.Since(start).Round(time.Millisecond))
		archive1M = x
	})
	return archive1M
}

// loadMemory1M generates a million events in memory, their raw records kept compressed in memory
// (as for stdin and LookupEvents).
func loadMemory1M(b *testing.B) *index.Index {
	memory1MOnce.Do(func() {
		x := index.New()
		store := archive.NewStore()
		batch := make([]cloudtrail.Record, 0, 4096)
		world.Records(world.Options{Events: 1_000_000, Files: 500, Seed: 1, Days: 7}, func(rec []byte) bool {
			r, err := cloudtrail.DecodeRecord(rec)
			if err != nil {
				return true
			}
			r.Raw = store.Put(rec)
			batch = append(batch, r)
			if len(batch) == cap(batch) {
				x.Add(batch)
				batch = batch[:0]
			}
			return true
		})
		x.Add(batch)
		memory1M = x
	})
	return memory1M
}

// BenchmarkFindings1MArchive runs every rule over the million-event archive with a fresh Finder each
// time: the raw records the inspecting rules read are decompressed again from their files.
func BenchmarkFindings1MArchive(b *testing.B) {
	x := loadArchive1M(b)
	var n, reads int
	for b.Loop() {
		f := findings.NewFinder(x)
		n = len(f.Find(findings.Options{}))
		reads = f.RawReads()
	}
	b.ReportMetric(float64(n), "findings")
	b.ReportMetric(float64(reads), "raw-reads")
}

// BenchmarkFindings1MArchiveRefresh runs the rules again with the Finder of an earlier run, as the
// console does when batches land: what was read from raw records is remembered.
func BenchmarkFindings1MArchiveRefresh(b *testing.B) {
	x := loadArchive1M(b)
	f := findings.NewFinder(x)
	f.Find(findings.Options{})
	for b.Loop() {
		f.Find(findings.Options{})
	}
}

// BenchmarkFindings1MMemory runs every rule over a million events generated in memory, with a fresh
// Finder each time.
func BenchmarkFindings1MMemory(b *testing.B) {
	x := loadMemory1M(b)
	var n, reads int
	for b.Loop() {
		f := findings.NewFinder(x)
		n = len(f.Find(findings.Options{}))
		reads = f.RawReads()
	}
	b.ReportMetric(float64(n), "findings")
	b.ReportMetric(float64(reads), "raw-reads")
}
