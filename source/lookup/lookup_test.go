package lookup

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/archive"

	"github.com/trailscope/trailscope/source/lookup/fakect"
)

func TestEveryEventArrivesOnce(t *testing.T) {
	awsEnv(t)
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"}
	served := fakect.Spread(invictusEvents(t), regions...)
	srv := fakeServer(t, fakect.Config{})
	srv.Serve(served)

	res := run(t, fastOptions(srv, regions...))
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantEvents(t, res, served)
	wantBulkRaw(t, res) // kept in memory, without a cache
	if len(res.problems) > 0 {
		t.Errorf("problems: %v", res.problems)
	}
	for _, r := range regions {
		// 725 events a region: 15 pages. (Calls, not requests: against a fast local server the SDK
		// sometimes retries a response it failed to read, "use of closed network connection".)
		if n := srv.Calls("LookupEvents", r); n != 15 {
			t.Errorf("%s: %d LookupEvents calls, want 15", r, n)
		}
	}
	p := res.last()
	if !p.Done || p.Records != 2900 {
		t.Errorf("last progress = %+v, want Done with 2900 records", p)
	}
	t.Logf("detail: %s", p.Detail)
	t.Logf("ops: %v", srv.Ops())
}

func TestCacheAnswersASecondRun(t *testing.T) {
	awsEnv(t)
	regions := []string{"us-east-1", "eu-west-1"}
	events := invictusEvents(t)
	// The server knows the first 2,400 events (newest first: the latest ones arrive later).
	srv := fakeServer(t, fakect.Config{})
	newer, older := events[:0:0], events[:0:0]
	cut := dataNow.Add(-35 * time.Minute) // 12:25
	for _, e := range events {
		if e.Time.Before(cut) {
			older = append(older, e)
		} else {
			newer = append(newer, e)
		}
	}
	servedOld := fakect.Spread(older, regions...)
	srv.Serve(servedOld)

	opt := fastOptions(srv, regions...)
	opt.NoCache = false
	opt.CacheDir = filepath.Join(t.TempDir(), "trailscope", "lookup")
	opt.Since, opt.Until = "2023-07-10T11:30:00Z", "2023-07-10T12:25:00Z"

	first := run(t, opt)
	if first.err != nil {
		t.Fatal(first.err)
	}
	wantEvents(t, first, servedOld)
	if srv.Calls("LookupEvents", "") == 0 {
		t.Fatal("the first run made no requests")
	}

	// The same window again: all from the cache, no request.
	srv.Reset()
	second := run(t, opt)
	if second.err != nil {
		t.Fatal(second.err)
	}
	wantEvents(t, second, servedOld)
	if n := srv.Count("LookupEvents", ""); n != 0 {
		t.Errorf("the second run made %d LookupEvents requests, want 0", n)
	}
	if d := second.last().Detail; !strings.Contains(d, "from cache") {
		t.Errorf("detail %q does not mention the cache", d)
	}

	// Newer events have arrived; a wider window fetches only what is missing: the newer part
	// (one page per region: 250 events spread over two) and the older gap (empty: one request each).
	srv.Serve(fakect.Spread(newer, regions...))
	srv.Reset()
	opt.Since, opt.Until = "2023-07-10T11:00:00Z", "2023-07-10T13:00:00Z"
	third := run(t, opt)
	if third.err != nil {
		t.Fatal(third.err)
	}
	all := fakect.Spread(older, regions...)
	for r, evs := range fakect.Spread(newer, regions...) {
		all[r] = append(all[r], evs...)
	}
	wantEvents(t, third, all)
	wantBulkRaw(t, third) // pages read back from the cache and pages fetched now
	perRegion := len(newer) / len(regions)
	want := (perRegion+PageSize-1)/PageSize + 1
	for _, r := range regions {
		if n := srv.Calls("LookupEvents", r); n != want {
			t.Errorf("%s: the third run made %d requests, want %d (the newer pages and the empty older gap)", r, n, want)
		}
	}
	for _, req := range srv.Requests() {
		if req.Op == "LookupEvents" && !req.Start.IsZero() && req.Start.Before(dataNow.Add(-2*time.Hour)) && req.End.After(dataNow.Add(-90*time.Minute)) {
			t.Errorf("request for %s..%s overlaps the cached window", req.Start, req.End)
		}
	}
}

