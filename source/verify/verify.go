package verify

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/integrity"
)

// KeySource fetches the public keys CloudTrail signed a region's digests with between two times
// (CloudTrail's ListPublicKeys).
type KeySource func(ctx context.Context, region string, from, to time.Time) ([]integrity.PublicKey, error)

// Options says what is known beside the archive, and how to work.
type Options struct {
	Keys       integrity.Keyring              // public keys given (--public-keys)
	Fetch      KeySource                      // fetches the keys that are not given; nil: none are fetched
	Signatures map[string]integrity.Signature // digests' own signatures given, by integrity.SignatureKey
	Workers    int                            // files hashed at once; GOMAXPROCS when 0
	Now        func() time.Time               // the clock; time.Now when nil
}

// MaxDigestSize bounds a digest file, uncompressed: a digest lists an hour of log files, a few
// hundred kilobytes at most, so anything this big is not one.
const MaxDigestSize = 64 << 20

// Outcome is what Run found and judged.
type Outcome struct {
	integrity.Report
	Fetched []integrity.PublicKey // keys fetched from CloudTrail, to save for later runs
	Other   int                   // files that are neither digests nor CloudTrail log files: not checked
	Bytes   int64                 // bytes read from the archive
}

// ErrNoDigests says there is nothing to verify against.
var ErrNoDigests = errors.New("no digest files (CloudTrail-Digest): is log file validation on for the trail? " +
	"Digests are delivered to AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/; give the folder that holds both them and the logs")

