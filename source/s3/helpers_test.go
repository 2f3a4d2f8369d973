package s3

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/awsconf/awstest"
)

const (
	testKey    = "AKIDTRAILSCOPES3TEST"
	testSecret = "s3-test-secret"
	bucket     = "trail-bucket"
)

// request is one request the fake S3 received, as the AWS operation it is.
type request struct {
	Op         string // ListObjectsV2, GetObject, HeadObject, GetBucketLocation, or "other: METHOD PATH"
	Bucket     string
	Key        string
	Prefix     string
	Delimiter  string
	StartAfter string
	Token      bool   // a continuation token: a later page
	Region     string // the region the request was signed for
}

// fakeS3 is an S3 server on the loopback interface: gofakes3 over an in-memory backend, behind a
// handler that records each request and can answer some with a failure instead.
type fakeS3 struct {
	URL     string
	backend *s3mem.Backend

	mu   sync.Mutex
	reqs []request
	// fail, when set, may answer a request instead of gofakes3: it writes the response and returns true.
	fail func(w http.ResponseWriter, r request) bool
}

var signedRegion = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([^/]+)/s3/`)

func newFakeS3(t testing.TB) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New()}
	faker := gofakes3.New(f.backend).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := classify(r)
		f.mu.Lock()
		f.reqs = append(f.reqs, req)
		fail := f.fail
		f.mu.Unlock()
		if fail != nil && fail(w, req) {
			return
		}
		faker.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	if err := f.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	return f
}

// classify names the operation of a path-style request.
func classify(r *http.Request) request {
	path := strings.TrimPrefix(r.URL.Path, "/")
	b, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	req := request{Bucket: b, Key: key, Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		StartAfter: q.Get("start-after"), Token: q.Has("continuation-token")}
	if m := signedRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.Region = m[1]
	}
	switch {
	case r.Method == http.MethodGet && key == "" && q.Has("location"):
		req.Op = "GetBucketLocation"
	case r.Method == http.MethodGet && key == "" && q.Get("list-type") == "2":
		req.Op = "ListObjectsV2"
	case r.Method == http.MethodGet && key != "" && len(q) == 0 || r.Method == http.MethodGet && key != "" && q.Has("x-id"):
		req.Op = "GetObject"
	case r.Method == http.MethodHead && key != "":
		req.Op = "HeadObject"
	default:
		req.Op = "other: " + r.Method + " " + r.URL.String()
	}
	return req
}

// failWith sets the fake's fail function.
func (f *fakeS3) failWith(fail func(w http.ResponseWriter, r request) bool) {
	f.mu.Lock()
	f.fail = fail
	f.mu.Unlock()
}

// requests returns the requests so far and forgets them.
func (f *fakeS3) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.reqs
	f.reqs = nil
	return out
}

func countOp(reqs []request, op string) int {
	n := 0
	for _, r := range reqs {
		if r.Op == op {
			n++
		}
	}
	return n
}

// s3Error writes an S3 error response.
func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>1</RequestId></Error>`, code, msg)
}

// event is one record a delivery file holds.
type event struct {
	ID      string
	At      time.Time
	Name    string
	Account string
	Region  string
}

// delivery is a file put in the bucket, and what it holds.
type delivery struct {
	Key    string
	Events []event
}

// trail writes delivery files into the fake bucket as CloudTrail names them, and remembers them.
type trail struct {
	t     testing.TB
	f     *fakeS3
	files []delivery
	n     int
}

// deliver puts a file delivered at when, under root ("AWSLogs/" or "AWSLogs/o-.../"), for the
// account and region, holding events at the given times (named name).
func (tr *trail) deliver(root, account, region string, when time.Time, name string, at ...time.Time) delivery {
	tr.t.Helper()
	d := delivery{Key: fmt.Sprintf("%s%s/CloudTrail/%s/%s%s_CloudTrail_%s_%s_%016d.json.gz", root, account, region,
		when.UTC().Format("2006/01/02/"), account, region, when.UTC().Format("20060102T1504Z"), tr.n)}
	var recs []string
	for _, a := range at {
		tr.n++
		e := event{ID: fmt.Sprintf("ev-%06d", tr.n), At: a.UTC(), Name: name, Account: account, Region: region}
		d.Events = append(d.Events, e)
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.08","eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":%q,`+
			`"awsRegion":%q,"recipientAccountId":%q,"eventID":%q,"eventType":"AwsApiCall","readOnly":false,`+
			`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::%s:user/alice","accountId":%q,"userName":"alice"},`+
			`"sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15"}`,
			e.At.Format(time.RFC3339), name, region, account, e.ID, account, account))
	}
	tr.put(d.Key, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`), true)
	tr.files = append(tr.files, d)
	return d
}

// put stores an object, gzipped when asked.
func (tr *trail) put(key string, data []byte, gz bool) {
	tr.t.Helper()
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		data = buf.Bytes()
	}
	if _, err := tr.f.backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		tr.t.Fatal(err)
	}
}

// want returns the IDs of the events that match: in the window, and allowed by keep.
func (tr *trail) want(from, to time.Time, keep func(event) bool) map[string]bool {
	out := map[string]bool{}
	for _, d := range tr.files {
		for _, e := range d.Events {
			if !e.At.Before(from) && !e.At.After(to) && (keep == nil || keep(e)) {
				out[e.ID] = true
			}
		}
	}
	return out
}

var (
	day4 = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	day5 = day4.AddDate(0, 0, 1)
	// testNow is the clock of the tests: the files are from the week before.
	testNow = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
)

// week delivers, for each account and region, a file every two hours from March 2 to March 7,
// each with two events (5 and 12 minutes before delivery), and some TerminateInstances; plus a
// digest file beside, which is never read.
func (tr *trail) week(root string, accounts, regions []string) {
	for _, a := range accounts {
		for _, r := range regions {
			for at := day4.AddDate(0, 0, -2); at.Before(day4.AddDate(0, 0, 4)); at = at.Add(2 * time.Hour) {
				name := "DescribeInstances"
				if at.Hour() == 10 {
					name = "TerminateInstances"
				}
				tr.deliver(root, a, r, at, name, at.Add(-5*time.Minute), at.Add(-12*time.Minute))
			}
			digest := fmt.Sprintf("%s%s/CloudTrail-Digest/%s/2024/03/04/%s_CloudTrail-Digest_%s_trail_%s_20240304T010000Z.json.gz", root, a, r, a, r, r)
			tr.put(digest, []byte(`{"awsAccountId":"`+a+`","logFiles":[]}`), true)
		}
	}
}

// session options for a test: the fake's endpoint through AWS_ENDPOINT_URL_S3 (as a user sets
// it), the test's clock, fast retries and a cache of its own.
func testOptions(t testing.TB, f *fakeS3, urls ...string) Options {
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
