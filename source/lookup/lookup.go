// Package lookup reads CloudTrail event history with the LookupEvents API: every requested region
// in parallel, each paced at the API's limit of 2 requests per second, the filter's most selective
// term sent to the server, pages streamed as they arrive and kept in an on-disk cache that the
// archive reader reads back, so that a second run fetches only what is missing.
//
// trailscope only reads: LookupEvents, sts:GetCallerIdentity (the account, which keys the cache),
// ec2:DescribeRegions (for --region all) and, for `trailscope verify`, cloudtrail:ListPublicKeys
// (keys.go) are the only calls it makes.
package lookup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctsdk "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	json "github.com/goccy/go-json"
	"golang.org/x/time/rate"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/scope"
)

// Options says what to look up, and how.
type Options struct {
	Profile string   // an AWS profile; empty: AWS_PROFILE or the default
	Regions []string // region names, "all" (the regions enabled for the account), "-name" to leave one out; empty: the configured region
	Since   string   // how far back: a duration (24h, 7d) or a time (RFC 3339, a date); empty: 24h, or the filter's since:
	Until   string   // the end, in the same forms; empty: now, or the filter's until:
	Query   filter.Query
	// NoPushDown keeps every filter term local: LookupEvents returns everything in the window.
	NoPushDown bool
	NoCache    bool   // neither read nor write the cache
	CacheDir   string // DefaultCacheDir when empty

	// Endpoint replaces the AWS endpoints (tests; users set AWS_ENDPOINT_URL).
	Endpoint string
	// Rate is the requests per second per region; DefaultRate when 0.
	Rate float64
	// RetryBase is the first backoff after a throttled or failed attempt; awsconf.DefaultRetryBase when 0.
	RetryBase time.Duration
	// MaxAttempts bounds the tries of one request; awsconf.DefaultMaxAttempts when 0.
	MaxAttempts int
	// Settle is how long CloudTrail may take to make an event visible: the cache does not count the
	// most recent Settle of a fetch as complete. DefaultSettle when 0, none when negative.
	Settle time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Other defaults.
const (
	// DefaultSince is how far back a lookup goes unless told.
	DefaultSince = scope.DefaultSince
	// DefaultSettle: CloudTrail makes most events visible within 5 minutes, not guaranteed.
	DefaultSettle = 15 * time.Minute
	// History is how far back LookupEvents can see.
	History = 90 * 24 * time.Hour
	// PageSize is the most events LookupEvents returns at once.
	PageSize = 50
	// batchInterval is how often pages are handed on while they arrive.
	batchInterval = 100 * time.Millisecond
)

// Session is a lookup that is ready to run: the configuration loaded, the account known, the regions,
// the time window and the pushed-down attribute chosen. Open makes one; Run fetches.
type Session struct {
	Account string    // the account the credentials belong to
	Caller  string    // the ARN of the credentials
	Regions []string  // what will be read, in order
	From    time.Time // the window, inclusive, whole seconds
	To      time.Time
	Attr    Attribute // what the server filters on
	Notes   []string  // what the user should know about choices made for them

	opt   Options
	cfg   aws.Config
	cache *Cache // nil with NoCache
	raw   *archive.Store
	floor int64 // the oldest second LookupEvents still returns
	run   string
	stats map[string]*regionStats
}

// Open loads the AWS configuration, checks the credentials (finding the account) and resolves the
// regions and the window, so that a mistake is reported before anything is shown. Errors are *Error.
func Open(ctx context.Context, opt Options) (*Session, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	now := opt.Now()
	s := &Session{opt: opt, stats: map[string]*regionStats{}, floor: now.Add(-History).Unix()}
	if err := s.window(now); err != nil {
		return nil, err
	}
	if !opt.NoPushDown {
		s.Attr = PushDown(opt.Query)
	}
	cfg, err := loadConfig(ctx, opt)
	if err != nil {
		return nil, err
	}
	s.cfg = cfg
	home := cfg.Region
	if home == "" {
		home = globalRegion("")
	}
	id, err := newIdentityClient(cfg, home).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, explain(err, "sts:GetCallerIdentity", "", opt.Profile)
	}
	s.Account, s.Caller = aws.ToString(id.Account), aws.ToString(id.Arn)
	if !scope.IsAccount(s.Account) {
		return nil, &Error{Msg: fmt.Sprintf("sts:GetCallerIdentity returned an odd account ID %q", s.Account)}
	}
	if err := s.regions(ctx, home); err != nil {
		return nil, err
	}
	if !opt.NoCache {
		dir := opt.CacheDir
		if dir == "" {
			if dir, err = DefaultCacheDir(); err != nil {
				return nil, err
			}
		}
		s.cache = &Cache{Root: dir}
	}
	s.raw = archive.NewStore()
	var b [4]byte
	rand.Read(b[:])
	s.run = hex.EncodeToString(b[:])
	for _, r := range s.Regions {
		s.stats[r] = &regionStats{}
	}
	if s.Attr.Approximate {
		s.Notes = append(s.Notes, fmt.Sprintf("%s goes to CloudTrail as %s, which it matches its own way "+
			"(--push-down=false filters only here)", s.Attr.Term, s.Attr))
	}
	return s, nil
}

