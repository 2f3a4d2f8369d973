package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/source/awsconf"
	"github.com/trailscope/trailscope/source/s3"
	"github.com/trailscope/trailscope/source/scope"
)

// DigestPeriod is how often CloudTrail delivers a digest: each lists the log files delivered in the
// hour before it, so a digest arrives up to this long after the log files it vouches for.
const DigestPeriod = time.Hour

// BucketOptions says which part of a trail's bucket to verify.
type BucketOptions struct {
	URL      string   // s3://BUCKET[/PREFIX]: a folder of the trail (the whole bucket, AWSLogs/, an account, a region, a day)
	Since    string   // the window's start: a duration back (24h, 7d) or a time; empty: 24h ago
	Until    string   // the window's end, in the same forms; empty: now
	Regions  []string // --region: the regions' folders to verify; empty: all
	Accounts []string // --account: the accounts' folders to verify; empty: all
	CacheDir string   // where fetched files are kept (s3.DefaultCacheDir when empty)
	Client   s3.ClientOptions
	Now      func() time.Time // the clock; time.Now when nil
}

// Bucket is the part of a trail's S3 bucket that a window names, as an Archive: the digest files
// delivered in the window (and up to DigestPeriod after it, when the digests of its last log files
// arrive) and the log files delivered in it. Files are fetched into the S3 source's cache as Run
// opens them, so a second run fetches nothing. A Bucket is Signed: each digest's own signature comes
// from its object's metadata, so every digest can be verified. It is a Finder too: the first digests
// of the window list log files delivered just before it, which are looked up one by one.
type Bucket struct {
	Window scope.Window

	loc     s3.Location
	bucket  *s3.Bucket
	client  *s3.Client
	cache   *s3.Cache
	logs    s3.Selection
	digests s3.Selection

	mu      sync.Mutex
	objects map[string]s3.Object // by Location
	fetched atomic.Int64
	cached  atomic.Int64
	bytes   atomic.Int64
}

