package archive

import (
	"bufio"
	"fmt"
	"io"
	"os"

	json "github.com/goccy/go-json"
	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// worker reads files one at a time, reusing its buffers: a file is decompressed and split into records as
// it streams, so a worker holds one read-ahead window and one record, whatever the file's size.
type worker struct {
	opt    Options
	out    chan<- piece
	store  *Store
	gzr    *gzip.Reader
	br     *bufio.Reader
	window []byte
}

func (w *worker) read(j job) {
	fail := func(reason string) {
		w.out <- piece{problems: []cloudtrail.Problem{{File: j.path, Reason: reason}}, done: true, bytes: j.size}
	}
	f, err := w.open(j)
	if err != nil {
		fail(err.Error())
		return
	}
	defer f.Close()
	src, gz, err := w.decompress(f)
	if err != nil {
		fail(err.Error())
		return
	}
	s := newStream(src, w.opt.MaxFileSize, w.window)
	p := parser{file: j.path, s: s, batch: w.opt.BatchSize, out: w.out, keep: w.opt.Keep, decode: w.opt.Decode}
	if j.stdin {
		p.raw = func(_ int64, _ int, rec []byte, _ bool) cloudtrail.RawRef { return w.store.Put(rec) }
	} else {
		file := -1
		p.raw = func(off int64, n int, rec []byte, escaped bool) cloudtrail.RawRef {
			if w.opt.Keep != nil { // the few records a prefilter lets through: write them out without reading the file again
				if ref, ok := w.store.putWithin(rec, j.path); ok {
					return ref
				}
			}
			if file < 0 {
				file = w.store.addFile(w.opt.FS, j.path, gz)
			}
			return w.store.fileRef(file, off, n, escaped)
		}
	}
	p.parse()
	w.window = s.buf[:0]
	if s.failed() {
		p.problems = append(p.problems, cloudtrail.Problem{File: j.path, Reason: w.failure(s, gz, p.kept)})
	}
	w.out <- piece{records: p.records, problems: p.problems, done: true, bytes: j.size, skipped: p.skipped, passed: p.passed}
}

// failure says why a stream ended early, and what of it was kept.
func (w *worker) failure(s *stream, gz bool, kept int) string {
	var reason string
	switch {
	case s.err == errCapped && gz:
		reason = fmt.Sprintf("decompresses to more than %d MB: read no further (a gzip bomb?)", w.opt.MaxFileSize>>20)
	case s.err == errCapped:
		reason = fmt.Sprintf("larger than %d MB: read no further", w.opt.MaxFileSize>>20)
	case gz:
		reason = fmt.Sprintf("gzip: %v after %d bytes: the file is truncated or damaged", s.err, s.offset(len(s.buf)))
	default:
		reason = s.err.Error()
	}
	if kept > 0 {
		reason += fmt.Sprintf("; the %d records before it are kept", kept)
	}
	return reason
}

func (w *worker) open(j job) (io.ReadCloser, error) {
	switch {
	case j.stdin:
		return io.NopCloser(w.opt.Stdin), nil
	case w.opt.FS != nil:
		return w.opt.FS.Open(j.path)
	}
	return os.Open(j.path)
}

// decompress returns f's contents, gunzipped when they start with the gzip magic bytes (whatever the
// file's name says).
func (w *worker) decompress(f io.Reader) (io.Reader, bool, error) {
	if w.br == nil {
		w.br = bufio.NewReaderSize(f, readChunk)
	} else {
		w.br.Reset(f)
	}
	if magic, _ := w.br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return w.br, false, nil
	}
	var err error
	if w.gzr == nil {
		w.gzr, err = gzip.NewReader(w.br)
	} else {
		err = w.gzr.Reset(w.br)
	}
	if err != nil {
		return nil, true, fmt.Errorf("gzip: %w", err)
	}
	return w.gzr, true, nil
}

// parser finds the records of one file's stream in whichever envelope holds them.
type parser struct {
	file     string
	s        *stream
	raw      func(off int64, n int, rec []byte, escaped bool) cloudtrail.RawRef
	batch    int
	out      chan<- piece
	records  []cloudtrail.Record
	problems []cloudtrail.Problem
	n        int // records met so far, for problem positions
	kept     int // records kept, sent or not
	keep     func(rec []byte) bool
	decode   func(rec []byte) (cloudtrail.Record, error)
	passed   int // records keep passed over
	skipped  bool
}

func (p *parser) problem(record int, reason string) {
	p.problems = append(p.problems, cloudtrail.Problem{File: p.file, Record: record, Reason: reason})
}

