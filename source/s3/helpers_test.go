package s3

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/s3/fakes3"
	"github.com/trailscope/trailscope/source/scope"
)

const (
	testKey    = "AKIDTRAILSCOPES3TEST"
	testSecret = "s3-test-secret"
	bucket     = "trail-bucket"
)

// newFakeS3 starts a fake S3 endpoint holding the test bucket, empty.
func newFakeS3(t testing.TB) *fakes3.Server {
	t.Helper()
	f, err := fakes3.New(bucket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// trail is a fakes3.Trail that fails the test rather than return errors.
type trail struct {
	*fakes3.Trail
	t testing.TB
}

func newTrail(t testing.TB, f *fakes3.Server) *trail {
	return &trail{Trail: &fakes3.Trail{S: f, Bucket: bucket}, t: t}
}

func (tr *trail) deliver(root, account, region string, when time.Time, name string, at ...time.Time) fakes3.Delivery {
	tr.t.Helper()
	d, err := tr.Deliver(root, account, region, when, name, at...)
	if err != nil {
		tr.t.Fatal(err)
	}
	return d
}

func (tr *trail) week(root string, accounts, regions []string) {
	tr.t.Helper()
	if err := tr.Week(root, day4, accounts, regions); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *trail) put(key string, data []byte, gz bool) {
	tr.t.Helper()
	if err := tr.S.Put(bucket, key, data, gz); err != nil {
		tr.t.Fatal(err)
	}
}

var (
	day4 = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	day5 = day4.AddDate(0, 0, 1)
	// testNow is the clock of the tests: the files are from the week before.
	testNow = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
)

// session options for a test: the fake's endpoint through AWS_ENDPOINT_URL_S3 (as a user sets
// it), the test's clock, fast retries and a cache of its own.
func testOptions(t testing.TB, f *fakes3.Server, urls ...string) Options {
	t.Helper()
	home := awstest.Env(t, testKey, testSecret)
	t.Setenv("AWS_ENDPOINT_URL_S3", f.URL)
	return Options{
		URLs:          urls,
		Since:         "2024-03-04",
		Until:         "2024-03-05",
		CacheDir:      home + "/cache/trailscope/s3",
		ClientOptions: ClientOptions{RetryBase: time.Millisecond, MaxAttempts: 8},
		Now:           func() time.Time { return testNow },
	}
}

// result is what a run produced.
type result struct {
	session  *Session
	records  []cloudtrail.Record
	problems []cloudtrail.Problem
	batches  []cloudtrail.Batch
	err      error
}

func (r result) ids() map[string]bool {
	out := map[string]bool{}
	for _, rec := range r.records {
		out[rec.EventID] = true
	}
	return out
}

func (r result) last() cloudtrail.Progress {
	if len(r.batches) == 0 {
		return cloudtrail.Progress{}
	}
	return r.batches[len(r.batches)-1].Progress
}

// run opens a session and runs it to its end; an error of Open is the result's error.
func run(t testing.TB, opt Options) result {
	t.Helper()
	return runCtx(t, context.Background(), opt)
}

func runCtx(t testing.TB, ctx context.Context, opt Options) result {
	t.Helper()
	s, err := Open(ctx, opt)
	if err != nil {
		return result{err: err}
	}
	res := result{session: s}
	res.err = s.Run(ctx, func(b cloudtrail.Batch) {
		res.batches = append(res.batches, b)
		res.records = append(res.records, b.Records...)
		res.problems = append(res.problems, b.Problems...)
	})
	return res
}

// sameIDs reports the difference between the events read and those wanted.
func sameIDs(t testing.TB, got, want map[string]bool) {
	t.Helper()
	var missing, extra []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	if len(missing)+len(extra) > 0 {
		t.Errorf("read %d events, want %d: missing %d %.5v, extra %d %.5v", len(got), len(want), len(missing), missing, len(extra), extra)
	}
}

func regexpMust(re string) *regexp.Regexp { return regexp.MustCompile(re) }

func mustQuery(t testing.TB, text string) filter.Query {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func scopeWindow(from, to time.Time) scope.Window { return scope.Window{From: from, To: to} }
