// Package archive reads CloudTrail archives: S3 delivery files, JSON arrays, JSON lines, single
// records and LookupEvents output, plain or gzipped, from files, folders and stdin. Files are
// decoded in parallel on all cores and streamed as batches; each record remembers where its bytes
// are, so the raw JSON is re-read on demand instead of being kept.
package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// Defaults for Options.
const (
	// DefaultMaxFileSize caps the decompressed size of one file: CloudTrail's own files are a few MB,
	// so anything past this is a gzip bomb or not CloudTrail.
	DefaultMaxFileSize = 1 << 30
	// DefaultBatchSize is how many records a batch carries at most.
	DefaultBatchSize = 8192
	// minDirect is the size from which a worker's records go out as a batch of their own.
	minDirect = 1024
	// batchInterval is the longest a batch waits to be sent while records trickle in.
	batchInterval = 100 * time.Millisecond
)

// Options tunes a Read. The zero value reads with the defaults.
type Options struct {
	MaxFileSize int64     // decompressed bytes per file; DefaultMaxFileSize when 0
	Workers     int       // parallel decoders; the number of CPUs when 0
	BatchSize   int       // DefaultBatchSize when 0
	Stdin       io.Reader // read for the path "-"; os.Stdin when nil
	FS          fs.FS     // when set, paths name files in it (the embedded samples) instead of the OS
	// Store is where the records' raw bytes are found again; a new one when nil. A source that
	// reads many times (LookupEvents, a page at a time) passes the same one each time.
	Store *Store
	// Keep, when set, is asked about each record's JSON before it is decoded: a record it says no to
	// is passed over, neither decoded nor checked (Progress.Passed counts them). A one-shot query sets
	// it to its prefilter (model/prefilter). It is called from every worker at once.
	Keep func(rec []byte) bool
	// Decode decodes a record; cloudtrail.DecodeRecord when nil. A query that needs no more than a
	// record's place in time sets cloudtrail.DecodeOutline.
	Decode func(rec []byte) (cloudtrail.Record, error)
}

// job is one file to read.
type job struct {
	path  string
	size  int64
	stdin bool
}

// piece is what a worker sends the collector: part of a file's records, and its problems and
// progress once the file is done.
type piece struct {
	records  []cloudtrail.Record
	problems []cloudtrail.Problem
	done     bool
	bytes    int64
	skipped  bool
	passed   int // records Keep passed over
}

// Read reads the archives at paths and calls emit with batches of records, from one goroutine at a
// time, until everything is read or ctx ends. Unreadable content is reported as problems in the
// batches, never as an error: the error is for paths that do not exist or cannot be listed.
func Read(ctx context.Context, paths []string, opt Options, emit func(cloudtrail.Batch)) error {
	opt = opt.withDefaults()
	start := time.Now()
	jobs, problems, skipped, err := list(paths, opt.FS)
	if err != nil {
		return err
	}
	prog := cloudtrail.Progress{Files: len(jobs), Skipped: skipped, Problems: len(problems)}
	for _, j := range jobs {
		prog.Bytes += j.size
	}

	pieces := make(chan piece, 2*opt.Workers)
	queue := make(chan job)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{opt: opt, out: pieces, store: opt.Store}
			for j := range queue {
				w.read(j)
			}
		}()
	}
	go func() {
		defer close(queue)
		for _, j := range jobs {
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(pieces) }()

	// The collector: coalesce pieces into batches of BatchSize or every batchInterval.
	var pending cloudtrail.Batch
	pending.Problems = problems
	last := time.Now()
	flush := func(final bool) {
		prog.Elapsed = time.Since(start)
		prog.Done = final
		pending.Progress = prog
		emit(pending)
		pending = cloudtrail.Batch{}
		last = time.Now()
	}
	for p := range pieces {
		prog.Records += len(p.records)
		prog.Passed += p.passed
		prog.Problems += len(p.problems)
		if p.done {
			prog.FilesDone++
			prog.BytesDone += p.bytes
		}
		if p.skipped {
			prog.Skipped++
		}
		pending.Problems = append(pending.Problems, p.problems...)
		if len(p.records) >= minDirect {
			// A whole file's worth: send it as it is rather than copy it into a bigger batch.
			if len(pending.Records) > 0 {
				flush(false)
			}
			pending.Records = p.records
			flush(false)
			continue
		}
		pending.Records = append(pending.Records, p.records...)
		if len(pending.Records) >= opt.BatchSize || time.Since(last) >= batchInterval {
			flush(false)
		}
	}
	flush(true)
	return ctx.Err()
}

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Store == nil {
		o.Store = NewStore()
	}
	if o.Decode == nil {
		o.Decode = cloudtrail.DecodeRecord
	}
	return o
}

// list expands the paths into files. Folders are walked recursively and only files that look like
// data are read from them (README.md or a LICENSE beside the logs is not a problem); a file named
// on the command line is always read. Digest files are recognised by name and skipped.
func list(paths []string, fsys fs.FS) (jobs []job, problems []cloudtrail.Problem, skipped int, err error) {
	stat := os.Stat
	walk := filepath.WalkDir
	if fsys != nil {
		stat = func(p string) (fs.FileInfo, error) { return fs.Stat(fsys, p) }
		walk = func(root string, fn fs.WalkDirFunc) error { return fs.WalkDir(fsys, root, fn) }
	}
	for _, p := range paths {
		if p == "-" {
			jobs = append(jobs, job{path: "-", stdin: true})
			continue
		}
		info, err := stat(p)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("read %s: %w", p, errors.Unwrap(err))
		}
		if !info.IsDir() {
			if isDigest(p) {
				skipped++
				continue
			}
			jobs = append(jobs, job{path: p, size: info.Size()})
			continue
		}
		err = walk(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				problems = append(problems, cloudtrail.Problem{File: path, Reason: err.Error()})
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if isDigest(path) {
				skipped++
				return nil
			}
			if !looksLikeData(d.Name()) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				problems = append(problems, cloudtrail.Problem{File: path, Reason: err.Error()})
				return nil
			}
			jobs = append(jobs, job{path: path, size: info.Size()})
			return nil
		})
		if err != nil {
			return nil, nil, 0, fmt.Errorf("list %s: %w", p, err)
		}
	}
	// Biggest first keeps both cores busy to the end.
	slices.SortStableFunc(jobs, func(a, b job) int { return int(b.size - a.size) })
	return jobs, problems, skipped, nil
}

func isDigest(path string) bool {
	return strings.Contains(path, "CloudTrail-Digest")
}

// looksLikeData tells, by name, whether a file found in a folder may hold records.
func looksLikeData(name string) bool {
	name = strings.ToLower(name)
	for _, ext := range []string{".json", ".gz", ".jsonl", ".ndjson", ".log", ".cloudtrail"} {
		if strings.Contains(name, ext) {
			return true
		}
	}
	return false
}
