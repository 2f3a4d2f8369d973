package s3

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/awsconf"
)

const (
	// readChunk is the most files handed to the archive reader at once: enough to keep every core
	// busy, few enough that events show while the rest is fetched.
	readChunk = 256
	// batchInterval is how often progress is handed on while files are listed and fetched.
	batchInterval = 100 * time.Millisecond
)

// fetchJob is a listed object to fetch.
type fetchJob struct {
	t *target
	o Object
}

// cached is an object in the cache, ready to read.
type cached struct {
	t    *target
	path string
	url  string
	size int64
}

// Run lists the delivery files of the window, fetches those the cache does not hold, and reads
// them, calling emit from one goroutine with batches of records (those of the window; all of them
// for a URL that names one file) and progress: files listed, fetched, read, and events. Listing,
// fetching and reading overlap. An object that cannot be fetched is a problem and the rest goes on,
// unless the cause would fail them all (access denied, credentials, network): then Run stops with
// that error, keeping what was read. A window with no file is an error that says where the trail
// does deliver. When ctx ends, Run stops and returns ctx's error.
func (s *Session) Run(ctx context.Context, emit func(cloudtrail.Batch)) error {
	start := time.Now()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var failed firstError
	stop := func(err error) { failed.set(err); cancel() }

	todo := make(chan fetchJob, 4*readChunk)
	files := make(chan cached, 4*readChunk)
	batches := make(chan cloudtrail.Batch, 4)
	var problems problemList

	var all sync.WaitGroup // Run returns once every goroutine has: nothing is left half-written
	defer all.Wait()
	all.Go(func() {
		defer close(todo)
		if err := s.list(ctx, todo); err != nil && ctx.Err() == nil {
			stop(err)
		}
	})
	var fetchers sync.WaitGroup
	for range s.client.gate.max {
		fetchers.Go(func() {
			for j := range todo {
				if err := s.fetch(ctx, j, files); err != nil {
					if fatal(err) {
						stop(err)
						return
					}
					problems.add(cloudtrail.Problem{File: URL(j.t.bucket.Name, j.o.Key), Reason: err.Error()})
				}
			}
		})
	}
	all.Go(func() { fetchers.Wait(); close(files) })
	all.Go(func() {
		defer close(batches)
		if err := s.read(ctx, files, batches); err != nil && ctx.Err() == nil {
			stop(err)
		}
	})

	var pending cloudtrail.Batch
	nProblems := 0
	last := ""
	tick := time.NewTicker(batchInterval)
	defer tick.Stop()
	flush := func(final bool) {
		pending.Problems = append(pending.Problems, problems.take()...)
		nProblems += len(pending.Problems)
		st := s.Stats()
		pending.Progress = cloudtrail.Progress{
			Files: st.Listed, FilesDone: st.Read, Bytes: s.stats.listedBytes.Load(), BytesDone: s.stats.readBytes.Load(),
			Records: st.Records, Passed: int(s.stats.passed.Load()), Problems: nProblems, Detail: s.detail(), Elapsed: time.Since(start), Done: final,
		}
		last = pending.Progress.Detail
		emit(pending)
		pending = cloudtrail.Batch{}
	}
	for open := true; open; {
		select {
		case b, ok := <-batches:
			if !ok {
				open = false
				break
			}
			if len(b.Records) >= archive.DefaultBatchSize/8 && len(pending.Records) == 0 {
				pending.Records = b.Records // a file's worth: handed on as it is, not copied
			} else {
				pending.Records = append(pending.Records, b.Records...)
			}
			pending.Problems = append(pending.Problems, b.Problems...)
			if len(pending.Records) >= archive.DefaultBatchSize/8 {
				flush(false)
			}
		case <-tick.C:
			if len(pending.Records) > 0 || len(pending.Problems) > 0 || problems.waiting() || s.detail() != last {
				flush(false)
			}
		}
	}
	cancel()
	all.Wait()
	flush(true)
	switch {
	case parent.Err() != nil:
		return parent.Err()
	case failed.get() != nil:
		return failed.get()
	case s.stats.listed.Load() == 0:
		return s.noDeliveries(parent)
	}
	return nil
}

