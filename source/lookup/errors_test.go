package lookup

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"github.com/trailscope/trailscope/source/lookup/fakect"
)

// openErr opens a session that must fail, and returns the error.
func openErr(t *testing.T, opt Options) error {
	t.Helper()
	_, err := Open(t.Context(), opt)
	if err == nil {
		t.Fatal("Open succeeded")
	}
	return err
}

func wantErr(t *testing.T, err, kind error, words ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("error %q is not an *Error", err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestNoCredentials(t *testing.T) {
	awsEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	srv := fakeServer(t, fakect.Config{})
	err := openErr(t, fastOptions(srv, "us-east-1"))
	wantErr(t, err, ErrNoCredentials, "no AWS credentials", "AWS_ACCESS_KEY_ID", "--profile")
	if srv.Count("GetCallerIdentity", "") != 0 {
		t.Error("a request went out without credentials")
	}
}

func TestExpiredSSOSession(t *testing.T) {
	awsEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	home := os.Getenv("HOME")
	config := filepath.Join(home, "config")
	os.WriteFile(config, []byte(`[profile work]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-east-1
`), 0o600)
	t.Setenv("AWS_CONFIG_FILE", config)
	// The token cache as `aws sso login` leaves it, expired an hour ago.
	path, err := ssocreds.StandardCachedTokenFilepath("https://example.awsapps.com/start")
	if err != nil || !strings.HasPrefix(path, home) {
		t.Fatalf("token cache %s: %v", path, err)
	}
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(`{"accessToken":"x","expiresAt":"`+
		time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`","region":"us-east-1","startUrl":"https://example.awsapps.com/start"}`), 0o600)
	srv := fakeServer(t, fakect.Config{})
	opt := fastOptions(srv, "us-east-1")
	opt.Profile = "work"
	err = openErr(t, opt)
	wantErr(t, err, ErrSSOExpired, "aws sso login --profile work")
}

func TestUnknownProfile(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{})
	opt := fastOptions(srv, "us-east-1")
	opt.Profile = "nope"
	wantErr(t, openErr(t, opt), ErrProfileNotFound, `"nope"`, "list-profiles")
}

func TestInvalidCredentials(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{})
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDUNKNOWN000000000")
	wantErr(t, openErr(t, fastOptions(srv, "us-east-1")), ErrInvalidKey, "access key")

	t.Setenv("AWS_ACCESS_KEY_ID", testKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	wantErr(t, openErr(t, fastOptions(srv, "us-east-1")), ErrInvalidKey, "signature")
}

func TestNetworkError(t *testing.T) {
	awsEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	opt := Options{Regions: []string{"us-east-1"}, Endpoint: "http://" + addr, NoCache: true, RetryBase: time.Millisecond}
	wantErr(t, openErr(t, opt), ErrNetwork, "cannot reach AWS")
}

// TestOneFailingRegionDoesNotStopTheOthers: AccessDenied in one region, an opt-in region not
// enabled in another; the rest arrives, and each failure says what to do.
func TestOneFailingRegionDoesNotStopTheOthers(t *testing.T) {
	awsEnv(t)
	regions := []string{"us-east-1", "eu-west-1", "af-south-1"}
	served := fakect.Spread(invictusEvents(t)[:900], regions...)
	srv := fakeServer(t, fakect.Config{Denied: []string{"eu-west-1"}, OptIn: []string{"af-south-1"}})
	srv.Serve(served)
	res := run(t, fastOptions(srv, regions...))
	if res.err != nil {
		t.Fatalf("Run failed although us-east-1 worked: %v", res.err)
	}
	wantEvents(t, res, map[string][]fakect.Event{"us-east-1": served["us-east-1"]})
	var denied, optIn bool
	for _, p := range res.problems {
		if strings.Count(p.String(), "-1") != 1 {
			t.Errorf("problem %q names its region more than once", p)
		}
		switch {
		case strings.Contains(p.String(), "eu-west-1") && strings.Contains(p.Reason, "cloudtrail:LookupEvents"):
			denied = true
		case strings.Contains(p.String(), "af-south-1") && strings.Contains(p.Reason, "opt-in region"):
			optIn = true
		default:
			t.Errorf("unexpected problem: %s", p)
		}
	}
	if !denied || !optIn {
		t.Errorf("problems %v: want AccessDenied naming cloudtrail:LookupEvents in eu-west-1 and the opt-in region af-south-1", res.problems)
	}
	if d := res.last().Detail; !strings.Contains(d, "eu-west-1 failed") {
		t.Errorf("detail %q", d)
	}
}