// Run verifies an archive.
func Run(ctx context.Context, a Archive, opt Options) (Outcome, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
		if r, ok := a.(Remote); ok {
			opt.Workers = max(opt.Workers, r.Parallel())
		}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	var out Outcome
	var digests, logs []File
	err := a.Files(ctx, func(f File) error {
		name := path.Base(f.Location)
		switch {
		case strings.Contains(name, "_CloudTrail-Digest_"):
			digests = append(digests, f)
		case isLogName(name) || f.Named:
			logs = append(logs, f)
		default:
			out.Other++
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	if len(digests) == 0 {
		return out, ErrNoDigests
	}
	in := integrity.Input{Keys: integrity.Keyring{}, Signatures: opt.Signatures, Now: opt.Now()}
	in.Keys.Add(opt.Keys.Keys()...)
	var read atomic.Int64
	var failed firstError
	signed, _ := a.(Signed)
	in.Digests = parallel(ctx, opt.Workers, digests, func(h *hasher, f File) integrity.DigestFile {
		d := readDigest(ctx, a, h, f, &read)
		if signed != nil && d.Err == nil {
			var err error
			if d.Signature, err = signed.Signature(ctx, f); err != nil {
				failed.set(fmt.Errorf("the signature of %s: %w", d.Location, err))
			}
		}
		return d
	})
	if err := cmp.Or(ctx.Err(), failed.get()); err != nil {
		return out, err
	}
	if finder, ok := a.(Finder); ok {
		found, err := findListed(ctx, finder, opt.Workers, in.Digests, logs)
		if err != nil {
			return out, err
		}
		logs = append(logs, found...)
	}

	// Fetch the missing keys while the log files are hashed.
	fetched := make(chan error, 1)
	go func() {
		var err error
		if opt.Fetch != nil {
			out.Fetched, err = fetchKeys(ctx, opt, in.Keys, in.Digests)
		}
		fetched <- err
	}()
	slices.SortStableFunc(logs, func(x, y File) int { return cmp.Compare(y.Size, x.Size) }) // the biggest first keeps every core busy to the end
	in.Logs = parallel(ctx, opt.Workers, logs, func(h *hasher, f File) integrity.LogFile {
		sum, n, err := h.hash(ctx, a, f)
		read.Add(n)
		return integrity.LogFile{Location: f.Location, SHA256: sum, Err: err}
	})
	if err := <-fetched; err != nil {
		return out, err
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	in.Keys.Add(out.Fetched...)
	out.Report = integrity.Check(in)
	out.Bytes = read.Load()
	return out, nil
}

// findListed looks up the log files that digests list and that are not among logs.
func findListed(ctx context.Context, a Finder, workers int, digests []integrity.DigestFile, logs []File) ([]File, error) {
	have := map[string]bool{}
	for _, l := range logs {
		have[path.Base(l.Location)] = true
	}
	var want []integrity.LogEntry
	for _, d := range digests {
		for _, e := range d.Digest.LogFiles {
			if name := path.Base(e.Object); !have[name] {
				have[name] = true
				want = append(want, e)
			}
		}
	}
	var failed firstError
	type result struct {
		f  File
		ok bool
	}
	results := parallel(ctx, workers, want, func(_ *hasher, e integrity.LogEntry) result {
		f, ok, err := a.Find(ctx, e.Bucket, e.Object)
		if err != nil {
			failed.set(fmt.Errorf("look up %s, which a digest lists: %w", e.Object, err))
		}
		return result{f, ok}
	})
	if err := cmp.Or(ctx.Err(), failed.get()); err != nil {
		return nil, err
	}
	var found []File
	for _, r := range results {
		if r.ok {
			found = append(found, r.f)
		}
	}
	return found, nil
}

// firstError keeps the first error of several goroutines.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// isLogName tells a CloudTrail log file by its name.
func isLogName(name string) bool {
	_, ok := integrity.ParseLogName(name)
	return ok
}

// parallel runs fn over files on workers goroutines, each with its own hasher, and returns the
// results in the files' order.
func parallel[F, T any](ctx context.Context, workers int, files []F, fn func(*hasher, F) T) []T {
	out := make([]T, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(files)) {
		wg.Go(func() {
			h := newHasher()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				out[i] = fn(h, files[i])
			}
		})
	}
	wg.Wait()
	return out
}

// hasher reads files, decompressing the gzipped ones, reusing its buffers from file to file.
type hasher struct {
	br  *bufio.Reader
	gz  *gzip.Reader
	buf []byte
}

func newHasher() *hasher {
	return &hasher{br: bufio.NewReaderSize(nil, 256<<10), buf: make([]byte, 256<<10)}
}

// content returns a reader of a file's uncompressed bytes, and a function that counts the bytes
// read from the archive and closes the file.
func (h *hasher) content(ctx context.Context, a Archive, f File) (io.Reader, func() int64, error) {
	rc, err := a.Open(ctx, f)
	if err != nil {
		return nil, nil, readError(f.Location, err)
	}
	counted := &countingReader{r: rc}
	h.br.Reset(counted)
	done := func() int64 {
		rc.Close()
		return counted.n
	}
	magic, _ := h.br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return h.br, done, nil
	}
	if h.gz == nil {
		h.gz, err = gzip.NewReader(h.br)
	} else {
		err = h.gz.Reset(h.br)
	}
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("gzip: %w", err)
	}
	return h.gz, done, nil
}

// hash returns the SHA-256 of a file's uncompressed bytes and the bytes read from the archive.
func (h *hasher) hash(ctx context.Context, a Archive, f File) ([32]byte, int64, error) {
	var sum [32]byte
	r, done, err := h.content(ctx, a, f)
	if err != nil {
		return sum, 0, err
	}
	s := sha256.New()
	_, err = io.CopyBuffer(s, r, h.buf)
	n := done()
	if err != nil {
		return sum, n, fmt.Errorf("%w: the file is truncated or damaged", err)
	}
	s.Sum(sum[:0])
	return sum, n, nil
}

// readDigest reads and parses a digest file.
func readDigest(ctx context.Context, a Archive, h *hasher, f File, read *atomic.Int64) integrity.DigestFile {
	d := integrity.DigestFile{Location: f.Location}
	r, done, err := h.content(ctx, a, f)
	if err != nil {
		d.Err = err
		return d
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxDigestSize+1))
	read.Add(done())
	switch {
	case err != nil:
		d.Err = fmt.Errorf("%w: the file is truncated or damaged", err)
	case len(data) > MaxDigestSize:
		d.Err = fmt.Errorf("larger than %d MB: no digest is", MaxDigestSize>>20)
	default:
		d.SHA256 = sha256.Sum256(data)
		d.Digest, d.Err = integrity.ParseDigest(data)
	}
	return d
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// fetchKeys fetches, region by region, the keys of the digests whose key is not known: from the
// start of the region's oldest digest to now, since a backfill digest is signed after its span.
func fetchKeys(ctx context.Context, opt Options, known integrity.Keyring, digests []integrity.DigestFile) ([]integrity.PublicKey, error) {
	from := map[string]time.Time{}
	for _, d := range digests {
		if d.Err != nil {
			continue
		}
		if _, ok := known[d.Digest.Fingerprint]; ok {
			continue
		}
		region := d.Digest.Name().Region
		start, err := d.Digest.Start()
		if err != nil {
			start, _ = d.Digest.End()
			start = start.Add(-time.Hour)
		}
		if t, ok := from[region]; !ok || start.Before(t) {
			from[region] = start
		}
	}
	var keys []integrity.PublicKey
	for _, region := range slices.Sorted(maps.Keys(from)) {
		got, err := opt.Fetch(ctx, region, from[region], opt.Now())
		if err != nil {
			return nil, err
		}
		for i := range got {
			got[i].Region = cmp.Or(got[i].Region, region)
		}
		keys = append(keys, got...)
	}
	return keys, nil
}