// window resolves --since, --until and the filter's time terms into whole seconds.
func (s *Session) window(now time.Time) error {
	w, err := scope.ParseWindow(s.opt.Since, s.opt.Until, s.opt.Query, now)
	if err != nil {
		return &Error{Msg: err.Error(), Err: err}
	}
	s.From, s.To = w.From, w.To
	if s.From.Unix() < s.floor {
		s.Notes = append(s.Notes, "CloudTrail keeps 90 days: older events come only from the cache")
	}
	return nil
}

// globalRegion is where a partition's global services (IAM, STS, console sign-in) log their events.
func globalRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "cn-north-1"
	case strings.HasPrefix(region, "us-gov-"):
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// regions resolves --region and the filter's region: terms into the regions to read.
func (s *Session) regions(ctx context.Context, home string) error {
	names, err := scope.ParseRegions(s.opt.Regions)
	if err != nil {
		return &Error{Msg: err.Error(), Err: err}
	}
	include, exclude, all := names.Include, names.Exclude, names.All
	explicit := all || len(include) > 0
	global := globalRegion(home)
	if all {
		enabled, err := s.enabledRegions(ctx, home)
		if err != nil {
			return err
		}
		include = append(include, enabled...)
	}
	if !explicit {
		if s.cfg.Region == "" {
			s.Notes = append(s.Notes, "no AWS region configured: reading "+global+" (set --region or AWS_REGION)")
		} else {
			include = append(include, s.cfg.Region)
		}
	}
	allow, deny := scope.FilterRegions(s.opt.Query)
	switch {
	case allow != nil && !explicit:
		include = allow // the filter names the regions
	case allow != nil:
		include = slices.DeleteFunc(include, func(r string) bool { return !slices.Contains(allow, r) })
	default:
		if !exclude[global] && !slices.Contains(include, global) {
			include = append(include, global)
			if len(include) > 1 && !all {
				s.Notes = append(s.Notes, fmt.Sprintf("%s added for IAM, STS and sign-in events (-%s leaves it out)", global, global))
			}
		}
	}
	var out []string
	for _, r := range include {
		if !exclude[r] && !deny[r] && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return &Error{Msg: "no region left to read: --region and the filter's region: terms leave none"}
	}
	s.Regions = out
	return nil
}

