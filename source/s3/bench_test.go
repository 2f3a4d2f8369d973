package s3

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/s3/fakes3"
	"github.com/trailscope/trailscope/source/synth/world"
)

// BenchmarkRead reads the same 1,000 small delivery files (100 events each, 21 KB gzipped, one
// day of a synthetic organisation's trail) three ways, in one run:
//
//	disk:      from a local folder, by the archive reader;
//	s3-cold:   from an S3 endpoint on the loopback interface (gofakes3, in this process, so its
//	           work counts against the S3 path), listed, fetched into an empty cache and read;
//	s3-cached: the same, the cache already holding every object (a second look).
//
//	go test ./source/s3 -run '^$' -bench Read -benchtime 5x
//
// Each reports events/s and CPU seconds per read (see BENCHMARKS.md).
func BenchmarkRead(b *testing.B) {
	dir, srv := benchBucket(b)
	awstest.Env(b, testKey, testSecret)
	b.Setenv("AWS_ENDPOINT_URL_S3", srv.URL)
	opt := Options{
		URLs:  []string{"s3://" + bucket + "/AWSLogs/"},
		Since: "2026-01-01", Until: "2026-01-02T23:59:59Z",
		Now: func() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) },
	}
	read := func(b *testing.B, opt Options) int {
		s, err := Open(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := s.Run(context.Background(), func(batch cloudtrail.Batch) { n += len(batch.Records) }); err != nil {
			b.Fatal(err)
		}
		return n
	}
	// report gives events/s, and the CPU seconds of the process per read (the fake server's
	// included), which the machine's other load disturbs less than the time.
	report := func(b *testing.B, events int, cpu0 time.Duration) {
		b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}

	b.Run("disk", func(b *testing.B) {
		events, cpu0 := 0, cpuTime()
		for b.Loop() {
			err := archive.Read(context.Background(), []string{dir}, archive.Options{}, func(batch cloudtrail.Batch) {
				events += len(batch.Records)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		report(b, events, cpu0)
	})
	b.Run("s3-cold", func(b *testing.B) {
		events, cpu0 := 0, cpuTime()
		for b.Loop() {
			b.StopTimer()
			o := opt
			o.CacheDir = filepath.Join(b.TempDir(), "cache")
			b.StartTimer()
			events += read(b, o)
		}
		report(b, events, cpu0)
	})
	b.Run("s3-cached", func(b *testing.B) {
		o := opt
		o.CacheDir = filepath.Join(b.TempDir(), "cache")
		read(b, o)
		events, cpu0 := 0, cpuTime()
		for b.Loop() {
			events += read(b, o)
		}
		report(b, events, cpu0)
	})
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var benchData = struct {
	once sync.Once
	dir  string
	srv  *fakes3.Server
	err  error
}{}

// benchBucket writes the delivery files into a folder, and the same bytes into a fake bucket under
// the same keys.
func benchBucket(b *testing.B) (string, *fakes3.Server) {
	benchData.once.Do(func() {
		d := &benchData
		if d.dir, d.err = os.MkdirTemp("", "trailscope-s3-bench-"); d.err != nil {
			return
		}
		_, d.err = world.Generate(world.Options{Events: 100_000, Files: 1000, Seed: 1, Days: 1, Gzip: true,
			Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, d.dir)
		if d.err != nil {
			return
		}
		if d.srv, d.err = fakes3.New(bucket); d.err != nil {
			return
		}
		d.err = filepath.WalkDir(d.dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(d.dir, path)
			return d.srv.Put(bucket, filepath.ToSlash(rel), data, false)
		})
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	return benchData.dir, benchData.srv
}
