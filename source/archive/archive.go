// Package archive reads CloudTrail archives: S3 delivery files, JSON arrays, JSON lines, single
// records and LookupEvents output, plain or gzipped, from files, folders and stdin. Files are
// decoded in parallel on all cores and streamed as batches; each record remembers where its bytes
// are, so the raw JSON is re-read on demand instead of being kept.
package archive

import (
	"bytes"
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

	json "github.com/goccy/go-json"
	"github.com/klauspost/compress/gzip"

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

// worker reads files one at a time, reusing its buffers.
type worker struct {
	opt   Options
	out   chan<- piece
	store *Store
	buf   bytes.Buffer
	gzr   *gzip.Reader
	file  []byte
}

func (w *worker) read(j job) {
	fail := func(reason string) {
		w.out <- piece{problems: []cloudtrail.Problem{{File: j.path, Reason: reason}}, done: true, bytes: j.size}
	}
	data, gz, err := w.load(j)
	if err != nil && len(data) == 0 {
		fail(err.Error())
		return
	}
	p := parser{file: j.path, data: data, batch: w.opt.BatchSize, out: w.out}
	if j.stdin {
		p.raw = func(_, _ int, rec []byte, _ bool) cloudtrail.RawRef { return w.store.Put(rec) }
	} else {
		file := -1
		p.raw = func(start, end int, _ []byte, escaped bool) cloudtrail.RawRef {
			if file < 0 {
				file = w.store.addFile(w.opt.FS, j.path, gz)
			}
			return w.store.fileRef(file, start, end, escaped)
		}
	}
	p.parse()
	if err != nil {
		// A truncated gzip: the records before the damage are kept, the damage is a problem.
		p.problems = append(p.problems, cloudtrail.Problem{File: j.path, Reason: err.Error()})
	}
	w.out <- piece{records: p.records, problems: p.problems, done: true, bytes: j.size, skipped: p.skipped}
}

// load reads a file whole, decompressing it when it starts with the gzip magic bytes (whatever its
// name says). With a decompression error it returns what was read before it, and the error.
func (w *worker) load(j job) (data []byte, gz bool, err error) {
	var r io.Reader
	switch {
	case j.stdin:
		r = w.opt.Stdin
	case w.opt.FS != nil:
		f, err := w.opt.FS.Open(j.path)
		if err != nil {
			return nil, false, err
		}
		defer f.Close()
		r = f
	default:
		f, err := os.Open(j.path)
		if err != nil {
			return nil, false, err
		}
		defer f.Close()
		r = f
	}
	w.file, err = appendLimited(w.file[:0], r, w.opt.MaxFileSize)
	if err != nil {
		return nil, false, err
	}
	if len(w.file) < 2 || w.file[0] != 0x1f || w.file[1] != 0x8b {
		return w.file, false, nil
	}
	if w.gzr == nil {
		w.gzr, err = gzip.NewReader(bytes.NewReader(w.file))
	} else {
		err = w.gzr.Reset(bytes.NewReader(w.file))
	}
	if err != nil {
		return nil, true, fmt.Errorf("gzip: %w", err)
	}
	w.buf.Reset()
	_, err = io.Copy(&w.buf, io.LimitReader(w.gzr, w.opt.MaxFileSize+1))
	if int64(w.buf.Len()) > w.opt.MaxFileSize {
		return nil, true, fmt.Errorf("decompresses to more than %d MB: not read (a gzip bomb?)", w.opt.MaxFileSize>>20)
	}
	if err != nil {
		return w.buf.Bytes(), true, fmt.Errorf("gzip: %w after %d bytes: the file is truncated or damaged", err, w.buf.Len())
	}
	return w.buf.Bytes(), true, nil
}

// appendLimited reads r to its end, failing past limit bytes.
func appendLimited(dst []byte, r io.Reader, limit int64) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	n, err := io.Copy(buf, io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("larger than %d MB: not read", limit>>20)
	}
	return buf.Bytes(), nil
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	return appendLimited(nil, r, limit)
}

// parser finds the records of one file's contents in whichever envelope holds them.
type parser struct {
	file     string
	data     []byte
	raw      func(start, end int, rec []byte, escaped bool) cloudtrail.RawRef
	batch    int
	out      chan<- piece
	records  []cloudtrail.Record
	problems []cloudtrail.Problem
	n        int // records met so far, for problem positions
	skipped  bool
}

func (p *parser) problem(record int, reason string) {
	p.problems = append(p.problems, cloudtrail.Problem{File: p.file, Record: record, Reason: reason})
}