// enabledRegions lists the regions enabled for the account (opt-in regions only once opted in).
func (s *Session) enabledRegions(ctx context.Context, home string) ([]string, error) {
	out, err := newRegionsClient(s.cfg, home).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
	if err != nil {
		return nil, explain(err, "ec2:DescribeRegions", "", s.opt.Profile)
	}
	var names []string
	for _, r := range out.Regions {
		if name := aws.ToString(r.RegionName); scope.IsRegion(name) && aws.ToString(r.OptInStatus) != "not-opted-in" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Banner says what the console's title does not (it names the account and regions): the window,
// what CloudTrail filters on, and the choices made for the user.
func (s *Session) Banner() string {
	to := s.To.Format("2006-01-02 15:04Z")
	if s.To.Format(time.DateOnly) == s.From.Format(time.DateOnly) {
		to = s.To.Format("15:04Z")
	}
	b := fmt.Sprintf("LookupEvents %s to %s", s.From.Format("2006-01-02 15:04Z"), to)
	if s.Attr.Key != "" {
		b += "; CloudTrail filters on " + s.Attr.String()
	}
	if s.cache == nil {
		b += "; no cache"
	}
	for _, n := range s.Notes {
		b += "; " + n
	}
	return b
}

// Describe names the source in a few words, for titles.
func (s *Session) Describe() string {
	return fmt.Sprintf("LookupEvents %s %s", s.Account, regionList(s.Regions))
}

func regionList(rs []string) string {
	if len(rs) > 3 {
		return fmt.Sprintf("%d regions", len(rs))
	}
	return strings.Join(rs, ",")
}

// Stats is what happened to one region's requests.
type Stats struct {
	Requests  int // attempts sent, retries included
	Throttles int // attempts the server throttled
	Pages     int // pages fetched
	Cached    int // events read from the cache
}

// Stats returns the requests made so far, by region.
func (s *Session) Stats() map[string]Stats {
	out := map[string]Stats{}
	for r, st := range s.stats {
		out[r] = Stats{Requests: int(st.attempts.Load()), Throttles: int(st.throttles.Load()),
			Pages: int(st.pages.Load()), Cached: int(st.cached.Load())}
	}
	return out
}

// update is what a region's fetcher tells the collector.
type update struct {
	region   string
	records  []cloudtrail.Record
	problems []cloudtrail.Problem
	pages    int       // pages fetched with this update
	cached   int       // records read from the cache with this update
	oldest   time.Time // how far back the region has got, when known
	done     bool
	err      error
}

// Run fetches every region in parallel and calls emit, from one goroutine, with batches of records as
// pages arrive (at most every ~100 ms), each batch's progress saying where every region is. A region
// that fails is reported as a problem and the others go on; Run returns an error when every region
// failed, or ctx's error when it ends first.
func (s *Session) Run(ctx context.Context, emit func(cloudtrail.Batch)) error {
	start := time.Now()
	updates := make(chan update, 4*len(s.Regions))
	var wg sync.WaitGroup
	for _, r := range s.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send := func(u update) {
				u.region = r
				select {
				case updates <- u:
				case <-ctx.Done():
				}
			}
			err := s.fetchRegion(ctx, r, send)
			updates <- update{region: r, done: true, err: err} // buffered enough: wg waits for this
		}()
	}
	go func() { wg.Wait(); close(updates) }()

	states := map[string]*regionState{}
	for _, r := range s.Regions {
		states[r] = &regionState{}
	}
	var pending cloudtrail.Batch
	var prog cloudtrail.Progress
	dirty := false
	tick := time.NewTicker(batchInterval)
	defer tick.Stop()
	flush := func(final bool) {
		prog.Elapsed = time.Since(start)
		prog.Done = final
		prog.Detail = s.detail(states, final)
		pending.Progress = prog
		emit(pending)
		pending, dirty = cloudtrail.Batch{}, false
	}
	var failures []error
	var failed []cloudtrail.Problem // said at the end, unless every region failed and Run says it
	for open := true; open; {
		select {
		case u, ok := <-updates:
			if !ok {
				open = false
				break
			}
			st := states[u.region]
			pending.Records = append(pending.Records, u.records...)
			pending.Problems = append(pending.Problems, u.problems...)
			prog.Records += len(u.records)
			prog.Problems += len(u.problems)
			st.events += len(u.records)
			st.pages += u.pages
			st.cached += u.cached
			s.stats[u.region].pages.Add(int64(u.pages))
			s.stats[u.region].cached.Add(int64(u.cached))
			if !u.oldest.IsZero() {
				st.oldest = u.oldest
			}
			if u.done {
				st.done = true
				if u.err != nil && ctx.Err() == nil {
					st.failed = true
					failures = append(failures, u.err)
					reason := u.err.Error()
					if e, ok := u.err.(*Error); ok && e.Region == u.region {
						reason = e.Msg
					}
					failed = append(failed, cloudtrail.Problem{File: "LookupEvents " + u.region, Reason: reason})
				}
			}
			dirty = true
			if len(pending.Records) >= archive.DefaultBatchSize {
				flush(false)
			}
		case <-tick.C:
			if dirty {
				flush(false)
			}
		}
	}
	if len(failures) < len(s.Regions) {
		pending.Problems = append(pending.Problems, failed...)
		prog.Problems += len(failed)
	}
	flush(true)
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(failures) == len(s.Regions) {
		if len(failures) == 1 {
			return failures[0]
		}
		return fmt.Errorf("every region failed; %w", failures[0])
	}
	return nil
}

