package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/s3/fakes3"
)

// s3Env starts a local S3 endpoint holding a plain trail's week in two regions, and points the
// AWS SDK at it through AWS_ENDPOINT_URL_S3, as a user would.
func s3Env(t *testing.T) (*fakes3.Server, *fakes3.Trail) {
	t.Helper()
	srv, err := fakes3.New("trail-bucket")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	tr := &fakes3.Trail{S: srv, Bucket: "trail-bucket"}
	if err := tr.Week("AWSLogs/", time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), []string{"111122223333"}, []string{"us-east-1", "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	awstest.Env(t, "AKIDTRAILSCOPEMAINS3", "main-s3-secret")
	t.Setenv("AWS_ENDPOINT_URL_S3", srv.URL)
	return srv, tr
}

// TestQueryS3 is the query of the issue: it reads only us-east-1's files of March 4 and 5, answers
// with the TerminateInstances events of March 4, and a second run fetches no object.
func TestQueryS3(t *testing.T) {
	srv, tr := s3Env(t)
	args := []string{"--since", "2024-03-04", "--until", "2024-03-05", "--region", "us-east-1", "--format", "json",
		"s3://trail-bucket/AWSLogs/", "event:TerminateInstances"}
	out, stderr, code := query(t, "", args...)
	if code != exitFound {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct{ EventID, EventName, AWSRegion string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got[rec.EventID] = true
	}
	day4, day5 := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	want := tr.Want(day4, day5, func(e fakes3.Event) bool { return e.Region == "us-east-1" && e.Name == "TerminateInstances" })
	if len(got) != len(want) || len(want) != 2 {
		t.Errorf("events %v, want %v", got, want)
	}
	for id := range want {
		if !got[id] {
			t.Errorf("missing %s", id)
		}
	}
	reqs := srv.Requests()
	for _, r := range reqs {
		switch {
		case r.Op == "GetObject" && !strings.HasPrefix(r.Key, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/04/") &&
			!strings.HasPrefix(r.Key, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/"):
			t.Errorf("fetched %s", r.Key)
		case r.Op == "ListObjectsV2" && r.Delimiter == "" && r.Prefix != "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/04/" &&
			r.Prefix != "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/":
			t.Errorf("listed %s", r.Prefix)
		}
	}
	if n := fakes3.Count(reqs, "GetObject"); n == 0 {
		t.Error("nothing was fetched")
	}

	out2, _, code := query(t, "", args...)
	if code != exitFound || out2 != out {
		t.Errorf("second run: exit %d, output differs:\n%s", code, out2)
	}
	if n := fakes3.Count(srv.Requests(), "GetObject"); n != 0 {
		t.Errorf("the second run fetched %d objects", n)
	}

	info, err := runCmd(t, "cache", "info")
	if err != nil || !strings.Contains(info, filepath.Join("trailscope", "s3")+": 13 objects") {
		t.Errorf("cache info: %v %s", err, info)
	}
	cleared, err := runCmd(t, "cache", "clear")
	if err != nil || !strings.Contains(cleared, "removed 13 cached objects") {
		t.Errorf("cache clear: %v %s", err, cleared)
	}
}

func TestQueryS3Errors(t *testing.T) {
	s3Env(t)
	local := t.TempDir()
	os.WriteFile(filepath.Join(local, "x.json"), []byte(`{"Records":[]}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"s3://no-such-bucket/AWSLogs/", ""}, `the bucket "no-such-bucket" does not exist`},
		{[]string{"--since", "2024-01-01", "--until", "2024-01-02", "s3://trail-bucket/AWSLogs/", ""}, "no delivery files between 2024-01-01 00:00Z and 2024-01-02 00:00Z"},
		{[]string{"s3://trail-bucket/AWSLogs/", local, ""}, "give either local PATHs or s3:// URLs"},
		{[]string{"--account", "111122223333", local, ""}, "--account goes with s3:// URLs"},
		{[]string{"--region", "us-east-1", local, ""}, "--region is an option of --lookup and s3:// URLs"},
		{[]string{"--no-cache", "s3://trail-bucket/", ""}, "--no-cache does not go with s3:// URLs"},
		{[]string{"--account", "12", "s3://trail-bucket/", ""}, `--account "12": not an account ID`},
	} {
		_, stderr, code := query(t, "", tc.args...)
		if code != exitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestCompletionNeverCallsS3: completing a filter's values after an s3:// URL asks nothing of AWS.
func TestCompletionNeverCallsS3(t *testing.T) {
	srv, _ := s3Env(t)
	got := completions(t, "query", "s3://trail-bucket/AWSLogs/", "event:Term")
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("completion made %d requests to S3", n)
	}
	if slices.Contains(got, "event:TerminateInstances") {
		t.Errorf("completion read the bucket: %v", got)
	}
}
