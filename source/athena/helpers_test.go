package athena_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/athena"
	"github.com/trailscope/trailscope/source/athena/fakeathena"
)

// The tests' table: fakeathena.IncidentRecords.
var (
	testNow   = time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	targetID  = fakeathena.IncidentEventID
	targetArn = fakeathena.IncidentInstance
	fixture   = fakeathena.IncidentRecords
)

func records(t testing.TB) [][]byte {
	t.Helper()
	recs, err := fixture()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// server starts a stand-in for Athena with the tests' table as security.cloudtrail, laid out as
// layout, and points the test's AWS environment at it.
func server(t testing.TB, cfg fakeathena.Config, layout fakeathena.Layout) *fakeathena.Server {
	t.Helper()
	srv, err := fakeathena.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if err := srv.CreateTable(fakeathena.Table{Database: "security", Name: "cloudtrail", Layout: layout}, records(t)); err != nil {
		t.Fatal(err)
	}
	srv.Setenv(t)
	return srv
}

// options reads 4 March 2024 of the tests' table.
func options(t testing.TB, text string) athena.Options {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	return athena.Options{Table: "security.cloudtrail", Since: "2024-03-04", Until: "2024-03-05", Query: q,
		NoCache: true, Now: func() time.Time { return testNow }, Poll: time.Millisecond}
}

// result is what a run gave.
type result struct {
	s     *athena.Session
	idx   *index.Index
	batch []cloudtrail.Batch
	err   error
}

func run(t testing.TB, ctx context.Context, opt athena.Options) result {
	t.Helper()
	s, err := athena.Open(ctx, opt)
	if err != nil {
		return result{err: err}
	}
	res := result{s: s, idx: index.New()}
	res.err = s.Run(ctx, func(b cloudtrail.Batch) {
		res.idx.Add(b.Records)
		res.batch = append(res.batch, b)
	})
	return res
}

// ids are the event IDs of the events of an index that a filter matches.
func ids(idx *index.Index, q filter.Query) map[string]bool {
	out := map[string]bool{}
	for _, ref := range idx.Query(q).Refs {
		out[idx.Record(ref).EventID] = true
	}
	return out
}

// local is the index of every record of the table, the answer Athena's must agree with.
var local = sync.OnceValue(func() *index.Index {
	idx := index.New()
	recs, _ := fixture()
	var batch []cloudtrail.Record
	for _, raw := range recs {
		if r, err := cloudtrail.DecodeRecord(raw); err == nil {
			batch = append(batch, r)
		}
	}
	idx.Add(batch)
	return idx
})