func TestCacheFilesArePrivateArchives(t *testing.T) {
	awsEnv(t)
	served := map[string][]fakect.Event{"us-east-1": invictusEvents(t)}
	srv := fakeServer(t, fakect.Config{})
	srv.Serve(served)
	opt := fastOptions(srv, "us-east-1")
	opt.NoCache = false
	opt.CacheDir = "" // the default: os.UserCacheDir, here XDG_CACHE_HOME
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	root, err := DefaultCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(root, os.Getenv("XDG_CACHE_HOME")) {
		t.Fatalf("cache dir %s is not under XDG_CACHE_HOME", root)
	}
	files := 0
	filepath.WalkDir(filepath.Dir(root), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		switch {
		case d.IsDir() && info.Mode().Perm() != 0o700:
			t.Errorf("%s is %v, want 0700", path, info.Mode().Perm())
		case !d.IsDir() && info.Mode().Perm() != 0o600:
			t.Errorf("%s is %v, want 0600", path, info.Mode().Perm())
		case !d.IsDir():
			files++
		}
		return nil
	})
	if files == 0 {
		t.Fatal("nothing cached")
	}
	// Ordinary CloudTrail archives: the archive reader reads the cache folder as it would any logs.
	idx := index.New()
	var problems []cloudtrail.Problem
	err = archive.Read(context.Background(), []string{root}, archive.Options{}, func(b cloudtrail.Batch) {
		idx.Add(b.Records)
		problems = append(problems, b.Problems...)
	})
	if err != nil || len(problems) > 0 {
		t.Fatalf("reading the cache as archives: %v %v", err, problems)
	}
	if idx.Len() != len(served["us-east-1"]) {
		t.Errorf("the cache holds %d events, want %d", idx.Len(), len(served["us-east-1"]))
	}
	// Drill-down reads the raw record back from the cache file.
	raw, err := res.index.Raw(0)
	if err != nil || !json.Valid(raw) {
		t.Errorf("raw record: %v %.80s", err, raw)
	}

	c := &Cache{Root: root}
	n, size, err := c.Clear()
	if err != nil || n != files || size == 0 {
		t.Errorf("Clear() = %d, %d, %v; want %d files", n, size, err, files)
	}
	if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the cache still exists after Clear: %v", err)
	}
}

func TestThrottlingIsSurvived(t *testing.T) {
	awsEnv(t)
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"}
	served := fakect.Spread(invictusEvents(t), regions...)
	for seed := range uint64(3) {
		srv := fakeServer(t, fakect.Config{ThrottleRate: 0.2, ErrorRate: 0.05, Seed: seed})
		srv.Serve(served)
		res := run(t, fastOptions(srv, regions...))
		if res.err != nil || len(res.problems) > 0 {
			t.Fatalf("seed %d: %v %v", seed, res.err, res.problems)
		}
		wantEvents(t, res, served)
		throttled := 0
		for _, req := range srv.Requests() {
			if req.Code == "ThrottlingException" {
				throttled++
			}
		}
		counted := 0
		for _, st := range res.session.Stats() {
			counted += st.Throttles
		}
		if throttled == 0 || counted != throttled {
			t.Errorf("seed %d: server throttled %d requests, the session counted %d", seed, throttled, counted)
		}
		if d := res.last().Detail; !strings.Contains(d, "throttled") {
			t.Errorf("detail %q does not mention throttling", d)
		}
	}
}

// TestPacingStaysUnderTheLimit runs four regions against a server that throttles past 10 requests
// per second per region (a tenth of the real pace's duration): the limiter must never trip it.
func TestPacingStaysUnderTheLimit(t *testing.T) {
	awsEnv(t)
	const limit = 10.0
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"}
	served := fakect.Spread(invictusEvents(t)[:1200], regions...) // 6 pages a region
	srv := fakeServer(t, fakect.Config{Rate: limit, Burst: 2})
	srv.Serve(served)
	opt := fastOptions(srv, regions...)
	opt.Rate = limit
	started := time.Now()
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantEvents(t, res, served)
	byRegion := map[string][]time.Time{}
	for _, req := range srv.Requests() {
		if req.Op != "LookupEvents" {
			continue
		}
		if req.Code != "" {
			t.Errorf("%s: request at %s failed: %s", req.Region, req.At.Format("15:04:05.000"), req.Code)
		}
		byRegion[req.Region] = append(byRegion[req.Region], req.At)
	}
	for _, r := range regions {
		at := byRegion[r]
		if len(at) < 6 {
			t.Fatalf("%s: %d requests", r, len(at))
		}
		// n requests paced at the limit leave the client over at least (n-1)/limit, counted from
		// before the run: a slow machine only makes that longer. (The span between the first and
		// the last arrival could be shorter: the first request may reach the server late.)
		least := time.Duration(float64(len(at)-1) / limit * float64(time.Second))
		if took := at[len(at)-1].Sub(started); took < least-time.Millisecond {
			t.Errorf("%s: %d requests within %v of the start, faster than %v per second", r, len(at), took, limit)
		}
	}
}

