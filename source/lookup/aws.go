package lookup

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// trailscope only reads. These interfaces are everything it calls on AWS; ops_test.go checks that
// the code calls nothing else.

// lookupAPI is CloudTrail as trailscope uses it.
type lookupAPI interface {
	LookupEvents(context.Context, *cloudtrail.LookupEventsInput, ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

// identityAPI is STS as trailscope uses it: which account the credentials belong to.
type identityAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// regionsAPI is EC2 as trailscope uses it: the regions enabled for the account, for --region all.
type regionsAPI interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// Defaults of Options.
const (
	// DefaultRate is LookupEvents' limit: 2 requests per second per account per region.
	DefaultRate = 2.0
	// DefaultMaxAttempts bounds the tries of one request: enough to ride out throttling by another
	// client sharing the account's quota, few enough that a network failure is reported in seconds.
	DefaultMaxAttempts = 8
	// DefaultRetryBase is the first backoff; it doubles with each attempt, with jitter.
	DefaultRetryBase = 500 * time.Millisecond
	// maxBackoff caps one backoff.
	maxBackoff = 5 * time.Second
	// preflightAttempts bounds the tries of the calls made before the console opens.
	preflightAttempts = 3
	// attemptTimeout bounds one HTTP request, so that a dead connection is retried, not waited on.
	attemptTimeout = 30 * time.Second
)

// AWS says how to reach AWS: what every source that calls it shares (LookupEvents here, Athena in
// source/athena), so that profiles, retries and endpoints behave the same everywhere.
type AWS struct {
	Profile string // an AWS profile; empty: AWS_PROFILE or the default
	// Endpoint replaces the AWS endpoints (tests; users set AWS_ENDPOINT_URL).
	Endpoint string
	// RetryBase is the first backoff after a throttled or failed attempt; DefaultRetryBase when 0.
	RetryBase time.Duration
	// MaxAttempts bounds the tries of one request; DefaultMaxAttempts when 0.
	MaxAttempts int
}

// LoadConfig loads the AWS configuration as the AWS CLI does (profiles, SSO, environment, instance
// roles, AWS_ENDPOINT_URL*), with trailscope's retryer. Its errors are *Error.
func LoadConfig(ctx context.Context, opt AWS) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(opt) }),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(attemptTimeout)),
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
		return aws.Config{}, explainConfig(err, opt.Profile)
	}
	return cfg, nil
}

// loadConfig is LoadConfig with a lookup's options.
func loadConfig(ctx context.Context, opt Options) (aws.Config, error) {
	return LoadConfig(ctx, AWS{Profile: opt.Profile, Endpoint: opt.Endpoint, RetryBase: opt.RetryBase, MaxAttempts: opt.MaxAttempts})
}

// newRetryer is the SDK's standard retryer, configured for LookupEvents: throttling and 5xx are
// retried with exponential backoff and jitter; the pacer, not the retry quota, keeps the rate down,
// so the quota (which would fail requests after a burst of throttles) is off.
func newRetryer(opt AWS) aws.Retryer {
	base := opt.RetryBase
	if base <= 0 {
		base = DefaultRetryBase
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = opt.MaxAttempts
		if o.MaxAttempts <= 0 {
			o.MaxAttempts = DefaultMaxAttempts
		}
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return backoff(base, attempt), nil
		})
	})
}

// backoff is the wait before retry number attempt (1-based): base doubled each time, capped, with
// "equal jitter" (half fixed, half random) so that retries never come back at once nor too soon.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// regionStats counts what happened to one region's requests, attempt by attempt.
type regionStats struct {
	attempts  atomic.Int64 // requests sent, retries included
	throttles atomic.Int64 // attempts answered with a throttling error
	pages     atomic.Int64 // pages fetched and handed on
	cached    atomic.Int64 // events read from the cache
}

// pacer is a middleware that keeps one region's requests at the API's rate. It sits after the
// retryer and before signing, so that every attempt, retries included, waits for its turn.
type pacer struct {
	limiter *rate.Limiter
	stats   *regionStats
}

func (*pacer) ID() string { return "trailscope.Pace" }

func (p *pacer) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	if err := p.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	p.stats.attempts.Add(1)
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && isThrottle(err) {
		p.stats.throttles.Add(1)
	}
	return out, md, err
}

func (p *pacer) install(stack *middleware.Stack) error {
	return stack.Finalize.Insert(p, "Retry", middleware.After)
}

// isThrottle tells whether err is the API saying "slow down".
func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded":
		return true
	}
	return false
}

// newLookupClient returns a CloudTrail client for one region, paced by p.
func newLookupClient(cfg aws.Config, region string, p *pacer) lookupAPI {
	return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
		o.Region = region
		o.APIOptions = append(o.APIOptions, p.install)
	})
}

func newIdentityClient(cfg aws.Config, region string) identityAPI {
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Region = region
		o.RetryMaxAttempts = preflightAttempts
	})
}

func newRegionsClient(cfg aws.Config, region string) regionsAPI {
	return ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.Region = region
		o.RetryMaxAttempts = preflightAttempts
	})
}
