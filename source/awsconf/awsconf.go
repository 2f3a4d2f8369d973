// Package awsconf is how every source that calls AWS (LookupEvents, S3) reaches it: the AWS
// configuration loaded as the AWS CLI loads it (profiles, SSO, environment, instance roles,
// AWS_ENDPOINT_URL*), one retryer that rides out throttling with backoff, and errors turned into
// sentences a person can act on.
package awsconf

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Options says how to reach AWS. The zero value uses the defaults.
type Options struct {
	Profile  string // an AWS profile; empty: AWS_PROFILE, or the default profile
	Endpoint string // replaces every AWS endpoint (tests; users set AWS_ENDPOINT_URL)
	// RetryBase is the first backoff after a throttled or failed attempt; DefaultRetryBase when 0.
	RetryBase time.Duration
	// MaxAttempts bounds the tries of one request; DefaultMaxAttempts when 0.
	MaxAttempts int
	// ConnsPerHost is how many idle connections to one host are kept for reuse: as many as the
	// requests a source runs in parallel. The SDK's default when 0.
	ConnsPerHost int
}

// Defaults of Options.
const (
	// DefaultMaxAttempts bounds the tries of one request: enough to ride out throttling by another
	// client sharing the account's quota, few enough that a network failure is reported in seconds.
	DefaultMaxAttempts = 8
	// DefaultRetryBase is the first backoff; it doubles with each attempt, with jitter.
	DefaultRetryBase = 500 * time.Millisecond
	// MaxBackoff caps one backoff.
	MaxBackoff = 5 * time.Second
	// AttemptTimeout bounds one HTTP request, so that a dead connection is retried, not waited on.
	AttemptTimeout = 30 * time.Second
)

// Load loads the AWS configuration as the AWS CLI does, with trailscope's retryer. Errors are *Error.
func Load(ctx context.Context, opt Options) (aws.Config, error) {
	client := awshttp.NewBuildableClient().WithTimeout(AttemptTimeout)
	if opt.ConnsPerHost > 0 {
		client = client.WithTransportOptions(func(tr *http.Transport) { tr.MaxIdleConnsPerHost = opt.ConnsPerHost })
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return NewRetryer(opt.RetryBase, opt.MaxAttempts) }),
		config.WithHTTPClient(client),
		config.WithAppID("trailscope"),
		// The SDK's own warnings (an instance metadata fallback, say) would land on the console's
		// terminal; what matters reaches the user as an explained error instead.
		config.WithLogger(logging.Nop{}),
	}
	if opt.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(opt.Profile))
	}
	if opt.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(opt.Endpoint))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, explainConfig(err)
	}
	return cfg, nil
}

// NewRetryer is the SDK's standard retryer with trailscope's backoff: throttling (S3's SlowDown
// included) and 5xx are retried with exponential backoff and jitter, from base (DefaultRetryBase
// when 0), at most maxAttempts times (DefaultMaxAttempts when 0). The retry quota, which would fail
// requests after a burst of throttles, is off: the sources pace themselves instead.
func NewRetryer(base time.Duration, maxAttempts int) aws.Retryer {
	if base <= 0 {
		base = DefaultRetryBase
	}
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = MaxBackoff
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return Backoff(base, attempt), nil
		})
	})
}

// Backoff is the wait before retry number attempt (1-based): base doubled each time, capped, with
// "equal jitter" (half fixed, half random) so that retries never come back at once nor too soon.
func Backoff(base time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// IsThrottle tells whether err is a service saying "slow down": a throttling error code, S3's
// SlowDown, or 503 Service Unavailable.
func IsThrottle(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
			"SlowDown", "ServiceUnavailable", "RequestThrottled":
			return true
		}
	}
	return HTTPStatus(err) == http.StatusServiceUnavailable
}

// HTTPStatus is the status code of the HTTP response an error came with, or 0.
func HTTPStatus(err error) int {
	// The SDK wraps *smithyhttp.ResponseError in types that embed it: only its methods show.
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// ResponseHeader is a header of the HTTP response an error came with, or "".
func ResponseHeader(err error, name string) string {
	var re interface{ HTTPResponse() *smithyhttp.Response }
	if errors.As(err, &re) && re.HTTPResponse() != nil && re.HTTPResponse().Response != nil {
		return re.HTTPResponse().Header.Get(name)
	}
	return ""
}