// regionState is the collector's view of one region.
type regionState struct {
	pages, events, cached int
	oldest                time.Time
	done, failed          bool
}

// detail says where the lookup is, for the status line: the pushed-down attribute, then each region
// (or a summary of many), throttling and the cache.
func (s *Session) detail(states map[string]*regionState, final bool) string {
	var parts []string
	if s.Attr.Key != "" {
		parts = append(parts, "server filter "+s.Attr.String())
	}
	pages, cached, throttles, done, failed := 0, 0, 0, 0, 0
	var slowest string
	for _, r := range s.Regions {
		st := states[r]
		pages += st.pages
		cached += st.cached
		throttles += int(s.stats[r].throttles.Load())
		if st.done {
			done++
		}
		if st.failed {
			failed++
		}
		if !st.done && (slowest == "" || st.oldest.After(states[slowest].oldest)) {
			slowest = r
		}
	}
	if len(s.Regions) <= 3 {
		for _, r := range s.Regions {
			st := states[r]
			switch {
			case st.failed:
				parts = append(parts, r+" failed")
			case st.done:
				parts = append(parts, fmt.Sprintf("%s done: %d pages", r, st.pages))
			case st.oldest.IsZero():
				parts = append(parts, fmt.Sprintf("%s: %d pages", r, st.pages))
			default:
				parts = append(parts, fmt.Sprintf("%s: %d pages, back to %s", r, st.pages, s.clock(st.oldest)))
			}
		}
	} else {
		p := fmt.Sprintf("%d/%d regions done, %d pages", done, len(s.Regions), pages)
		if failed > 0 {
			p += fmt.Sprintf(", %d failed", failed)
		}
		if slowest != "" && !states[slowest].oldest.IsZero() {
			p += fmt.Sprintf(", %s back to %s", slowest, s.clock(states[slowest].oldest))
		}
		parts = append(parts, p)
	}
	if throttles > 0 {
		parts = append(parts, fmt.Sprintf("%d throttled (retried)", throttles))
	}
	if cached > 0 {
		parts = append(parts, fmt.Sprintf("%d from cache", cached))
	}
	return strings.Join(parts, " · ")
}

// clock shows a time the short way when the window is short.
func (s *Session) clock(t time.Time) string {
	if s.To.Sub(s.From) <= 24*time.Hour {
		return t.UTC().Format("15:04Z")
	}
	return t.UTC().Format("01-02 15:04Z")
}

// fetchRegion reads what the cache holds of the window for one region, then fetches the rest.
func (s *Session) fetchRegion(ctx context.Context, region string, send func(update)) error {
	w := span{s.From.Unix(), s.To.Unix() + 1}
	var cov []span
	if s.cache != nil {
		var err error
		if cov, err = s.readCache(ctx, region, w, send); err != nil {
			return &Error{Region: region, Msg: err.Error(), Err: err}
		}
	}
	lim := rate.NewLimiter(rate.Limit(cmpOr(s.opt.Rate, DefaultRate)), 1)
	client := newLookupClient(s.cfg, region, &pacer{limiter: lim, stats: s.stats[region]})
	for _, g := range gaps(w, cov) {
		g.from = max(g.from, s.floor)
		if g.empty() {
			continue
		}
		if err := s.fetchGap(ctx, client, region, g, send); err != nil {
			return err
		}
	}
	return nil
}

