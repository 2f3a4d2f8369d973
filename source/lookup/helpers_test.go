package lookup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/lookup/fakect"
)

// sharedData is the project's public test data, beside the project (see ../shared/data/README.md).
const sharedData = "../../../shared/data"

const (
	testKey    = "AKIDTRAILSCOPETEST01"
	testSecret = "c2VjcmV0LWtleS1mb3ItdHJhaWxzY29wZS10ZXN0cw"
)

// dataNow is "now" for tests on the Invictus dataset, whose 2,900 events span 2023-07-10 11:42 to 12:37 UTC.
var dataNow = time.Date(2023, 7, 10, 13, 0, 0, 0, time.UTC)

var invictus = sync.OnceValues(func() ([]fakect.Event, error) {
	return fakect.Load(filepath.Join(sharedData, "invictus_aws_dataset", "CloudTrail"))
})

// invictusEvents returns the Invictus dataset's events, or skips when the shared data is absent.
func invictusEvents(t testing.TB) []fakect.Event {
	t.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("no shared test data at %s (see its README): %v", sharedData, err)
	}
	evs, err := invictus()
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// awsEnv gives the test an AWS environment of its own (awstest.Env).
func awsEnv(t testing.TB) {
	t.Helper()
	awstest.Env(t, testKey, testSecret)
}

// fakeServer starts a server that checks signatures against the test credentials.
func fakeServer(t testing.TB, cfg fakect.Config) *fakect.Server {
	t.Helper()
	cfg.AccessKey, cfg.SecretKey = testKey, testSecret
	s := fakect.New(cfg)
	t.Cleanup(s.Close)
	return s
}

// fastOptions are options for a test against srv: a fast pace and short backoffs, no cache, the
// dataset's clock.
func fastOptions(srv *fakect.Server, regions ...string) Options {
	return Options{
		Regions:   regions,
		Since:     "3h",
		Endpoint:  srv.URL,
		Rate:      200,
		RetryBase: 2 * time.Millisecond,
		NoCache:   true,
		Settle:    -1,
		Now:       func() time.Time { return dataNow },
	}
}

// result is what a run produced.
type result struct {
	session  *Session
	index    *index.Index
	records  []cloudtrail.Record
	problems []cloudtrail.Problem
	batches  []cloudtrail.Batch
	err      error
}

func (r result) ids() map[string]int {
	m := map[string]int{}
	for _, rec := range r.records {
		m[rec.EventID]++
	}
	return m
}

func (r result) last() cloudtrail.Progress {
	if len(r.batches) == 0 {
		return cloudtrail.Progress{}
	}
	return r.batches[len(r.batches)-1].Progress
}

// run opens a session and runs it to the end.
func run(t testing.TB, opt Options) result {
	t.Helper()
	return runCtx(t, context.Background(), opt)
}

func runCtx(t testing.TB, ctx context.Context, opt Options) result {
	t.Helper()
	s, err := Open(ctx, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	res := result{session: s, index: index.New()}
	res.err = s.Run(ctx, func(b cloudtrail.Batch) {
		res.index.Add(b.Records)
		res.records = append(res.records, b.Records...)
		res.problems = append(res.problems, b.Problems...)
		b.Records = nil
		res.batches = append(res.batches, b)
	})
	return res
}

// wantEvents checks that every event served arrived exactly once.
func wantEvents(t testing.TB, res result, served map[string][]fakect.Event) {
	t.Helper()
	ids := res.ids()
	n := 0
	for region, evs := range served {
		for _, e := range evs {
			n++
			if ids[e.ID] != 1 {
				t.Errorf("%s: event %s arrived %d times, want 1", region, e.ID, ids[e.ID])
			}
		}
	}
	if len(res.records) != n {
		t.Errorf("%d records arrived, want %d", len(res.records), n)
	}
	if res.index.Len() != n {
		t.Errorf("index holds %d events, want %d", res.index.Len(), n)
	}
}

func fakectConfigAllRegions() fakect.Config {
	return fakect.Config{Regions: []string{"eu-west-1", "us-east-1"}}
}

// wantBulkRaw checks that the raw records of a run come back in bulk from one store, in time
// order, each the record Raw gives.
func wantBulkRaw(t testing.TB, res result) {
	t.Helper()
	refs := res.index.Query(filter.Query{}).Refs
	stores := map[cloudtrail.RawStore]bool{}
	for _, ref := range refs {
		stores[res.index.Record(ref).Raw.Store] = true
	}
	if len(stores) != 1 {
		t.Errorf("the session's records are in %d stores, want 1: a bulk read plans over them all", len(stores))
	}
	n := 0
	err := res.index.RawEach(context.Background(), refs, func(i int, raw []byte) error {
		want, err := res.index.Raw(refs[i])
		if err != nil {
			return err
		}
		if !bytes.Equal(raw, want) {
			t.Fatalf("position %d: RawEach gave %.60q, Raw %.60q", i, raw, want)
		}
		n++
		return nil
	})
	if err != nil || n != len(refs) {
		t.Errorf("RawEach: %v after %d of %d records", err, n, len(refs))
	}
}
