package s3

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/awsconf"
	"github.com/trailscope/trailscope/source/s3/fakes3"
)

var (
	plainAccounts = []string{"111122223333"}
	orgAccounts   = []string{"222233334444", "555566667777"}
	regions       = []string{"us-east-1", "eu-west-1"}
)

// TestPlainTrail reads a plain trail's window: every event of the window from both regions, none
// from outside it (the files delivered just after the window hold some of its last events), the
// digest files left alone, and only the day folders of the window listed.
func TestPlainTrail(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	sameIDs(t, res.ids(), tr.Want(day4, day5, nil))
	if len(res.problems) > 0 {
		t.Errorf("problems: %v", res.problems)
	}
	reqs := f.Requests()
	for _, r := range reqs {
		if r.Op == "GetObject" && (strings.Contains(r.Key, "Digest") || !(strings.Contains(r.Key, "/2024/03/04/") || strings.Contains(r.Key, "/2024/03/05/"))) {
			t.Errorf("fetched %s, which is not of the window", r.Key)
		}
		if r.Op == "ListObjectsV2" && r.Delimiter == "" && !regexpDay.MatchString(r.Prefix) {
			t.Errorf("listed %q without a delimiter: only day folders are listed whole", r.Prefix)
		}
	}
	// 13 files of March 4 (00:00 to 22:00, and 00:00 of March 5 holds events of 23:48 and 23:55), per region.
	if got := fakes3.Count(reqs, "GetObject"); got != 2*13 {
		t.Errorf("%d objects fetched, want 26", got)
	}
	last := res.last()
	if !last.Done || last.Files != 26 || last.FilesDone != 26 || last.Records != len(res.records) {
		t.Errorf("last progress %+v", last)
	}
	if !strings.Contains(last.Detail, "26 files listed") || !strings.Contains(last.Detail, "26 fetched") {
		t.Errorf("detail %q", last.Detail)
	}
	if b := res.session.Banner(); !strings.Contains(b, "2024-03-04 00:00Z to 2024-03-05 00:00Z") || !strings.Contains(b, "2 regions") {
		t.Errorf("banner %q", b)
	}
}

var regexpDay = regexpMust(`/[0-9]{4}/[0-9]{2}/[0-9]{2}/$`)

// TestOrganizationTrailNarrowed reads an organization trail under a prefix before AWSLogs/, found
// from the bucket's root, narrowed to a region by the flag and an account by the filter.
func TestOrganizationTrailNarrowed(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("trails/prod/AWSLogs/o-abcdefghij/", orgAccounts, regions)
	tr.put("other-data/readme.txt", []byte("not logs"), false)
	opt := testOptions(t, f, "s3://"+bucket)
	opt.Regions = []string{"eu-west-1"}
	opt.Query = mustQuery(t, "account:555566667777")
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	sameIDs(t, res.ids(), tr.Want(day4, day5, func(e fakes3.Event) bool { return e.Region == "eu-west-1" && e.Account == "555566667777" }))
	for _, r := range f.Requests() {
		if r.Op == "GetObject" && !strings.Contains(r.Key, "/555566667777/CloudTrail/eu-west-1/") {
			t.Errorf("fetched %s, of another account or region", r.Key)
		}
		if r.Op == "ListObjectsV2" && strings.Contains(r.Prefix, "222233334444/CloudTrail/") {
			t.Errorf("listed %s, the folder of an account the filter leaves out", r.Prefix)
		}
	}
}

// TestSecondRunReadsNothing: the cache holds what the first run fetched; the second fetches no
// object and reads the same events. The cache is private.
func TestSecondRunReadsNothing(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	first := run(t, opt)
	f.Requests()
	second := run(t, opt)
	if first.err != nil || second.err != nil {
		t.Fatal(first.err, second.err)
	}
	sameIDs(t, second.ids(), first.ids())
	if n := fakes3.Count(f.Requests(), "GetObject"); n != 0 {
		t.Errorf("the second run fetched %d objects", n)
	}
	if st := second.session.Stats(); st.Cached != 26 || st.Fetched != 0 {
		t.Errorf("second run: %+v", st)
	}
	filepath.WalkDir(opt.CacheDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		want := os.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})

	// An object replaced in the bucket (another ETag) is fetched again, and only it.
	d := tr.Files[slices.IndexFunc(tr.Files, func(d fakes3.Delivery) bool { return strings.Contains(d.Key, "/2024/03/04/") })]
	tr.put(d.Key, []byte(`{"Records":[]}`), true)
	third := run(t, opt)
	if third.err != nil {
		t.Fatal(third.err)
	}
	if n := fakes3.Count(f.Requests(), "GetObject"); n != 1 {
		t.Errorf("after one object changed, %d were fetched", n)
	}
}