func TestEveryRegionFailing(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{Denied: []string{"*"}})
	res := run(t, fastOptions(srv, "us-east-1", "eu-west-1"))
	if !errors.Is(res.err, ErrAccessDenied) || !strings.Contains(res.err.Error(), "cloudtrail:LookupEvents") {
		t.Errorf("Run = %v, want access denied naming cloudtrail:LookupEvents", res.err)
	}
}

func TestBadFlags(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{})
	for _, tc := range []struct {
		opt   func(*Options)
		words string
	}{
		{func(o *Options) { o.Since = "yesterday" }, `--since "yesterday": not a duration or a time`},
		{func(o *Options) { o.Until = "5M" }, `--until "5M"`},
		{func(o *Options) { o.Since, o.Until = "1h", "2h" }, "the time window is empty"},
		{func(o *Options) { o.Regions = []string{"us-east-1", "Frankfurt"} }, `--region "frankfurt": not a region name`},
		{func(o *Options) { o.Regions = []string{"eu-west-1", "-eu-west-1", "-us-east-1"} }, "no region left"},
	} {
		opt := fastOptions(srv, "us-east-1")
		tc.opt(&opt)
		if err := openErr(t, opt); !strings.Contains(err.Error(), tc.words) {
			t.Errorf("error %q does not say %q", err, tc.words)
		}
	}
}

func TestExplain(t *testing.T) {
	apiErr := func(code, msg string) error {
		return &smithy.OperationError{ServiceID: "CloudTrail", OperationName: "LookupEvents",
			Err: &smithy.GenericAPIError{Code: code, Message: msg}}
	}
	for _, tc := range []struct {
		err    error
		region string
		kind   error
		words  string
	}{
		{apiErr("ExpiredTokenException", "The security token included in the request is expired"), "us-east-1", ErrExpired, "have expired"},
		{apiErr("OptInRequired", "You are not subscribed to this service"), "ap-east-1", ErrRegionDisabled, "not enabled"},
		{apiErr("UnrecognizedClientException", "The security token included in the request is invalid."), "me-south-1", ErrRegionDisabled, "opt-in region"},
		{apiErr("UnrecognizedClientException", "The security token included in the request is invalid."), "", ErrInvalidKey, "does not recognise the access key"},
		{&retry.MaxAttemptsError{Attempt: 8, Err: apiErr("ThrottlingException", "Rate exceeded")}, "us-east-1", ErrStillThrottled, "after 8 attempts"},
		{apiErr("AccessDeniedException", "not authorized"), "us-east-1", ErrAccessDenied, "cloudtrail:LookupEvents"},
		{&net.DNSError{Name: "cloudtrail.xx-nowhere-1.amazonaws.com", Err: "no such host"}, "xx-nowhere-1", ErrNetwork, "cannot resolve cloudtrail.xx-nowhere-1.amazonaws.com"},
		{fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), "us-east-1", ErrNetwork, "AWS_CA_BUNDLE"},
	} {
		err := explain(tc.err, "cloudtrail:LookupEvents", tc.region, "")
		wantErr(t, err, tc.kind, tc.words)
		if tc.region != "" && !strings.HasPrefix(err.Error(), tc.region+": ") {
			t.Errorf("%q does not start with its region", err)
		}
	}
	if err := explain(context.Canceled, "cloudtrail:LookupEvents", "us-east-1", ""); err != context.Canceled {
		t.Errorf("a canceled lookup is not an error to explain: %v", err)
	}
}

// TestServiceEndpointVariables: AWS_ENDPOINT_URL_CLOUDTRAIL and AWS_ENDPOINT_URL_STS work as they do
// for the AWS CLI.
func TestServiceEndpointVariables(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{})
	srv.Serve(map[string][]fakect.Event{"us-east-1": invictusEvents(t)[:100]})
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	opt := fastOptions(srv, "us-east-1")
	opt.Endpoint = ""
	res := run(t, opt)
	if res.err != nil || len(res.records) != 100 {
		t.Fatalf("%v, %d records", res.err, len(res.records))
	}
}