func cmpOr(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

// keys are the cache folders whose pages answer this session: its own attribute's, and the
// unfiltered pages, which hold every event any attribute could select.
func (s *Session) keys() []string {
	if s.Attr.Key == "" {
		return []string{"all"}
	}
	return []string{s.Attr.cacheKey(), "all"}
}

// readCache sends the cached events of the window and returns the spans the cache covers. A page
// that cannot be read back is deleted, so that its span is fetched again.
func (s *Session) readCache(ctx context.Context, region string, w span, send func(update)) ([]span, error) {
	files, err := s.cache.files(s.Account, region, s.keys())
	if err != nil {
		return nil, err
	}
	s.cache.pruneStale(files)
	var paths []string
	for _, f := range files {
		if !f.span.empty() && f.span.overlaps(w) {
			paths = append(paths, f.path)
		}
	}
	if len(paths) == 0 {
		return coverage(files), nil
	}
	broken := map[string]bool{}
	err = archive.Read(ctx, paths, archive.Options{Store: s.raw}, func(b cloudtrail.Batch) {
		recs := slices.DeleteFunc(b.Records, func(r cloudtrail.Record) bool {
			t := r.Time.Unix()
			return t < w.from || t >= w.to
		})
		for _, p := range b.Problems {
			broken[p.File] = true
		}
		if len(recs) > 0 || len(b.Problems) > 0 {
			send(update{records: recs, problems: b.Problems, cached: len(recs)})
		}
	})
	if err != nil {
		return nil, err
	}
	files = slices.DeleteFunc(files, func(f cacheFile) bool {
		if broken[f.path] {
			s.cache.remove(f.path)
			return true
		}
		return false
	})
	return coverage(files), nil
}

// rawEvent is one event of a page, checked.
type rawEvent struct {
	t   int64 // eventTime, Unix seconds
	raw []byte
}

// fetchGap pages through one uncovered span of time, newest first, storing and sending each page.
// A page completes the span from just after its oldest second to where the previous page ended;
// the events of that oldest second wait for the next page, which may hold more of them, so that
// every cached file holds exactly the events of its span.
func (s *Session) fetchGap(ctx context.Context, client lookupAPI, region string, g span, send func(update)) error {
	in := &ctsdk.LookupEventsInput{
		StartTime:  aws.Time(time.Unix(g.from, 0)),
		EndTime:    aws.Time(time.Unix(g.to-1, 0)), // inclusive
		MaxResults: aws.Int32(PageSize),
	}
	if s.Attr.Key != "" {
		in.LookupAttributes = []types.LookupAttribute{{AttributeKey: s.Attr.Key, AttributeValue: aws.String(s.Attr.Value)}}
	}
	hi := g.to
	var carry []rawEvent
	for page := 1; ; page++ {
		out, err := client.LookupEvents(ctx, in)
		if err != nil {
			if len(carry) > 0 { // fetched, not yet sent: send them, uncached
				recs, probs := s.decode(region, carry)
				send(update{records: recs, problems: probs})
			}
			return explain(err, "cloudtrail:LookupEvents", region, s.opt.Profile)
		}
		events, problems := checkEvents(region, page, out.Events)
		last := out.NextToken == nil || aws.ToString(out.NextToken) == ""
		lo := g.from
		if !last {
			lo = hi
			if n := len(events); n > 0 {
				oldest := events[0].t
				for _, e := range events {
					oldest = min(oldest, e.t)
				}
				lo = min(max(oldest+1, g.from), hi)
			}
		}
		// Events of this page's span go out now; those of its oldest second wait (again, when a
		// whole page falls in that second).
		var keep []rawEvent
		pending := append(carry, events...)
		carry = nil
		for _, e := range pending {
			if e.t >= lo {
				keep = append(keep, e)
			} else {
				carry = append(carry, e)
			}
		}
		recs, probs, err := s.store(region, span{lo, hi}, page, keep)
		if err != nil {
			return &Error{Region: region, Msg: err.Error(), Err: err}
		}
		u := update{records: recs, problems: append(problems, probs...), pages: 1}
		u.oldest = time.Unix(lo, 0)
		if last {
			u.oldest = time.Unix(g.from, 0)
		}
		send(u)
		hi = lo
		if last {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

// checkEvents takes the records out of a page, reporting events without a usable one.
func checkEvents(region string, page int, events []types.Event) ([]rawEvent, []cloudtrail.Problem) {
	out := make([]rawEvent, 0, len(events))
	var problems []cloudtrail.Problem
	for i, e := range events {
		raw := []byte(aws.ToString(e.CloudTrailEvent))
		if len(raw) == 0 || !json.Valid(raw) {
			problems = append(problems, cloudtrail.Problem{
				File: fmt.Sprintf("LookupEvents %s page %d", region, page), Record: i + 1,
				Reason: fmt.Sprintf("event %s: CloudTrailEvent is not a JSON record", aws.ToString(e.EventId)),
			})
			continue
		}
		var t int64
		if e.EventTime != nil {
			t = e.EventTime.Unix()
		} else if r, err := cloudtrail.DecodeRecord(raw); err == nil {
			t = r.Time.Unix()
		}
		out = append(out, rawEvent{t: t, raw: raw})
	}
	return out, problems
}

// store keeps a page's events (in the cache, split at the settling time, or in memory) and returns
// them as records whose raw JSON is read back from where they are kept.
func (s *Session) store(region string, sp span, page int, events []rawEvent) ([]cloudtrail.Record, []cloudtrail.Problem, error) {
	if s.cache == nil {
		recs, probs := s.decode(region, events)
		return recs, probs, nil
	}
	settle := s.opt.Settle
	if settle == 0 {
		settle = DefaultSettle
	}
	cut := sp.to
	if settle > 0 {
		cut = min(cut, s.opt.Now().Add(-settle).Unix())
	}
	cut = max(cut, sp.from)
	var settled, recent [][]byte
	for _, e := range events {
		if e.t < cut {
			settled = append(settled, e.raw)
		} else {
			recent = append(recent, e.raw)
		}
	}
	var paths []string
	key := s.Attr.cacheKey()
	if settled != nil || cut > sp.from {
		p, err := s.cache.writePage(s.Account, region, key, span{sp.from, cut}, s.run, page, settled)
		if err != nil {
			return nil, nil, err
		}
		paths = append(paths, p)
	}
	if recent != nil {
		// Not yet complete: kept for this run's drill-down, not counted by the next run.
		p, err := s.cache.writePage(s.Account, region, key, span{cut, cut}, s.run, page, recent)
		if err != nil {
			return nil, nil, err
		}
		paths = append(paths, p)
	}
	if settled == nil && recent == nil {
		return nil, nil, nil
	}
	var recs []cloudtrail.Record
	var probs []cloudtrail.Problem
	err := archive.Read(context.Background(), paths, archive.Options{Workers: 1, Store: s.raw}, func(b cloudtrail.Batch) {
		recs = append(recs, b.Records...)
		probs = append(probs, b.Problems...)
	})
	return recs, probs, err
}

// decode turns events into records kept in memory, for runs without a cache.
func (s *Session) decode(region string, events []rawEvent) ([]cloudtrail.Record, []cloudtrail.Problem) {
	recs := make([]cloudtrail.Record, 0, len(events))
	var probs []cloudtrail.Problem
	for _, e := range events {
		r, err := cloudtrail.DecodeRecord(e.raw)
		if err != nil {
			probs = append(probs, cloudtrail.Problem{File: "LookupEvents " + region, Reason: err.Error()})
			continue
		}
		r.Raw = s.raw.Put(e.raw)
		recs = append(recs, r)
	}
	return recs, probs
}