// busyDay is a bucket whose March 4 folder holds 1,200 files, one a minute from midnight, each with
// an event 30 seconds before its delivery.
func busyDay(t *testing.T) (*fakes3.Server, *trail) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	for i := range 1200 {
		at := day4.Add(time.Duration(i) * time.Minute)
		tr.deliver("AWSLogs/", "111122223333", "us-east-1", at, "GetObject", at.Add(-30*time.Second))
	}
	return f, tr
}

// TestPagingPastAThousand: a day folder of 1,200 files is listed in pages, and every file of the
// window is read.
func TestPagingPastAThousand(t *testing.T) {
	f, tr := busyDay(t)
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/111122223333/CloudTrail/us-east-1/")
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := tr.Want(day4, day5, nil)
	sameIDs(t, res.ids(), want)
	if len(res.records) != len(want) || len(want) != 1199 { // the first file holds an event of March 3
		t.Errorf("%d records, want %d of 1199", len(res.records), len(want))
	}
	pages := 0
	for _, r := range f.Requests() {
		if r.Op == "ListObjectsV2" && r.Token {
			pages++
		}
	}
	if pages == 0 {
		t.Error("no second page was asked for")
	}
}

// TestWindowWithinADay: a window of two hours lists from its first minute (StartAfter) and stops
// paging after its end, and fetches only the files that can hold its events.
func TestWindowWithinADay(t *testing.T) {
	f, tr := busyDay(t)
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	opt.Since, opt.Until = "2024-03-04T03:00:00Z", "2024-03-04T05:00:00Z"
	opt.Late = 10 * time.Minute
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	sameIDs(t, res.ids(), tr.Want(day4.Add(3*time.Hour), day4.Add(5*time.Hour), nil))
	reqs := f.Requests()
	if n := fakes3.Count(reqs, "GetObject"); n != 2*60+1+10 {
		t.Errorf("%d objects fetched, want the 131 delivered from 03:00 to 05:10", n)
	}
	for _, r := range reqs {
		if r.Op == "ListObjectsV2" && r.Token {
			t.Errorf("a second page of the day was listed (%+v): the listing should stop after the window", r)
		}
		if r.Op == "ListObjectsV2" && r.Delimiter == "" && r.StartAfter != "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/04/111122223333_CloudTrail_us-east-1_20240304T0300Z" {
			t.Errorf("the day was listed from %q", r.StartAfter)
		}
	}
}

// TestThrottling: S3 answers a third of the requests with 503 SlowDown; they are retried, fewer
// requests are sent at a time, and everything is read.
func TestThrottling(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	var n atomic.Int64
	f.FailWith(func(w http.ResponseWriter, r fakes3.Request) bool {
		if n.Add(1)%3 != 0 {
			return false
		}
		fakes3.Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return true
	})
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	opt.Parallel = 8
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	sameIDs(t, res.ids(), tr.Want(day4, day5, nil))
	st := res.session.Stats()
	if st.Throttles == 0 || st.Parallel >= 8 {
		t.Errorf("stats %+v: want throttles counted and fewer requests in flight", st)
	}
	if !strings.Contains(res.last().Detail, "throttled") {
		t.Errorf("detail %q does not say it was throttled", res.last().Detail)
	}
}

// TestAccessDenied: a bucket that will not be listed, and one whose objects will not be read, say
// which permission is missing.
func TestAccessDenied(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	deny := func(op, msg string) {
		f.FailWith(func(w http.ResponseWriter, r fakes3.Request) bool {
			if r.Op != op {
				return false
			}
			fakes3.Error(w, http.StatusForbidden, "AccessDenied", msg)
			return true
		})
	}
	deny("ListObjectsV2", "Access Denied")
	res := run(t, opt)
	wantErr(t, res.err, awsconf.ErrAccessDenied, "not allowed to list s3://trail-bucket/AWSLogs/", "s3:ListBucket on arn:aws:s3:::trail-bucket")

	deny("GetObject", "Access Denied")
	res = run(t, opt)
	wantErr(t, res.err, awsconf.ErrAccessDenied, "not allowed to read s3://trail-bucket/AWSLogs/111122223333/CloudTrail/",
		"s3:GetObject on arn:aws:s3:::trail-bucket/AWSLogs/*", "kms:Decrypt")

	deny("GetObject", "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext")
	res = run(t, opt)
	wantErr(t, res.err, awsconf.ErrAccessDenied, "SSE-KMS", "kms:Decrypt on its KMS key")

	// GetBucketLocation denied is no reason to stop: the bucket is read in the configured region.
	deny("GetBucketLocation", "Access Denied")
	res = run(t, opt)
	if res.err != nil || len(res.records) == 0 {
		t.Fatalf("without s3:GetBucketLocation: %v, %d records", res.err, len(res.records))
	}
	if !strings.Contains(res.session.Banner(), "no s3:GetBucketLocation") {
		t.Errorf("banner %q does not say how the bucket is read", res.session.Banner())
	}
}