// TestUnpacedClientIsThrottled checks the other side: a client that ignores the limit is throttled
// by the server, and the SDK's retries still bring every event.
func TestUnpacedClientIsThrottled(t *testing.T) {
	awsEnv(t)
	served := map[string][]fakect.Event{"us-east-1": invictusEvents(t)[:150]} // 3 pages
	// One request a second, no burst: the client asks for the next page as soon as the last one
	// arrives, which only a machine that takes a second per request would not exceed.
	srv := fakeServer(t, fakect.Config{Rate: 1, Burst: 1})
	srv.Serve(served)
	opt := fastOptions(srv, "us-east-1")
	opt.Rate = 10000
	opt.RetryBase = 20 * time.Millisecond
	opt.MaxAttempts = 20
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantEvents(t, res, served)
	if st := res.session.Stats()["us-east-1"]; st.Throttles == 0 {
		t.Errorf("an unpaced client was never throttled: %+v", st)
	}
}

// TestInterruptedRunResumes stops a run after a few pages; the next run reads those pages from the
// cache and fetches the rest, each event exactly once.
func TestInterruptedRunResumes(t *testing.T) {
	awsEnv(t)
	served := map[string][]fakect.Event{"us-east-1": invictusEvents(t)}
	srv := fakeServer(t, fakect.Config{})
	srv.Serve(served)
	opt := fastOptions(srv, "us-east-1")
	opt.NoCache = false
	opt.CacheDir = t.TempDir()
	opt.Rate = 100

	ctx, cancel := context.WithCancel(context.Background())
	s, err := Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	err = s.Run(ctx, func(b cloudtrail.Batch) {
		got += len(b.Records)
		if got >= 300 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel = %v, want context.Canceled", err)
	}
	if n := srv.Calls("LookupEvents", ""); n >= 58 {
		t.Fatalf("the run was not interrupted: %d calls", n)
	}
	files, err := (&Cache{Root: opt.CacheDir}).files(s.Account, "us-east-1", []string{"all"})
	if err != nil || len(files) == 0 {
		t.Fatalf("nothing cached: %v", err)
	}
	cov := coverage(files)

	// The next run asks a server of its own, serving the same: the cancelled request of the first
	// run may reach the first server at any time after the cancel, and would count as the second's.
	srv = fakeServer(t, fakect.Config{})
	srv.Serve(served)
	opt.Endpoint = srv.URL
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantEvents(t, res, served)
	cached := res.session.Stats()["us-east-1"].Cached
	if cached < 250 {
		t.Errorf("the second run read %d events from the cache, want the 300 or more the first run got", cached)
	}
	// The rest, paged afresh (+1 for a page boundary that moved), and nothing the cache covers.
	if n, want := srv.Calls("LookupEvents", ""), (2900-cached+PageSize-1)/PageSize; n > want+1 {
		t.Errorf("%d calls for the %d events not cached, want %d", n, 2900-cached, want)
	}
	for _, req := range srv.Requests() {
		for _, c := range cov {
			if req.Op == "LookupEvents" && req.Start.Unix() < c.to && c.from <= req.End.Unix() {
				t.Errorf("request for %s..%s overlaps the cached %s..%s", req.Start, req.End, time.Unix(c.from, 0), time.Unix(c.to, 0))
			}
		}
	}
}

// TestRecentEventsAreFetchedAgain: CloudTrail may still add events to the last minutes, so the
// cache does not count them as complete.
func TestRecentEventsAreFetchedAgain(t *testing.T) {
	awsEnv(t)
	served := map[string][]fakect.Event{"us-east-1": invictusEvents(t)}
	srv := fakeServer(t, fakect.Config{})
	srv.Serve(served)
	opt := fastOptions(srv, "us-east-1")
	opt.NoCache = false
	opt.CacheDir = t.TempDir()
	opt.Settle = 15 * time.Minute
	opt.Now = func() time.Time { return time.Date(2023, 7, 10, 12, 40, 0, 0, time.UTC) }
	if res := run(t, opt); res.err != nil {
		t.Fatal(res.err)
	}
	recent := 0
	for _, e := range served["us-east-1"] {
		if !e.Time.Before(time.Date(2023, 7, 10, 12, 25, 0, 0, time.UTC)) {
			recent++
		}
	}
	srv.Reset()
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantEvents(t, res, served)
	if n, want := srv.Calls("LookupEvents", ""), (recent+PageSize-1)/PageSize; n != want {
		t.Errorf("%d requests, want %d: the last 15 minutes (%d events) again, nothing else", n, want, recent)
	}
}
