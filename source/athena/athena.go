// Package athena reads CloudTrail events from an Athena table over a trail's bucket: Athena scans
// the partitions of the window (and the regions and accounts asked for) and applies the filter's
// terms that SQL can say, and the rows stream into the index as GetQueryResults pages arrive,
// rebuilt into CloudTrail's JSON shape, so that a month of an organization's trail is narrowed in
// the cloud and investigated here.
//
// trailscope only reads: GetTableMetadata and GetWorkGroup (what the table and the workgroup are),
// StartQueryExecution with one SELECT, GetQueryExecution, GetQueryResults, StopQueryExecution (its
// own query, when cancelled), and cloudtrail:DescribeTrails (the trail's bucket, for the DDL of a
// missing table). Athena itself writes each query's results to the workgroup's output location.
package athena

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/awsconf"
	"github.com/trailscope/trailscope/source/cachedir"
	"github.com/trailscope/trailscope/source/scope"
)

// Options says which table to read, which part of it, and how.
type Options struct {
	Table          string // [CATALOG.]DATABASE.TABLE
	WorkGroup      string // DefaultWorkGroup when empty
	OutputLocation string // s3://... for the query's results, when the workgroup has none
	Since, Until   string // the window, as --lookup takes it; empty: the last 24 hours, or the filter's since:/until:
	Regions        []string
	Accounts       []string // accounts to read (12 digits), "-ID" to leave one out
	Query          filter.Query
	Limit          int  // rows at most; DefaultLimit when 0
	NoCache        bool // neither read nor write the cache of results
	CacheDir       string
	AWS            awsconf.Options // the profile, and for tests an endpoint

	// Poll is the first wait between GetQueryExecution calls (DefaultPoll when 0); it grows to
	// maxPoll while the query runs.
	Poll time.Duration
	// DeliveryMargin: DefaultDeliveryMargin when 0.
	DeliveryMargin time.Duration
	// PageSize is the rows of a GetQueryResults page (PageSize when 0).
	PageSize int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Log receives a line for each thing worth keeping: the query's ID when it starts, how it
	// ended, where results came from. nil: nothing is said.
	Log func(string)
}

// Defaults.
const (
	DefaultWorkGroup = "primary"
	DefaultLimit     = 100_000
	DefaultPoll      = 250 * time.Millisecond
	maxPoll          = 2 * time.Second
	// PageSize is the most rows GetQueryResults returns at once.
	PageSize = 1000
	// PricePerTB is Athena's price per terabyte scanned (US regions, 2024); queries are billed per
	// MB with a 10 MB minimum.
	PricePerTB = 5.0
	minBilled  = 10 << 20
)

// Session is a query that is ready to run: the table read, the workgroup checked, the SQL written.
// Open makes one; Run fetches.
type Session struct {
	Table     *Table
	Plan      Plan
	Region    string // where Athena runs: the configured region
	WorkGroup string
	Output    string // the output location given, or the workgroup's
	From, To  time.Time
	Notes     []string

	opt    Options
	client athenaAPI
	cache  *cachedir.Dir // nil with NoCache
	key    string        // the cache folder of this SQL
	mem    *archive.Store

	mu    sync.Mutex
	stats Stats
}

// Stats is what a run has done so far.
type Stats struct {
	QueryID      string
	State        string // QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED; "cache" when read from the cache
	Rows         int    // rows received
	Pages        int
	Scanned      int64 // bytes Athena scanned
	LimitReached bool
}

// Cost is what scanning so much costs at PricePerTB, with Athena's 10 MB minimum.
func Cost(scanned int64) float64 {
	return float64(max(scanned, minBilled)) / 1e12 * PricePerTB
}