// invalid reports malformed JSON that ends the file, unless the stream itself failed (damage, the cap):
// the worker says so, once.
func (p *parser) invalid(err error) {
	if !p.s.failed() {
		p.problem(p.n+1, "invalid JSON: "+err.Error()+"; the records before it are kept")
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parse reads the top-level JSON values of a file one after another: usually one (an S3 delivery
// file, an array of records, a single record, LookupEvents output), but also several concatenated
// (`cat *.json`) or one record per line (JSON lines). Lines that start with a timestamp are
// CloudWatch Logs exports. A bad record in a stream of them is a problem, and reading goes on at the
// next line.
func (p *parser) parse() {
	s := p.s
	c, ok := s.skipSpace()
	if ok && string(s.peek(3)) == "\xef\xbb\xbf" { // a UTF-8 byte order mark
		s.pos += 3
		c, ok = s.skipSpace()
	}
	if !ok {
		if !s.failed() {
			p.problem(0, "empty file")
		}
		return
	}
	if c != '[' && c != '{' && !isDigit(c) {
		p.problem(0, fmt.Sprintf("not JSON (starts with %q): not a CloudTrail file", sample(s.peek(16))))
		return
	}
	for {
		c, ok := s.skipSpace()
		if !ok {
			return
		}
		switch {
		case c == '[':
			if err := p.elements(); err != nil {
				p.invalid(err)
				return
			}
		case c == '{':
			envelope, err := p.object()
			switch {
			case err != nil && envelope:
				p.invalid(err)
				return
			case err != nil && s.failed():
				return
			case err != nil:
				p.n++
				p.problem(p.n, "invalid JSON: "+err.Error())
				if !s.atLineStart() {
					s.skipLine()
				}
			}
		case isDigit(c):
			p.lines() // CloudWatch Logs exports: "<timestamp> <record>" per line
			return
		default:
			p.n++
			p.problem(p.n, fmt.Sprintf("not a JSON record (starts with %q)", sample(s.peek(16))))
			s.skipLine()
		}
	}
}

// object reads the JSON object at pos: an envelope of records (S3 delivery file, LookupEvents output, a
// CloudWatch Logs response) whose records are read as the object is walked; a digest file, skipped; or a
// record, held while it is read. It tells whether it was an envelope (whose error, if any, ends the file).
func (p *parser) object() (envelope bool, err error) {
	s := p.s
	off := s.offset(s.pos)
	s.mark = off // it may be a record: hold it
	defer func() { s.mark = -1 }()
	digest := false
	err = s.members(func(key []byte) error {
		if s.buf[s.pos] == '[' {
			switch string(key) {
			case "Records":
				envelope, s.mark = true, -1
				return p.elements()
			case "Events":
				envelope, s.mark = true, -1
				return p.wrapped("CloudTrailEvent")
			case "logEvents", "events": // CloudWatch Logs: a subscription message, GetLogEvents
				envelope, s.mark = true, -1
				return p.wrapped("message")
			}
		}
		switch string(key) {
		case "digestStartTime", "logFiles", "digestPublicKeyFingerprint":
			digest = true
		}
		budget := 0
		if s.mark >= 0 {
			budget = max(0, cloudtrail.MaxRecordSize-int(s.offset(s.pos)-off))
		}
		_, _, _, err := s.value(budget)
		return err
	})
	switch {
	case err != nil || envelope:
	case digest:
		p.skipped = true
	case s.mark < 0:
		p.n++
		p.tooBig(s.offset(s.pos) - off)
	default:
		p.record(off, s.buf[int(off-s.base):s.pos], false)
	}
	return envelope, err
}

func (p *parser) tooBig(n int64) {
	p.problem(p.n, fmt.Sprintf("record of %d bytes is over the %d KB limit", n, cloudtrail.MaxRecordSize>>10))
}

// elements reads an array whose elements are records.
func (p *parser) elements() error {
	return p.s.elements(func() error {
		v, off, n, err := p.s.value(cloudtrail.MaxRecordSize)
		switch {
		case err != nil:
			return err
		case v == nil:
			p.n++
			p.tooBig(n)
		default:
			p.record(off, v, false)
		}
		return nil
	})
}

// wrapped reads an array of objects each holding a record as a JSON string under key.
func (p *parser) wrapped(key string) error {
	s := p.s
	return s.elements(func() error {
		if s.buf[s.pos] != '{' {
			p.n++
			p.problem(p.n, "expected an object")
			_, _, _, err := s.value(0)
			return err
		}
		found := false
		err := s.members(func(k []byte) error {
			if string(k) != key || s.buf[s.pos] != '"' {
				_, _, _, err := s.value(0)
				return err
			}
			found = true
			// Escaping makes a record's string up to twice as long as the record.
			v, off, n, err := s.value(2 * cloudtrail.MaxRecordSize)
			switch {
			case err != nil:
				return err
			case v == nil:
				p.n++
				p.tooBig(n)
			default:
				p.record(off, v, true)
			}
			return nil
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
func (p *parser) lines() {
	s := p.s
	for {
		if _, ok := s.skipSpace(); !ok {
			return
		}
		b, off, n := s.line(cloudtrail.MaxRecordSize + 64)
		if b == nil {
			p.n++
			p.tooBig(n)
			continue
		}
		brace := 0
		if b[0] != '{' {
			if i := indexBrace(b); i >= 0 && i <= 40 {
				brace = i
			}
		}
		if b[brace] != '{' {
			if len(b) > 0 {
				p.n++
				p.problem(p.n, fmt.Sprintf("not a JSON record (starts with %q)", sample(b)))
			}
			continue
		}
		v, voff, _, err := bytesStream(b[brace:], off+int64(brace)).value(len(b))
		if err != nil {
			p.n++
			p.problem(p.n, "invalid JSON: "+err.Error())
			continue
		}
		p.record(voff, v, false)
	}
}

func indexBrace(b []byte) int {
	for i, c := range b {
		if c == '{' {
			return i
		}
	}
	return -1
}

// record decodes the record v at offset off of the stream: a JSON object, or a JSON string holding one.
func (p *parser) record(off int64, v []byte, escaped bool) {
	p.n++
	rec := v
	if escaped {
		var str string
		if err := json.Unmarshal(v, &str); err != nil {
			p.problem(p.n, "invalid JSON string: "+err.Error())
			return
		}
		rec = []byte(str)
	}
	if p.keep != nil && !p.keep(rec) {
		p.passed++
		return
	}
	r, err := p.decode(rec)
	if err != nil {
		p.problem(p.n, err.Error())
		return
	}
	r.Raw = p.raw(off, len(v), rec, escaped)
	p.kept++
	if p.records == nil {
		p.records = make([]cloudtrail.Record, 0, min(p.batch, 2048)) // a delivery file's records, mostly
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