func wantErr(t *testing.T, err, kind error, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", kind)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

// TestNoSuchBucketAndEmptyWindow: errors that say what is there.
func TestNoSuchBucketAndEmptyWindow(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	res := run(t, testOptions(t, f, "s3://no-such-bucket/AWSLogs/"))
	wantErr(t, res.err, awsconf.ErrNotFound, `the bucket "no-such-bucket" does not exist`, "describe-trails")

	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	opt.Since, opt.Until = "2024-02-01", "2024-02-02"
	res = run(t, opt)
	wantErr(t, res.err, ErrNoDeliveries, "no delivery files between 2024-02-01 00:00Z and 2024-02-02 00:00Z",
		"the trail delivers under s3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/ (and 1 more folder)",
		"the latest day there is 2024/03/07")

	opt = testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	opt.Regions = []string{"ap-south-1"}
	res = run(t, opt)
	wantErr(t, res.err, nil, "no folders of regions ap-south-1", "the trail delivers for eu-west-1, us-east-1")

	opt.Regions, opt.Accounts = nil, []string{"999999999999"}
	res = run(t, opt)
	wantErr(t, res.err, nil, "no folders of accounts 999999999999", "the trail delivers for 111122223333")

	res = run(t, testOptions(t, f, "s3://"+bucket+"/elsewhere/"))
	wantErr(t, res.err, nil, "no AWSLogs/ folder under s3://trail-bucket/elsewhere/", "S3KeyPrefix")

	res = run(t, testOptions(t, f, "s3://"+bucket+"/AWSLogs/111122223333/CloudTrail-Digest/"))
	wantErr(t, res.err, nil, "CloudTrail-Digest holds digest files")
}

// TestBucketInAnotherRegion: the bucket's region comes from GetBucketLocation, or, when that is
// denied, from the redirect S3 answers a request signed for the wrong region with.
func TestBucketInAnotherRegion(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	denyLocation := false
	f.FailWith(func(w http.ResponseWriter, r fakes3.Request) bool {
		switch {
		case r.Op == "GetBucketLocation" && denyLocation:
			fakes3.Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		case r.Op == "GetBucketLocation":
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-central-1</LocationConstraint>`))
		case r.Region != "eu-central-1":
			w.Header().Set("x-amz-bucket-region", "eu-central-1")
			fakes3.Error(w, http.StatusBadRequest, "AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; expecting 'eu-central-1'")
		default:
			return false
		}
		return true
	})
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	for _, denied := range []bool{false, true} {
		denyLocation = denied
		res := run(t, opt)
		if res.err != nil {
			t.Fatalf("GetBucketLocation denied %v: %v", denied, res.err)
		}
		sameIDs(t, res.ids(), tr.Want(day4, day5, nil))
		wrong := 0
		for _, r := range f.Requests() {
			if r.Op != "GetBucketLocation" && r.Region != "eu-central-1" {
				wrong++
			}
		}
		if want := map[bool]int{false: 0, true: 1}[denied]; wrong != want {
			t.Errorf("GetBucketLocation denied %v: %d requests in the wrong region, want %d", denied, wrong, want)
		}
	}
}

// TestOneObjectAndOnlyReadOperations: a URL that names a file reads it whole (HeadObject, then
// GetObject), whatever the window; the operations on the wire are S3's four read operations.
func TestOneObjectAndOnlyReadOperations(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	old := tr.deliver("AWSLogs/", "111122223333", "us-east-1", day4.AddDate(0, -1, 0), "CreateUser", day4.AddDate(0, -1, 0).Add(-time.Minute))
	tr.week("AWSLogs/", plainAccounts, regions)
	opt := testOptions(t, f, "s3://"+bucket+"/"+old.Key, "s3://"+bucket+"/AWSLogs/")
	res := run(t, opt)
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := tr.Want(day4, day5, nil)
	want[old.Events[0].ID] = true
	sameIDs(t, res.ids(), want)
	var ops []string
	for _, r := range f.Requests() {
		if !slices.Contains(ops, r.Op) {
			ops = append(ops, r.Op)
		}
	}
	slices.Sort(ops)
	if want := []string{"GetBucketLocation", "GetObject", "HeadObject", "ListObjectsV2"}; !slices.Equal(ops, want) {
		t.Errorf("operations on the wire: %v, want %v", ops, want)
	}
}

// TestCancel: a run stopped half-way returns at once with ctx's error, and leaves no partial file.
func TestCancel(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var gets atomic.Int64
	f.FailWith(func(w http.ResponseWriter, r fakes3.Request) bool {
		if r.Op == "GetObject" && gets.Add(1) == 5 {
			cancel()
		}
		return false
	})
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	opt.Parallel = 2
	res := runCtx(t, ctx, opt)
	if !errors.Is(res.err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", res.err)
	}
	if res.session.Stats().Fetched >= 26 {
		t.Error("everything was fetched although the run was stopped")
	}
	filepath.WalkDir(opt.CacheDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".part-") {
			t.Errorf("a partial file was left: %s", path)
		}
		return nil
	})
}

// TestBrokenDownload: a body that stops half-way is fetched again.
func TestBrokenDownload(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, []string{"us-east-1"})
	var broke atomic.Bool
	f.FailWith(func(w http.ResponseWriter, r fakes3.Request) bool {
		if r.Op != "GetObject" || broke.Swap(true) {
			return false
		}
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte{0x1f, 0x8b})
		return true // the connection closes with 998 bytes missing
	})
	res := run(t, testOptions(t, f, "s3://"+bucket+"/AWSLogs/"))
	if res.err != nil || len(res.problems) > 0 {
		t.Fatal(res.err, res.problems)
	}
	sameIDs(t, res.ids(), tr.Want(day4, day5, nil))
}

// TestDigestListing: the listing the digest check reuses finds a trail's digest files, and only them.
func TestDigestListing(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/o-abcdefghij/", orgAccounts, regions)
	opt := testOptions(t, f)
	c, err := NewClient(context.Background(), opt.ClientOptions)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Bucket(context.Background(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := time.Parse(time.RFC3339, "2024-03-04T00:00:00Z")
	sel := Selection{Window: scopeWindow(w, w.Add(24*time.Hour)), Kind: Digests}
	objs, folders, err := b.ListDeliveries(context.Background(), "", sel)
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) != 4 || len(objs) != 4 {
		t.Fatalf("%d folders, %d digest files; want 4 and 4", len(folders), len(objs))
	}
	for _, o := range objs {
		if !strings.Contains(o.Key, "/CloudTrail-Digest/") || o.Stamp.IsZero() || o.Account == "" || o.Region == "" {
			t.Errorf("%+v", o)
		}
	}
}

// TestKeepAndDecode: a query's prefilter and decoder reach the reader of the fetched files.
func TestKeepAndDecode(t *testing.T) {
	f := newFakeS3(t)
	tr := newTrail(t, f)
	tr.week("AWSLogs/", plainAccounts, regions)
	opt := testOptions(t, f, "s3://"+bucket+"/AWSLogs/")
	all := run(t, opt)
	if all.err != nil || len(all.records) == 0 {
		t.Fatalf("%d records, %v", len(all.records), all.err)
	}
	opt.Keep = func(rec []byte) bool { return bytes.Contains(rec, []byte(all.records[0].EventID)) }
	opt.Decode = cloudtrail.DecodeOutline
	one := run(t, opt)
	if one.err != nil || len(one.records) != 1 || one.records[0].EventID != all.records[0].EventID || one.records[0].UserAgent != "" {
		t.Fatalf("through Keep and DecodeOutline: %d records (%v), want the outline of %s", len(one.records), one.err, all.records[0].EventID)
	}
	// A record passed over is not decoded, so those outside the window are among them.
	if got := one.last(); got.Passed < all.last().Records-1 {
		t.Errorf("%d passed over and %d read, of %d in the window", got.Passed, got.Records, all.last().Records)
	}
}