// parse reads the top-level JSON values of a file one after another: usually one (an S3 delivery
// file, an array of records, a single record, LookupEvents output), but also several concatenated
// (`cat *.json`) or one record per line (JSON lines). Lines that start with a timestamp are
// CloudWatch Logs exports. A bad record in a stream of them is a problem, and reading goes on at the
// next line.
func (p *parser) parse() {
	b := p.data
	i := skipSpace(b, 0)
	if bytes.HasPrefix(b[i:], []byte("\xef\xbb\xbf")) { // a UTF-8 byte order mark
		i = skipSpace(b, i+3)
	}
	if i >= len(b) {
		p.problem(0, "empty file")
		return
	}
	if c := b[i]; c != '[' && c != '{' && (c < '0' || c > '9') {
		p.problem(0, fmt.Sprintf("not JSON (starts with %q): not a CloudTrail file", sample(b[i:])))
		return
	}
	for i < len(b) {
		switch c := b[i]; {
		case c == '[':
			end, err := p.elements(i)
			if err != nil {
				p.problem(p.n+1, "invalid JSON: "+err.Error()+"; the records before it are kept")
				return
			}
			i = end
		case c == '{':
			end, envelope, err := p.object(i)
			switch {
			case err != nil && envelope:
				p.problem(p.n+1, "invalid JSON: "+err.Error()+"; the records before it are kept")
				return
			case err != nil:
				p.n++
				p.problem(p.n, "invalid JSON: "+err.Error())
				i = nextLine(b, i)
				continue
			}
			i = end
		case c >= '0' && c <= '9':
			p.lines(i) // CloudWatch Logs exports: "<timestamp> <record>" per line
			return
		default:
			p.n++
			p.problem(p.n, fmt.Sprintf("not a JSON record (starts with %q)", sample(b[i:])))
			i = nextLine(b, i)
			continue
		}
		i = skipSpace(b, i)
	}
}

// nextLine returns where the line after the one holding b[i] starts (len(b) when there is none).
func nextLine(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return skipSpace(b, i+j+1)
	}
	return len(b)
}

// object reads the JSON object at start: an envelope of records (S3 delivery file, LookupEvents
// output, a CloudWatch Logs response) whose records are read as the object is walked, so the file is
// scanned once; a digest file, skipped; or a record. It returns where the object ends, and whether it
// was an envelope (whose error, if any, ends the file).
func (p *parser) object(start int) (end int, envelope bool, err error) {
	b := p.data
	digest := false
	end, err = eachMember(b, start, func(key []byte, vs int) (int, error) {
		if b[vs] == '[' {
			switch string(key) {
			case "Records":
				envelope = true
				return p.elements(vs)
			case "Events":
				envelope = true
				return p.wrapped(vs, "CloudTrailEvent")
			case "logEvents", "events": // CloudWatch Logs: a subscription message, GetLogEvents
				envelope = true
				return p.wrapped(vs, "message")
			}
		}
		switch string(key) {
		case "digestStartTime", "logFiles", "digestPublicKeyFingerprint":
			digest = true
		}
		return valueEnd(b, vs)
	})
	switch {
	case err != nil || envelope:
	case digest:
		p.skipped = true
	default:
		p.record(start, end)
	}
	return end, envelope, err
}

// elements reads an array whose elements are records and returns where it ends.
func (p *parser) elements(at int) (int, error) {
	return eachElement(p.data, at, func(s, e int) error {
		p.record(s, e)
		return nil
	})
}

// wrapped reads an array of objects each holding a record as a JSON string under key.
func (p *parser) wrapped(at int, key string) (int, error) {
	return eachElement(p.data, at, func(s, e int) error {
		if p.data[s] != '{' {
			p.n++
			p.problem(p.n, "expected an object")
			return nil
		}
		found := false
		_, err := eachMember(p.data, s, func(k []byte, vs int) (int, error) {
			ve, err := valueEnd(p.data, vs)
			if err == nil && string(k) == key && p.data[vs] == '"' {
				found = true
				p.record(vs, ve)
			}
			return ve, err
		})
		if err == nil && !found {
			p.n++
			p.problem(p.n, "no "+key+" in this entry")
		}
		return err
	})
}

// lines reads one record per line, each possibly after a timestamp (CloudWatch Logs exports). A bad
// line is a problem and reading goes on with the next.
func (p *parser) lines(i int) {
	b := p.data
	for i < len(b) {
		eol := bytes.IndexByte(b[i:], '\n')
		if eol < 0 {
			eol = len(b)
		} else {
			eol += i
		}
		line := i
		if b[line] != '{' {
			if brace := bytes.IndexByte(b[line:eol], '{'); brace >= 0 && brace <= 40 {
				line += brace
			}
		}
		if b[line] == '{' {
			end, err := valueEnd(b[:eol], line)
			if err == nil {
				p.record(line, end)
			} else {
				p.n++
				p.problem(p.n, "invalid JSON: "+err.Error())
			}
		} else if s := bytes.TrimSpace(b[line:eol]); len(s) > 0 {
			p.n++
			p.problem(p.n, fmt.Sprintf("not a JSON record (starts with %q)", sample(s)))
		}
		i = skipSpace(b, eol)
	}
}

// record decodes the record at data[s:e]: a JSON object, or a JSON string holding one.
func (p *parser) record(s, e int) {
	p.n++
	rec := p.data[s:e]
	escaped := rec[0] == '"'
	if escaped {
		var str string
		if err := json.Unmarshal(rec, &str); err != nil {
			p.problem(p.n, "invalid JSON string: "+err.Error())
			return
		}
		rec = []byte(str)
	}
	r, err := cloudtrail.DecodeRecord(rec)
	if err != nil {
		p.problem(p.n, err.Error())
		return
	}
	r.Raw = p.raw(s, e, rec, escaped)
	if p.records == nil {
		p.records = make([]cloudtrail.Record, 0, min(p.batch, len(p.data)/1024+1))
	}
	p.records = append(p.records, r)
	if len(p.records) >= p.batch {
		p.out <- piece{records: p.records}
		p.records = nil
	}
}

// sample shows the start of unreadable content, safe to print.
func sample(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}