// OpenBucket reaches the bucket (finding its region) and resolves the window, so that a mistake
// in the URL, the flags or the credentials is reported before anything is listed.
func OpenBucket(ctx context.Context, opt BucketOptions) (*Bucket, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	loc, err := s3.ParseURL(opt.URL)
	if err != nil {
		return nil, err
	}
	if loc.Object {
		return nil, fmt.Errorf("%s names one file: give the folder that holds the trail's logs and digests, e.g. %s",
			opt.URL, s3.URL(loc.Bucket, "AWSLogs/"))
	}
	window, err := scope.ParseWindow(opt.Since, opt.Until, filter.Query{}, opt.Now())
	if err != nil {
		return nil, err
	}
	if w, ok := s3.NamedDays(loc.Prefix); ok && opt.Since == "" && opt.Until == "" {
		window = w
	}
	regions, err := scope.ParseRegions(opt.Regions)
	if err != nil {
		return nil, err
	}
	accounts, err := scope.ParseAccounts(opt.Accounts)
	if err != nil {
		return nil, err
	}
	dir := opt.CacheDir
	if dir == "" {
		if dir, err = s3.DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	client, err := s3.NewClient(ctx, opt.Client)
	if err != nil {
		return nil, err
	}
	bucket, err := client.Bucket(ctx, loc.Bucket)
	if err != nil {
		return nil, err
	}
	sel := s3.Selection{Window: window, Regions: scope.Choose(regions, nil, nil), Accounts: scope.Choose(accounts, nil, nil), Kind: s3.Logs}
	b := &Bucket{Window: window, loc: loc, bucket: bucket, client: client, cache: s3.NewCache(dir), logs: sel, digests: sel,
		objects: map[string]s3.Object{}}
	b.digests.Kind = s3.Digests
	b.digests.Late = s3.DefaultLate + DigestPeriod
	return b, nil
}

// Describe names what is verified, for messages.
func (b *Bucket) Describe() string {
	return fmt.Sprintf("%s, %s", b.loc, b.Window)
}

// Files lists the window's digest files and log files (only the window's day folders).
func (b *Bucket) Files(ctx context.Context, fn func(File) error) error {
	for _, sel := range []s3.Selection{b.digests, b.logs} {
		objs, _, err := b.bucket.ListDeliveries(ctx, s3.KindPrefix(b.loc.Prefix, sel.Kind), sel)
		if err != nil {
			return err
		}
		for _, o := range objs {
			if err := fn(b.add(o)); err != nil {
				return err
			}
		}
	}
	return nil
}

// add remembers an object, to fetch it when it is opened.
func (b *Bucket) add(o s3.Object) File {
	loc := s3.URL(b.bucket.Name, o.Key)
	b.mu.Lock()
	b.objects[loc] = o
	b.mu.Unlock()
	return File{Location: loc, Size: o.Size}
}

func (b *Bucket) object(f File) (s3.Object, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[f.Location]
	if !ok {
		return s3.Object{}, fmt.Errorf("%s was not listed", f.Location)
	}
	return o, nil
}

// Open fetches a file into the cache, unless it is there, and opens the cached copy.
func (b *Bucket) Open(ctx context.Context, f File) (io.ReadCloser, error) {
	o, err := b.object(f)
	if err != nil {
		return nil, err
	}
	path, fetched, err := b.bucket.Fetch(ctx, b.cache, o)
	if err != nil {
		return nil, err
	}
	if fetched {
		b.fetched.Add(1)
		b.bytes.Add(o.Size)
	} else {
		b.cached.Add(1)
	}
	return os.Open(path)
}

// Signature reads a digest's own signature from its object's metadata (HeadObject):
// x-amz-meta-signature, and x-amz-meta-signature-algorithm.
func (b *Bucket) Signature(ctx context.Context, digest File) (*integrity.Signature, error) {
	o, err := b.object(digest)
	if err != nil {
		return nil, err
	}
	head, err := b.bucket.Head(ctx, o.Key)
	if err != nil {
		return nil, err
	}
	sig := strings.TrimSpace(head.Metadata["signature"])
	if sig == "" {
		return nil, nil
	}
	return &integrity.Signature{Hex: sig, Algorithm: head.Metadata["signature-algorithm"], Source: "x-amz-meta-signature"}, nil
}

// Find looks up a log file that a digest lists and the listing did not find (delivered before the
// window): false when the bucket does not hold it, or when it is in another bucket.
func (b *Bucket) Find(ctx context.Context, bucket, key string) (File, bool, error) {
	if bucket != b.bucket.Name {
		return File{}, false, nil
	}
	o, err := b.bucket.Head(ctx, key)
	switch {
	case errors.Is(err, awsconf.ErrNotFound):
		return File{}, false, nil
	case err != nil:
		return File{}, false, err
	}
	o.Metadata = nil
	return b.add(o), true, nil
}

// CachePaths maps the location of every file listed or found to where its copy is kept in the
// cache (whether it was fetched yet or not): the path the console read an S3 object's events from.
func (b *Bucket) CachePaths() map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]string, len(b.objects))
	for loc, o := range b.objects {
		out[loc] = b.cache.Path(b.bucket.Name, o)
	}
	return out
}

// Parallel is how many files Run opens at once: fetching is bound by latency, not cores.
func (b *Bucket) Parallel() int {
	now, _ := b.client.Parallel()
	return max(now, 1)
}

// BucketStats is what a Bucket fetched.
type BucketStats struct {
	Fetched  int    // files fetched from S3
	Bytes    int64  // their bytes
	Cached   int    // files the cache had whole
	Requests int    // requests to S3, retries included
	Cache    string // the cache's folder
}

// Stats says what was fetched and what the cache had, for the summary.
func (b *Bucket) Stats() BucketStats {
	st := BucketStats{Fetched: int(b.fetched.Load()), Bytes: b.bytes.Load(), Cached: int(b.cached.Load()), Cache: b.cache.Root()}
	for _, n := range b.client.Requests() {
		st.Requests += n
	}
	return st
}