// Open reads the table's definition and the workgroup's, resolves the window, the regions and the
// accounts, and writes the SQL, so that every mistake is reported before anything runs. Errors are
// *Error or *awsconf.Error.
func Open(ctx context.Context, opt Options) (*Session, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.WorkGroup = cmp.Or(opt.WorkGroup, DefaultWorkGroup)
	if opt.Limit <= 0 {
		opt.Limit = DefaultLimit
	}
	if opt.DeliveryMargin == 0 {
		opt.DeliveryMargin = DefaultDeliveryMargin
	}
	name, err := ParseTableName(opt.Table)
	if err != nil {
		return nil, &Error{Kind: ErrUsage, Msg: err.Error()}
	}
	if opt.OutputLocation != "" && !strings.HasPrefix(opt.OutputLocation, "s3://") {
		return nil, &Error{Kind: ErrUsage, Msg: fmt.Sprintf("--output-location %q: want an S3 URL, s3://BUCKET/PREFIX/", abbreviate(opt.OutputLocation, 80))}
	}
	now := opt.Now()
	w, err := scope.ParseWindow(opt.Since, opt.Until, opt.Query, now)
	if err != nil {
		return nil, &Error{Kind: ErrUsage, Msg: err.Error()}
	}
	from, to := w.From, w.To
	sc := Scope{From: from, To: to, Limit: opt.Limit, DeliveryMargin: opt.DeliveryMargin}
	regions, err := scope.ParseRegions(opt.Regions)
	if err != nil {
		return nil, &Error{Kind: ErrUsage, Msg: err.Error()}
	}
	allow, deny := scope.FilterRegions(opt.Query)
	sc.Regions, sc.NotRegions = choice(scope.Choose(regions, allow, deny))
	accounts, err := scope.ParseAccounts(opt.Accounts)
	if err != nil {
		return nil, &Error{Kind: ErrUsage, Msg: err.Error()}
	}
	allow, deny = scope.FilterAccounts(opt.Query)
	sc.Accounts, sc.NotAccounts = choice(scope.Choose(accounts, allow, deny))
	cfg, err := awsconf.Load(ctx, opt.AWS)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		return nil, &Error{Kind: ErrUsage, Msg: "no AWS region configured: Athena runs in the region of your table's catalog; " +
			"set AWS_REGION or the profile's region (--region names the trail's regions to read)"}
	}
	s := &Session{opt: opt, client: newAthenaClient(cfg), Region: cfg.Region, WorkGroup: opt.WorkGroup,
		Output: opt.OutputLocation, From: from, To: to, mem: archive.NewStore()}
	if err := s.readTable(ctx, cfg, name); err != nil {
		return nil, err
	}
	if err := s.checkWorkGroup(ctx); err != nil {
		return nil, err
	}
	s.Plan = BuildPlan(s.Table, sc, opt.Query)
	s.Notes = append(s.Notes, s.Plan.Notes...)
	if !opt.NoCache {
		dir := opt.CacheDir
		if dir == "" {
			if dir, err = DefaultCacheDir(); err != nil {
				return nil, err
			}
		}
		s.cache = &cachedir.Dir{Root: dir}
		s.key = cacheKey(s.Region, name, s.Table.Location, s.Plan.SQL)
	}
	return s, nil
}

// choice is a scope.Choice as lists: the names to keep (nil: any; empty: none) and, sorted, those
// to leave out.
func choice(c scope.Choice) (only, not []string) {
	for n := range c.Not {
		not = append(not, n)
	}
	slices.Sort(not)
	if c.Only != nil {
		only = slices.DeleteFunc(slices.Clone(c.Only), func(n string) bool { return c.Not[n] })
		if only == nil {
			only = []string{}
		}
	}
	return only, not
}

// DefaultCacheDir is where Athena's results are kept: trailscope/athena in the user's cache
// directory.
func DefaultCacheDir() (string, error) { return cachedir.Default("athena") }

// readTable reads the table's definition; a table that does not exist gets the DDL to create it.
func (s *Session) readTable(ctx context.Context, cfg aws.Config, name TableName) error {
	out, err := s.client.GetTableMetadata(ctx, &athena.GetTableMetadataInput{
		CatalogName: aws.String(name.Catalog), DatabaseName: aws.String(name.Database), TableName: aws.String(name.Table),
	})
	if err != nil {
		if notFound(err) {
			tr := s.describeTrail(ctx, cfg)
			return &Error{Kind: ErrTableNotFound, Err: err, Msg: fmt.Sprintf("Athena has no table %s in %s (%s): create it over the trail's bucket "+
				"with this statement (from the Athena User Guide; run it in the Athena console, or `aws athena start-query-execution`), "+
				"then try again:\n\n%s", name, s.Region, shortMessage(err), DDL(name, tr, projectionStart(s.From)))}
		}
		return explain(err, permTable, s.opt.AWS.Profile)
	}
	if out.TableMetadata == nil {
		return &Error{Kind: ErrTableNotFound, Msg: fmt.Sprintf("Athena returned no definition of %s", name)}
	}
	t, err := newTable(name, out.TableMetadata)
	if err != nil {
		return err
	}
	s.Table = t
	return nil
}

// projectionStart is the first day a new table's partitions cover: the documentation's 2020/01/01,
// or the window's start when that is earlier. Projected days cost nothing until queried.
func projectionStart(from time.Time) time.Time {
	if doc := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC); from.After(doc) {
		return doc
	}
	return from
}

// notFound tells a missing table or database from other failures.
func notFound(err error) bool {
	var nf *types.MetadataException
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "not found") && (errors.As(err, &nf) || strings.Contains(msg, "entitynotfound") || strings.Contains(msg, "metadataexception"))
}

func shortMessage(err error) string {
	var me *types.MetadataException
	if errors.As(err, &me) {
		return me.ErrorMessage()
	}
	return err.Error()
}