// fatal tells whether a failure to fetch one object would fail every other: the same permission,
// the same credentials, the same network.
func fatal(err error) bool {
	for _, kind := range []error{awsconf.ErrAccessDenied, awsconf.ErrNoCredentials, awsconf.ErrSSOExpired,
		awsconf.ErrExpired, awsconf.ErrInvalidKey, awsconf.ErrNetwork, awsconf.ErrWrongRegion} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

// list sends every object of every target to todo: the delivery files of a folder's window, or the
// one object a URL names.
func (s *Session) list(ctx context.Context, todo chan<- fetchJob) error {
	send := func(t *target, o Object) bool {
		s.stats.listed.Add(1)
		s.stats.listedBytes.Add(o.Size)
		select {
		case todo <- fetchJob{t, o}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, t := range s.targets {
		if t.loc.Object {
			o, err := t.bucket.Head(ctx, t.loc.Prefix)
			if err != nil {
				return err
			}
			if !send(t, o) {
				return ctx.Err()
			}
			continue
		}
		err := t.bucket.Deliveries(ctx, t.folders, t.sel, func(objs []Object) {
			for _, o := range objs {
				if !send(t, o) {
					return
				}
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fetch brings one object into the cache (unless it is there) and hands it to the reader.
func (s *Session) fetch(ctx context.Context, j fetchJob, files chan<- cached) error {
	path, fetched, err := j.t.bucket.Fetch(ctx, s.cache, j.o)
	if err != nil {
		return err
	}
	if fetched {
		s.stats.fetched.Add(1)
		s.stats.fetchedBytes.Add(j.o.Size)
	} else {
		s.stats.cached.Add(1)
	}
	select {
	case files <- cached{t: j.t, path: path, url: URL(j.t.bucket.Name, j.o.Key), size: j.o.Size}:
	case <-ctx.Done():
	}
	return nil
}

// read hands the cached files to the archive reader as they come, a chunk at a time, each chunk
// the files of one target (whose window applies to them all).
func (s *Session) read(ctx context.Context, files <-chan cached, out chan<- cloudtrail.Batch) error {
	pending := map[*target][]cached{}
	n, closed := 0, false
	add := func(f cached, ok bool) {
		if !ok {
			closed = true
			return
		}
		pending[f.t] = append(pending[f.t], f)
		n++
	}
	for {
		if n == 0 && !closed {
			select {
			case f, ok := <-files:
				add(f, ok)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	drain:
		for n < readChunk && !closed {
			select {
			case f, ok := <-files:
				add(f, ok)
			default:
				break drain
			}
		}
		if n == 0 && closed {
			return nil
		}
		for t, fs := range pending {
			if len(fs) == 0 {
				continue
			}
			chunk := fs[:min(len(fs), readChunk)]
			pending[t] = fs[len(chunk):]
			n -= len(chunk)
			if err := s.readChunk(ctx, t, chunk, out); err != nil {
				return err
			}
			break
		}
	}
}

// readChunk reads cached files of one target with the archive reader, keeping the records of the
// target's window and naming problems by the objects' URLs rather than the cache's paths.
func (s *Session) readChunk(ctx context.Context, t *target, chunk []cached, out chan<- cloudtrail.Batch) error {
	paths := make([]string, len(chunk))
	urls := make(map[string]string, len(chunk))
	for i, f := range chunk {
		paths[i] = f.path
		urls[f.path] = f.url
	}
	w := t.sel.Window
	passed := 0 // so far in this Read, whose progress counts from its start
	err := archive.Read(ctx, paths, archive.Options{MaxFileSize: s.opt.MaxFileSize, Store: s.raw, Keep: s.opt.Keep, Decode: s.opt.Decode}, func(b cloudtrail.Batch) {
		s.stats.passed.Add(int64(b.Progress.Passed - passed))
		passed = b.Progress.Passed
		recs := b.Records
		if !t.loc.Object {
			n := len(recs)
			recs = slices.DeleteFunc(recs, func(r cloudtrail.Record) bool { return !r.Time.IsZero() && !w.Contains(r.Time) })
			s.stats.outside.Add(int64(n - len(recs)))
		}
		for i, p := range b.Problems {
			if u, ok := urls[p.File]; ok {
				b.Problems[i].File = u
			}
		}
		s.stats.records.Add(int64(len(recs)))
		if len(recs) == 0 && len(b.Problems) == 0 {
			return
		}
		select {
		case out <- cloudtrail.Batch{Records: recs, Problems: b.Problems}:
		case <-ctx.Done():
		}
	})
	if err != nil {
		return err
	}
	s.stats.read.Add(int64(len(chunk)))
	for _, f := range chunk {
		s.stats.readBytes.Add(f.size)
	}
	return nil
}

// problemList collects the problems of the fetchers for the collector.
type problemList struct {
	mu   sync.Mutex
	list []cloudtrail.Problem
}

func (p *problemList) add(pr cloudtrail.Problem) {
	p.mu.Lock()
	p.list = append(p.list, pr)
	p.mu.Unlock()
}

func (p *problemList) take() []cloudtrail.Problem {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.list
	p.list = nil
	return out
}

func (p *problemList) waiting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.list) > 0
}
