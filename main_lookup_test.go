package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/lookup"
	"github.com/trailscope/trailscope/source/lookup/fakect"
)

const (
	lookupTestKey    = "AKIDTRAILSCOPEMAIN01"
	lookupTestSecret = "main-test-secret"
)

// lookupEnv points the AWS SDK at a local CloudTrail endpoint serving the Invictus dataset, through
// AWS_ENDPOINT_URL as a user would, with credentials, config and cache of the test's own.
func lookupEnv(t *testing.T) *fakect.Server {
	t.Helper()
	data := filepath.Join("..", "shared", "data", "invictus_aws_dataset", "CloudTrail")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("no shared test data: %v", err)
	}
	events, err := fakect.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakect.New(fakect.Config{AccessKey: lookupTestKey, SecretKey: lookupTestSecret})
	t.Cleanup(srv.Close)
	// An hour of history that ended 20 minutes ago: within LookupEvents' 90 days, and settled.
	srv.Add("us-east-1", fakect.Recent(events, time.Now().Add(-20*time.Minute))...)
	awsTestEnv(t, srv.URL)
	return srv
}

// awsTestEnv points the AWS SDK at a local endpoint through AWS_ENDPOINT_URL, as a user would, with
// credentials, config and cache of the test's own (awstest.Env).
func awsTestEnv(t *testing.T, endpoint string) {
	t.Helper()
	awstest.Env(t, lookupTestKey, lookupTestSecret)
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
}

func TestQueryLookup(t *testing.T) {
	srv := lookupEnv(t)
	// The window is the dataset's hour; the filter's event name goes to CloudTrail, the rest is
	// applied here.
	args := []string{"query", "--lookup", "--region", "us-east-1", "--since", "2h",
		"--format", "csv", "event:DescribeInstances principal:bert-jan"}
	first := time.Now() // the first run's fetch ends after this
	out, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	lines := strings.Count(out, "\n")
	if lines < 2 || !strings.Contains(out, "DescribeInstances") || strings.Contains(out, "RunInstances") {
		t.Errorf("output:\n%s", out)
	}
	for _, r := range srv.Requests() {
		if r.Op == "LookupEvents" && r.Attribute != "EventName=DescribeInstances" {
			t.Errorf("request without the pushed-down attribute: %+v", r)
		}
	}

	// Again: from the cache, but for the last minutes, which CloudTrail may still be filling.
	srv.Reset()
	if out2, err := runCmd(t, args...); err != nil || out2 != out {
		t.Errorf("second run: %v, output differs:\n%s", err, out2)
	}
	for _, r := range srv.Requests() {
		// The cache counts a fetch as complete up to the settle margin before its end (in whole
		// seconds), however long ago that was.
		if r.Op == "LookupEvents" && r.Start.Before(first.Add(-lookup.DefaultSettle-time.Second)) {
			t.Errorf("the second run asked for %s to %s again", r.Start, r.End)
		}
	}
	if n := srv.Calls("LookupEvents", ""); n != 1 {
		t.Errorf("the second run made %d requests, want 1 (the last 15 minutes)", n)
	}
	out, err = runCmd(t, "cache", "info")
	if err != nil || !strings.Contains(out, filepath.Join("trailscope", "lookup")) {
		t.Errorf("cache info: %v %s", err, out)
	}
	out, err = runCmd(t, "cache", "clear")
	if err != nil || !strings.Contains(out, "removed") {
		t.Errorf("cache clear: %v %s", err, out)
	}
	out, _ = runCmd(t, "cache", "clear")
	if !strings.Contains(out, "empty") {
		t.Errorf("cache clear twice: %s", out)
	}
}

func TestQueryLookupErrors(t *testing.T) {
	lookupEnv(t)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"query", "--lookup", "x"}, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "no AWS credentials found"},
		{[]string{"query", "--region", "eu-west-1", "x"}, nil, "--region is an option of --lookup"},
		{[]string{"query", "--lookup", "logs/", "x"}, nil, "give either PATHs or --lookup"},
		{[]string{"query", "--lookup", "--since", "fortnight", "x"}, nil, `--since "fortnight"`},
		{[]string{"query", "--lookup", "--profile", "prod", "x"}, nil, `AWS profile "prod"`},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		out, err := runCmd(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v (%s), want an error saying %q", tc.args, err, out, tc.want)
		}
		var code exitCode
		if errors.As(err, &code) {
			t.Errorf("%v: exit code %d, want an error (exit 2)", tc.args, code)
		}
		for k := range tc.env {
			t.Setenv(k, map[string]string{"AWS_ACCESS_KEY_ID": lookupTestKey, "AWS_SECRET_ACCESS_KEY": lookupTestSecret}[k])
		}
	}
}