// describeTrail finds the account's trail, for the DDL's location: the organization trail if there
// is one, else a multi-region one, else any. Failures leave placeholders.
func (s *Session) describeTrail(ctx context.Context, cfg aws.Config) Trail {
	tr := Trail{Region: s.Region}
	out, err := newTrailsClient(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil || len(out.TrailList) == 0 {
		return tr
	}
	best := out.TrailList[0]
	for _, t := range out.TrailList {
		if aws.ToBool(t.IsOrganizationTrail) || (aws.ToBool(t.IsMultiRegionTrail) && !aws.ToBool(best.IsOrganizationTrail)) {
			best = t
			if aws.ToBool(t.IsOrganizationTrail) {
				break
			}
		}
	}
	tr.Name, tr.Bucket, tr.Prefix = aws.ToString(best.Name), aws.ToString(best.S3BucketName), aws.ToString(best.S3KeyPrefix)
	tr.Organization = aws.ToBool(best.IsOrganizationTrail)
	tr.Region = cmp.Or(aws.ToString(best.HomeRegion), s.Region)
	if parts := strings.Split(aws.ToString(best.TrailARN), ":"); len(parts) > 4 {
		tr.Account = parts[4]
	}
	return tr
}

// checkWorkGroup makes sure the query's results have somewhere to go.
func (s *Session) checkWorkGroup(ctx context.Context) error {
	out, err := s.client.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String(s.WorkGroup)})
	if err != nil {
		var ae *types.InvalidRequestException
		if errors.As(err, &ae) && strings.Contains(strings.ToLower(ae.ErrorMessage()), "not found") {
			return &Error{Kind: ErrWorkGroup, Err: err, Msg: fmt.Sprintf("Athena has no workgroup %q in %s: name one with --workgroup (the default is %s)",
				s.WorkGroup, s.Region, DefaultWorkGroup)}
		}
		e := explain(err, permWG, s.opt.AWS.Profile)
		if errors.Is(e, ErrAccessDenied) {
			// Not knowing the workgroup's settings is no reason to stop: the query says if it lacks
			// a result location.
			s.Notes = append(s.Notes, "could not read the workgroup's settings ("+permWG+" denied)")
			return nil
		}
		return e
	}
	var wgOut string
	managed, enforced := false, false
	if wg := out.WorkGroup; wg != nil && wg.Configuration != nil {
		c := wg.Configuration
		if c.ResultConfiguration != nil {
			wgOut = aws.ToString(c.ResultConfiguration.OutputLocation)
		}
		managed = c.ManagedQueryResultsConfiguration != nil && c.ManagedQueryResultsConfiguration.Enabled
		enforced = aws.ToBool(c.EnforceWorkGroupConfiguration)
		if wg.State == types.WorkGroupStateDisabled {
			return &Error{Kind: ErrWorkGroup, Msg: fmt.Sprintf("Athena workgroup %q is disabled: enable it or name another with --workgroup", s.WorkGroup)}
		}
	}
	switch {
	case s.Output == "" && wgOut == "" && !managed:
		return &Error{Kind: ErrNoOutputLocation, Msg: noOutputLocation(s.WorkGroup)}
	case s.Output != "" && enforced && wgOut != "":
		s.Notes = append(s.Notes, fmt.Sprintf("workgroup %s enforces its own result location (%s): --output-location is ignored", s.WorkGroup, wgOut))
		s.Output = wgOut
	case s.Output == "":
		s.Output = wgOut
	}
	return nil
}

// Describe names the source in a few words, for titles.
func (s *Session) Describe() string {
	return fmt.Sprintf("Athena %s (%s)", s.Table.Name, s.Region)
}

// Banner says what the title does not: the window, where each filter term runs, the notes, and
// the SQL's conditions.
func (s *Session) Banner() string {
	to := s.To.Format("2006-01-02 15:04Z")
	if s.To.Format(time.DateOnly) == s.From.Format(time.DateOnly) {
		to = s.To.Format("15:04Z")
	}
	parts := []string{fmt.Sprintf("Athena %s to %s, workgroup %s", s.From.Format("2006-01-02 15:04Z"), to, s.WorkGroup)}
	if w := s.Placements(); w != "" {
		parts = append(parts, w)
	}
	parts = append(parts, s.Notes...)
	if where := s.Where(); where != "" {
		parts = append(parts, "SQL: WHERE "+where)
	}
	return strings.Join(parts, "; ")
}

// Placements says in one line where the filter's terms run: "in Athena: event:X; narrowed in
// Athena, finished here: resource:Y; here: -principal:z".
func (s *Session) Placements() string {
	var parts []string
	for _, p := range []Placement{Exact, InWindow, Narrowed, Local} {
		var terms []string
		for _, t := range s.Plan.Terms {
			if t.Where == p {
				terms = append(terms, t.Term)
			}
		}
		if len(terms) > 0 {
			parts = append(parts, p.String()+": "+strings.Join(terms, " "))
		}
	}
	return strings.Join(parts, "; ")
}

// Where is the SQL's WHERE clause on one line.
func (s *Session) Where() string {
	_, where, ok := strings.Cut(s.Plan.SQL, "\nWHERE ")
	if !ok {
		return ""
	}
	where, _, _ = strings.Cut(where, "\nORDER BY")
	return strings.ReplaceAll(where, "\n  AND ", " AND ")
}

// Stats returns what the run has done so far.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Session) update(f func(*Stats)) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.stats)
	return s.stats
}

func (s *Session) log(format string, args ...any) {
	if s.opt.Log != nil {
		s.opt.Log(fmt.Sprintf(format, args...))
	}
}
