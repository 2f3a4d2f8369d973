package main

import (
	"encoding/json"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/s3/fakes3"
	"github.com/trailscope/trailscope/source/synth/world"
)

// synthBucket is the bucket `trailscope synth --digests` names in its digests.
const synthBucket = "trailscope-synth"

// serveArchive puts a signed archive's AWSLogs/ into a local S3 endpoint, as the trail delivered
// it: each digest object with its signature in its metadata (from digest-signatures.json). It points
// the AWS SDK at the endpoint through AWS_ENDPOINT_URL_S3, as a user would.
func serveArchive(t *testing.T, dir string) *fakes3.Server {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "digest-signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sigs map[string]struct {
		Signature string `json:"signature"`
		Algorithm string `json:"signature-algorithm"`
	}
	if err := json.Unmarshal(b, &sigs); err != nil {
		t.Fatal(err)
	}
	srv, err := fakes3.New(synthBucket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	signed := 0
	err = filepath.WalkDir(filepath.Join(dir, "AWSLogs"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		key := filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var meta map[string]string
		if s, ok := sigs[key]; ok {
			meta = map[string]string{"signature": s.Signature, "signature-algorithm": s.Algorithm}
			signed++
		}
		return srv.PutObject(synthBucket, key, data, meta)
	})
	if err != nil || signed == 0 {
		t.Fatalf("%v (%d digests signed)", err, signed)
	}
	awstest.Env(t, "AKIDTRAILSCOPEVERIFY", "verify-s3-secret")
	t.Setenv("AWS_ENDPOINT_URL_S3", srv.URL)
	return srv
}

// TestVerifyS3 is the scenario from S3: a signed archive with one log changed, one log
// deleted and one digest deleted, served with each digest's signature in its object's metadata.
// verify names exactly those files (and the log files only the deleted digest listed, as not
// covered), every other file is valid, and the exit code is 1: from S3 every digest, the newest
// included, is verified. It calls only read operations, and a second run fetches nothing.
func TestVerifyS3(t *testing.T) {
	dir := signedArchive(t)
	keys := filepath.Join(dir, "public-keys.json")
	_, want := tamper(t, dir)
	srv := serveArchive(t, dir)
	day := world.DefaultStart
	window := []string{"--since", day.Add(-time.Hour).Format(time.RFC3339), "--until", day.AddDate(0, 0, 2).Format(time.RFC3339)}
	url := "s3://" + synthBucket + "/AWSLogs/"

	args := append(append([]string{"--offline", "--public-keys", keys}, window...), url)
	lines, errOut, code := runVerify(t, args...)
	if code != 1 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if got := problemsOf(lines); !maps.Equal(got, want) {
		t.Errorf("problems:\n got %v\nwant %v\n%s", got, want, errOut)
	}
	offline, _, _ := runVerify(t, "--offline", "--public-keys", keys, "--signatures", filepath.Join(dir, "digest-signatures.json"), dir)
	if len(lines) != len(offline) {
		t.Errorf("%d files from S3, %d offline", len(lines), len(offline))
	}
	digests := 0
	for _, l := range lines {
		if !strings.HasPrefix(l.File, url) {
			t.Errorf("not named by its S3 URL: %s", l.File)
		}
		if l.Kind == "digest" && l.Status == "valid" {
			digests++
			if l.Digest == "" && !strings.Contains(l.Reason, "x-amz-meta-signature") {
				t.Errorf("a digest verified with what? %+v", l)
			}
		}
	}
	if digests == 0 || strings.Contains(errOut, "cannot be verified from a copy") {
		t.Errorf("%d digests valid; stderr:\n%s", digests, errOut)
	}
	reqs := srv.Requests()
	days := map[string]bool{}
	for d := day.Add(-time.Hour); d.Before(day.AddDate(0, 0, 3)); d = d.AddDate(0, 0, 1) {
		days[d.Format("2006/01/02/")] = true
	}
	for _, r := range reqs {
		if strings.HasPrefix(r.Op, "other") {
			t.Errorf("request %s", r.Op)
		}
		if r.Op == "ListObjectsV2" && r.Delimiter == "" && !days[r.Prefix[max(0, len(r.Prefix)-len("2006/01/02/")):]] {
			t.Errorf("listed outside the window's days: %s", r.Prefix)
		}
	}
	if fakes3.Count(reqs, "HeadObject") == 0 || fakes3.Count(reqs, "GetObject") == 0 {
		t.Errorf("%d HeadObject, %d GetObject", fakes3.Count(reqs, "HeadObject"), fakes3.Count(reqs, "GetObject"))
	}

	// Again: the same verdicts, from the cache.
	again, errOut, _ := runVerify(t, args...)
	if !maps.Equal(problemsOf(again), want) || len(again) != len(lines) {
		t.Errorf("second run differs:\n%s", errOut)
	}
	if n := fakes3.Count(srv.Requests(), "GetObject"); n != 0 {
		t.Errorf("the second run fetched %d objects", n)
	}
}

