// Package s3 reads CloudTrail logs where trails deliver them: S3 buckets, addressed as
// s3://BUCKET[/PREFIX]. The window (--since, --until, the filter's since: and until:) decides what
// is listed, and --region, --account and the filter's region: and account: which folders: the
// trail's layout is discovered by listing folders (plain and organization trails, a prefix before
// AWSLogs/), then only the day folders of the window are listed. Objects are fetched in parallel
// (bounded, and fewer at a time while S3 says to slow down) into a cache on disk, and read from
// there by the same reader as local archives, so that a second look fetches nothing.
//
// trailscope only reads: ListObjectsV2, GetObject, HeadObject and GetBucketLocation are the only
// calls it makes.
package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/scope"
)

// Options says what to read, and how.
type Options struct {
	URLs     []string // s3://BUCKET[/PREFIX], or s3://BUCKET/KEY of one file
	Since    string   // how far back: a duration (24h, 7d) or a time; empty: 24h, or the filter's since:
	Until    string   // the end, in the same forms; empty: now, or the filter's until:
	Regions  []string // --region: the regions' folders to read (all, -name to leave one out); empty: all
	Accounts []string // --account: the accounts' folders to read; empty: all
	Query    filter.Query
	CacheDir string // DefaultCacheDir when empty
	// Late is how long after the window a delivery file is still read; DefaultLate when 0.
	Late time.Duration

	ClientOptions
	// MaxFileSize caps the decompressed size of one file (archive.Options).
	MaxFileSize int64
	// Keep passes records over before they are decoded, and Decode decodes them (archive.Options).
	Keep   func(rec []byte) bool
	Decode func(rec []byte) (cloudtrail.Record, error)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Session is a read that is ready to run: the window and folders resolved, the buckets reached.
// Open makes one; Run lists, fetches and reads.
type Session struct {
	Window   scope.Window
	Regions  scope.Choice
	Accounts scope.Choice
	Notes    []string // what the user should know about choices made for them

	opt     Options
	client  *Client
	cache   *Cache
	targets []*target
	stats   stats
	raw     *archive.Store // where every object's records are read again: one store, read in bulk at once
}

// target is one URL: a bucket and the folders (or the one object) it names.
type target struct {
	loc     Location
	bucket  *Bucket
	folders []Folder
	sel     Selection
}

// stats count what a run did, for progress and tests.
type stats struct {
	listed, fetched, cached, read atomic.Int64
	listedBytes, fetchedBytes     atomic.Int64
	readBytes                     atomic.Int64
	records, outside              atomic.Int64
	passed                        atomic.Int64 // records Options.Keep passed over
}

// Open resolves the window and the regions and accounts, loads the AWS configuration, reaches every
// bucket (finding its region) and discovers the trail folders each URL holds, so that a mistake is
// reported before anything is shown. Errors say what to do.
func Open(ctx context.Context, opt Options) (*Session, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Session{opt: opt, raw: archive.NewStore()}
	var err error
	if s.Window, err = scope.ParseWindow(opt.Since, opt.Until, opt.Query, opt.Now()); err != nil {
		return nil, err
	}
	regions, err := scope.ParseRegions(opt.Regions)
	if err != nil {
		return nil, err
	}
	allow, deny := scope.FilterRegions(opt.Query)
	s.Regions = scope.Choose(regions, allow, deny)
	accounts, err := scope.ParseAccounts(opt.Accounts)
	if err != nil {
		return nil, err
	}
	allow, deny = scope.FilterAccounts(opt.Query)
	s.Accounts = scope.Choose(accounts, allow, deny)

	var locs []Location
	for _, u := range opt.URLs {
		loc, err := ParseURL(u)
		if err != nil {
			return nil, err
		}
		locs = append(locs, loc)
	}
	dir := opt.CacheDir
	if dir == "" {
		if dir, err = DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	s.cache = NewCache(dir)
	if s.client, err = NewClient(ctx, opt.ClientOptions); err != nil {
		return nil, err
	}
	buckets := map[string]*Bucket{}
	for _, loc := range locs {
		b := buckets[loc.Bucket]
		if b == nil {
			if b, err = s.client.Bucket(ctx, loc.Bucket); err != nil {
				return nil, err
			}
			buckets[loc.Bucket] = b
			s.Notes = append(s.Notes, b.Notes()...)
		}
		t := &target{loc: loc, bucket: b, sel: s.selection(loc)}
		if len(locs) == 1 {
			s.Window = t.sel.Window
		}
		if !loc.Object {
			if t.folders, err = b.Folders(ctx, loc.Prefix, t.sel); err != nil {
				return nil, err
			}
		}
		s.targets = append(s.targets, t)
	}
	return s, nil
}

// selection is what to list for a location. A URL that names days
// (s3://b/AWSLogs/123456789012/CloudTrail/us-east-1/2024/03/) reads those days when neither the
// flags nor the filter bound the time.
func (s *Session) selection(loc Location) Selection {
	sel := Selection{Window: s.Window, Regions: s.Regions, Accounts: s.Accounts, Kind: Logs, Late: s.opt.Late}
	if w, ok := NamedDays(loc.Prefix); ok && !scope.Bounded(s.opt.Since, s.opt.Until, s.opt.Query) {
		sel.Window = w
	}
	return sel
}

// NamedDays is the span of time that the date folders a prefix names cover
// (.../CloudTrail/us-east-1/2024/03/ is March 2024); false when it names none.
func NamedDays(prefix string) (scope.Window, bool) {
	l, err := parseLayout(KindPrefix(prefix, Logs), Logs)
	if err != nil || l.dates == "" {
		return scope.Window{}, false
	}
	return datesWindow(l.dates), true
}

// datesWindow is the span of time a date folder covers: "2024/", "2024/03/" or "2024/03/04/"
// (parseLayout checked the shape).
func datesWindow(dates string) scope.Window {
	var from, to time.Time
	switch len(dates) {
	case len("2006/"):
		from, _ = time.Parse("2006/", dates)
		to = from.AddDate(1, 0, 0)
	case len("2006/01/"):
		from, _ = time.Parse("2006/01/", dates)
		to = from.AddDate(0, 1, 0)
	default:
		from, _ = time.Parse("2006/01/02/", dates)
		to = from.AddDate(0, 0, 1)
	}
	return scope.Window{From: from, To: to.Add(-time.Second)}
}

// Describe names the source in a few words, for titles.
func (s *Session) Describe() string {
	if len(s.targets) == 1 {
		return s.targets[0].loc.String()
	}
	return fmt.Sprintf("%d S3 locations", len(s.targets))
}

// Banner says what the title does not: the window, the folders read and the choices made.
func (s *Session) Banner() string {
	folders, accounts, regions := 0, map[string]bool{}, map[string]bool{}
	for _, t := range s.targets {
		folders += len(t.folders)
		for _, f := range t.folders {
			accounts[f.Account], regions[f.Region] = true, true
		}
	}
	b := "S3 " + s.Window.String()
	if folders > 0 {
		b += fmt.Sprintf("; %s, %s", count(len(accounts), "account"), count(len(regions), "region"))
	}
	for _, n := range s.Notes {
		b += "; " + n
	}
	return b
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Stats is what a run did so far.
type Stats struct {
	Listed    int            // delivery files of the window found
	Fetched   int            // of them, fetched from S3
	Cached    int            // of them, found whole in the cache
	Read      int            // files read
	Bytes     int64          // bytes fetched from S3
	Records   int            // records read in the window
	Outside   int            // records read outside the window, dropped
	Requests  map[string]int // requests by operation, retries included
	Throttles int            // requests S3 answered with SlowDown or 503
	Parallel  int            // the lowest bound of requests in flight the throttling brought
}

// Stats returns what the session has done so far.
func (s *Session) Stats() Stats {
	_, lowest := s.client.Parallel()
	return Stats{
		Listed: int(s.stats.listed.Load()), Fetched: int(s.stats.fetched.Load()), Cached: int(s.stats.cached.Load()),
		Read: int(s.stats.read.Load()), Bytes: s.stats.fetchedBytes.Load(), Records: int(s.stats.records.Load()),
		Outside: int(s.stats.outside.Load()), Requests: s.client.Requests(), Throttles: s.client.Throttles(), Parallel: lowest,
	}
}

// detail says where the read is, for the status line and stderr (which say the events besides).
func (s *Session) detail() string {
	st := s.Stats()
	parts := []string{fmt.Sprintf("%s listed", count(st.Listed, "file"))}
	if st.Fetched > 0 {
		parts = append(parts, fmt.Sprintf("%d fetched (%s)", st.Fetched, cloudtrail.Size(st.Bytes)))
	}
	if st.Cached > 0 {
		parts = append(parts, fmt.Sprintf("%d from the cache", st.Cached))
	}
	parts = append(parts, fmt.Sprintf("%d read", st.Read))
	if st.Throttles > 0 {
		now, _ := s.client.Parallel()
		parts = append(parts, fmt.Sprintf("%d throttled (retried; %d at a time)", st.Throttles, now))
	}
	return strings.Join(parts, " · ")
}

// ErrNoDeliveries is the cause of the error Run returns when the window holds no delivery file.
var ErrNoDeliveries = errors.New("no delivery files")

// noDeliveries says that the window holds no file, and where the trail does deliver.
func (s *Session) noDeliveries(ctx context.Context) error {
	msg := fmt.Sprintf("no delivery files between %s and %s", s.Window.From.Format("2006-01-02 15:04Z"),
		s.Window.To.Format("2006-01-02 15:04Z"))
	for _, t := range s.targets {
		if len(t.folders) == 0 {
			continue
		}
		f := t.folders[0]
		msg += "; the trail delivers under " + URL(t.bucket.Name, f.Prefix)
		if n := len(t.folders) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more %s)", n, map[bool]string{true: "folder", false: "folders"}[n == 1])
		}
		if day, err := t.bucket.LatestDay(ctx, f); err == nil && day != "" {
			msg += ", the latest day there is " + strings.TrimSuffix(day, "/")
		}
		break
	}
	return &noDeliveriesError{msg}
}

type noDeliveriesError struct{ msg string }

func (e *noDeliveriesError) Error() string { return e.msg }
func (e *noDeliveriesError) Unwrap() error { return ErrNoDeliveries }

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