// TestVerifyS3Window: a window that starts in the middle of the archive verifies the digests
// delivered in it and the log files they list, those delivered just before the window included
// (looked up by name); a window that holds no digest says so.
func TestVerifyS3Window(t *testing.T) {
	dir := signedArchive(t)
	keys := filepath.Join(dir, "public-keys.json")
	serveArchive(t, dir)
	url := "s3://" + synthBucket + "/AWSLogs/"
	// The window starts a minute after a log file's delivery, in the hour of its digest.
	logs := find(t, dir, "_CloudTrail_us-east-1_")
	early := path.Base(logs[len(logs)/2])
	at, err := time.Parse("20060102T1504Z", strings.Split(early, "_")[3])
	if err != nil {
		t.Fatal(err)
	}
	since := at.Add(time.Minute)
	lines, errOut, code := runVerify(t, "--offline", "--public-keys", keys, "--since", since.Format(time.RFC3339),
		"--until", since.Add(6*time.Hour).Format(time.RFC3339), "--region", "us-east-1", url)
	if code != 0 || len(lines) == 0 {
		t.Fatalf("exit %d, %d files:\n%s", code, len(lines), errOut)
	}
	found := false
	for _, l := range lines {
		if !strings.Contains(l.File, "us-east-1") {
			t.Errorf("outside --region: %s", l.File)
		}
		found = found || path.Base(l.File) == early && l.Status == "valid"
	}
	if !found {
		t.Errorf("%s, delivered before the window and listed by its first digest, was not verified", early)
	}

	_, errOut, code = runVerify(t, "--offline", "--public-keys", keys, "--since", "2020-01-01", "--until", "2020-01-02", url)
	if code != 2 || !strings.Contains(errOut, "no digest files") {
		t.Errorf("empty window: exit %d: %s", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "2h", dir}, "--since is an option of s3:// URLs"},
		{[]string{url, dir}, "one s3:// URL"},
		{[]string{"s3://" + synthBucket + "/AWSLogs/x.json.gz"}, "names one file"},
	} {
		_, errOut, code := runRoot(t, "", append([]string{"verify", "--offline"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, code, errOut)
		}
	}
}

// TestVerifyS3Organization: an organization trail's bucket (AWSLogs/o-ORG/ACCOUNT/CloudTrail-Digest/...)
// verifies from S3 as it does from a copy: every chain of every account found under the
// organization's folder, every file valid, exit 0.
func TestVerifyS3Organization(t *testing.T) {
	dir := t.TempDir()
	if out, errOut, code := runRoot(t, "", "synth", "--shape", "org", "--events", "3000", "--files", "30", "--days", "1", "--seed", "5", "--digests", dir); code != 0 {
		t.Fatalf("synth: exit %d: %s %s", code, out, errOut)
	}
	srv := serveArchive(t, dir)
	day := world.DefaultStart
	window := []string{"--since", day.Add(-time.Hour).Format(time.RFC3339), "--until", day.AddDate(0, 0, 2).Format(time.RFC3339)}
	lines, errOut, code := runVerify(t, append(append([]string{"--offline", "--public-keys", filepath.Join(dir, "public-keys.json")}, window...), "s3://"+synthBucket+"/AWSLogs/")...)
	if code != 0 || len(problemsOf(lines)) != 0 {
		t.Fatalf("exit %d, problems %v:\n%s", code, problemsOf(lines), errOut)
	}
	logs, digests := len(find(t, dir, "_CloudTrail_")), len(find(t, dir, "_CloudTrail-Digest_"))
	if len(lines) != logs+digests || digests == 0 {
		t.Fatalf("%d results for %d logs and %d digests:\n%s", len(lines), logs, digests, errOut)
	}
	for _, l := range lines {
		if l.Kind == "digest" && !strings.Contains(l.File, "/AWSLogs/o-") {
			t.Errorf("a digest outside the organization's folder: %s", l.File)
		}
	}
	if fakes3.Count(srv.Requests(), "GetObject") == 0 {
		t.Error("nothing fetched")
	}
}
